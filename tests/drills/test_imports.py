"""The `drills` Excel kind: DESIGN.md's columns, 关联预案 resolved by name within the school."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from drills.models import Drill
from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob
from tests.factories import workbook
from tests.plans.helpers import make_plan

HEADERS = [
    "单位代码",
    "演练名称",
    "演练日期",
    "演练类型",
    "演练形式",
    "关联预案",
    "参演学生人数",
    "参演教职工人数",
    "时长(分钟)",
    "发现问题",
    "备注",
]
SPEC = registry.import_specs["drills"]


def good_rows():
    return [
        [
            "SA1",
            "春季消防疏散演练",
            "2025-03-20",
            "消防",
            "实战演练",
            "火灾事故应急预案",
            1200,
            86,
            30,
            "东侧楼梯口拥堵",
            "",
        ],
        ["SA1", "防震演练", "2025年5月12日", "防震", "", "", "900", "", None, "", ""],
        [
            "SA2",
            "桌面推演",
            datetime.date(2025, 6, 1),
            "食品安全",
            "桌面推演",
            "火灾事故应急预案",
            0,
            12,
            90,
            "",
            "食堂",
        ],
    ]


def check(user, rows, headers=HEADERS):
    return validate(SPEC, "drills.xlsx", workbook(headers, rows), user)


def plans(tree):
    old = make_plan(tree.school_a1, "火灾事故应急预案", issued="2020-01-01")
    current = make_plan(tree.school_a1, "火灾事故应急预案", issued="2024-01-01", version="2.0")
    other = make_plan(tree.school_a2, "火灾事故应急预案", issued="2024-01-01")
    return old, current, other


def test_template_has_the_design_columns_in_order(db):
    book = load_workbook(io.BytesIO(template_workbook(SPEC)))
    assert [c.value.lstrip("★") for c in book["应急演练"][1]] == HEADERS
    assert [c.value for c in book["应急演练"][1] if c.value.startswith("★")] == ["★演练名称", "★演练日期", "★演练类型"]


def example_row(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("emergency:import_template", args=["drills"]))
    rows = list(load_workbook(io.BytesIO(response.content))["填写说明"].iter_rows(values_only=True))
    return dict(zip(rows[-2], rows[-1], strict=True))


def test_the_template_example_names_the_downloaders_unit_and_one_of_its_plans(client, personas):
    make_plan(personas.tree.school_a1, "校园踩踏事故应急预案")
    example = example_row(client, personas.officer_a)
    assert (example["单位代码"], example["关联预案"]) == ("SA1", "校园踩踏事故应急预案")
    # A unit with no plan yet: no 关联预案, so the example row uploads as it is.
    example = example_row(client, personas.officer_b)
    assert example["单位代码"] == "SB1" and example["关联预案"] in (None, "")
    result = validate(SPEC, "a.xlsx", workbook(list(example), [list(example.values())]), personas.officer_b)
    assert result.ok, result.errors


def test_good_file_previews_then_writes_with_plans_resolved_per_school(client, personas):
    _old, current, other = plans(personas.tree)
    client.force_login(personas.district_staff)
    f = io.BytesIO(workbook(HEADERS, good_rows()))
    f.name = "drills.xlsx"
    client.post(reverse("emergency:import_upload", args=["drills"]), {"file": f})
    job = ImportJob.objects.get()
    assert (job.status, job.to_add) == ("ready", 3), job.errors
    assert not Drill.objects.exists()
    assert "火灾事故应急预案" in client.get(job.get_absolute_url()).content.decode()
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    fire = Drill.objects.get(name="春季消防疏散演练")
    assert (fire.plan, fire.students, fire.staff, fire.duration_minutes) == (current, 1200, 86, 30)
    assert Drill.objects.get(name="桌面推演").plan == other  # the same name, the row's own school
    quake = Drill.objects.get(name="防震演练")
    assert (quake.plan, quake.staff, quake.drill_form, quake.held_on) == (None, None, "", datetime.date(2025, 5, 12))


def test_same_file_twice_adds_nothing(personas):
    plans(personas.tree)
    apply(SPEC, check(personas.district_staff, good_rows()), personas.district_staff, "test")
    again = check(personas.district_staff, good_rows())
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)
    changed = good_rows()
    changed[0][6] = 1300
    update = check(personas.district_staff, changed)
    assert (len(update.to_add), len(update.to_update)) == (0, 1) and update.to_update[0].changed == ["students"]
    assert Drill.objects.count() == 3


def test_bad_rows_are_all_listed_and_nothing_is_written(personas):
    plans(personas.tree)
    rows = [
        ["SB1", "越界演练", "2025-03-01", "消防", "", "", "", "", "", "", ""],
        ["X99", "未知单位", "2025-03-01", "消防", "", "", "", "", "", "", ""],
        ["SA1", "", "2025-02-30", "火山", "演习", "", -5, "十", 1.5, "", ""],
        ["SA1", "未来演练", "2099-01-01", "消防", "", "", "", "", "", "", ""],
        ["SA1", "不存在预案", "2025-03-01", "消防", "", "防汛预案", "", "", "", "", ""],
        ["SA1", "重复演练", "2025-03-01", "疏散", "", "", "", "", "", "", ""],
        ["SA1", "重复演练", "2025/3/1", "消防", "", "", "", "", "", "", ""],
        ["SA1", "好的一行", "2025-03-01", "疏散", "", "", 10, 2, 20, "", ""],
    ]
    result = check(personas.district_staff, rows)
    errors = "\n".join(result.errors)
    assert "第2行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内" in errors
    assert "第3行 单位代码: 单位代码“X99”不存在或不在您的管辖范围内" in errors
    assert "第4行 演练名称: 必须填写" in errors
    assert "第4行 演练日期: “2025-02-30”不是有效日期" in errors
    assert "第4行 演练类型: “火山”不是可选值" in errors
    assert "第4行 演练形式: “演习”不是可选值" in errors
    assert "第4行 参演学生人数: 不能为负数（-5）" in errors
    assert "第4行 参演教职工人数: “十”不是数字" in errors
    assert "第4行 时长(分钟): 必须是整数（1.5）" in errors
    assert "第5行 演练日期: 日期 2099-01-01 晚于今天" in errors
    assert "第6行 关联预案: A区第一小学没有名为“防汛预案”的应急预案" in errors
    assert "第8行: 与第7行重复" in errors
    assert not result.ok and not Drill.objects.exists()


def test_wrong_headers_are_named(personas):
    result = check(personas.city_staff, [["SA1", "x", "2025-01-01"]], headers=["单位代码", "演练", "演练日期"])
    assert "第1行 演练: 不是“应急演练”模板的列，请使用下载的模板" in result.errors
    assert "第1行 演练名称: 缺少必填列" in result.errors and "第1行 演练类型: 缺少必填列" in result.errors


def test_a_school_cannot_link_another_schools_plan(personas):
    plans(personas.tree)
    make_plan(personas.tree.school_b1, "B校防溺水预案")
    rows = [["", "防溺水演练", "2025-06-01", "防溺水", "", "B校防溺水预案", "", "", "", "", ""]]
    result = check(personas.officer_a, rows)
    assert result.errors == ["第2行 关联预案: A区第一小学没有名为“B校防溺水预案”的应急预案"]


def test_export_round_trips_through_the_import(client, personas):
    plans(personas.tree)
    apply(SPEC, check(personas.district_staff, good_rows()), personas.district_staff, "test")
    client.force_login(personas.district_staff)
    exported = client.get(reverse("drills:drill_list") + "?export=xlsx").content
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADERS
    assert "火灾事故应急预案" in [r[5] for r in rows[1:]]
    again = validate(SPEC, "export.xlsx", exported, personas.district_staff)
    assert again.ok and (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)


def test_import_records_command_fails_loudly_and_writes_nothing(personas, tmp_path):
    path = tmp_path / "drills.xlsx"
    path.write_bytes(workbook(HEADERS, [["SA1", "演练", "2025-03-01", "消防", "", "没有的预案", "", "", "", "", ""]]))
    try:
        call_command("import_records", "drills", str(path))
    except CommandError as exc:
        assert "1 个错误" in str(exc)
    else:
        raise AssertionError("a bad file must fail")
    assert not Drill.objects.exists()
