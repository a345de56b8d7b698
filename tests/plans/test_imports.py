"""The `plans` Excel kind: exactly DESIGN.md's columns, every bad row named, versions retired."""

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob
from plans.models import EmergencyPlan
from tests.factories import workbook

from .helpers import make_plan

HEADERS = ["单位代码", "预案名称", "预案类别", "事件类型", "发布日期", "版本号", "下次修订日期", "状态", "备注"]
SPEC = registry.import_specs["plans"]


def good_rows():
    return [
        ["SA1", "A区第一小学火灾事故应急预案", "专项应急预案", "事故灾难", "2025-03-01", "1.0", "", "现行", ""],
        [
            "SA1",
            "A区第一小学突发公共事件总体应急预案",
            "综合应急预案",
            "自然灾害、事故灾难、公共卫生事件、社会安全事件",
            "2024年9月1日",
            "",
            "2026-09-01",
            "",
            "校长签发",
        ],
        [
            "SA2",
            "A区第二小学地震应急预案",
            "专项应急预案",
            "自然灾害",
            datetime.date(2025, 4, 2),
            "2.0",
            None,
            None,
            None,
        ],
    ]


def check(user, rows, headers=HEADERS):
    return validate(SPEC, "plans.xlsx", workbook(headers, rows), user)


def test_template_has_the_design_columns_in_order(db):
    book = load_workbook(io.BytesIO(template_workbook(SPEC)))
    assert [c.value.lstrip("★") for c in book["应急预案"][1]] == HEADERS
    assert [c.value for c in book["应急预案"][1] if c.value.startswith("★")] == ["★预案名称", "★预案类别", "★发布日期"]


def test_good_file_previews_then_writes(client, personas):
    client.force_login(personas.district_staff)
    f = io.BytesIO(workbook(HEADERS, good_rows()))
    f.name = "plans.xlsx"
    client.post(reverse("emergency:import_upload", args=["plans"]), {"file": f})
    job = ImportJob.objects.get()
    assert (job.status, job.to_add, job.to_update) == ("ready", 3, 0), job.errors
    assert not EmergencyPlan.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "A区第一小学火灾事故应急预案" in page and "新增 3 行" in page
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    general = EmergencyPlan.objects.get(name="A区第一小学突发公共事件总体应急预案")
    assert general.version == "1.0" and general.status == "current"  # blanks take their defaults
    assert general.event_types == ["natural", "accident", "health", "social"]
    assert general.next_revision_on == datetime.date(2026, 9, 1)
    fire = EmergencyPlan.objects.get(name="A区第一小学火灾事故应急预案")
    assert fire.next_revision_on == datetime.date(2028, 3, 1)  # issued + 3 years
    assert EmergencyPlan.objects.get(version="2.0").organization == personas.tree.school_a2


def test_same_file_twice_adds_nothing(personas):
    data = good_rows()
    first = check(personas.district_staff, data)
    apply(SPEC, first, personas.district_staff, "test")
    again = check(personas.district_staff, data)
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)
    assert EmergencyPlan.objects.count() == 3


def test_bad_rows_are_all_listed_and_nothing_is_written(personas):
    rows = [
        ["SB1", "越界预案", "专项应急预案", "", "2025-01-01", "", "", "", ""],
        ["NOPE", "不存在单位的预案", "专项应急预案", "", "2025-01-01", "", "", "", ""],
        ["SA1", "", "应急方案", "洪水", "2025-13-01", "", "", "暂停", ""],
        ["SA1", "未来预案", "专项应急预案", "", "2099-01-01", "", "", "", ""],
        ["SA1", "倒序预案", "专项应急预案", "", "2025-05-01", "", "2025-01-01", "", ""],
        ["SA1", "重复预案", "专项应急预案", "", "2025-01-01", "1.0", "", "", ""],
        ["SA1", "重复预案", "综合应急预案", "", "2025-02-01", "", "", "", ""],
        ["SA1", "好的一行", "专项应急预案", "", "2025-01-01", "", "", "", ""],
    ]
    result = check(personas.district_staff, rows)
    errors = "\n".join(result.errors)
    assert "第2行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内" in errors
    assert "第3行 单位代码: 单位代码“NOPE”不存在或不在您的管辖范围内" in errors
    assert "第4行 预案名称: 必须填写" in errors
    assert "第4行 预案类别: “应急方案”不是可选值" in errors
    assert "第4行 事件类型: “洪水”不是可选值" in errors
    assert "第4行 发布日期: “2025-13-01”不是有效日期" in errors
    assert "第4行 状态: “暂停”不是可选值" in errors
    assert "第5行 发布日期: 日期 2099-01-01 晚于今天" in errors
    assert "第6行 下次修订日期: 早于发布日期" in errors
    assert "第8行: 与第7行重复" in errors  # blank version is 1.0: the same key
    assert not result.ok
    assert result.errors == sorted(result.errors, key=lambda e: int(e[1 : e.index("行")]))
    assert not EmergencyPlan.objects.exists()


def test_wrong_headers_are_named(personas):
    result = check(personas.city_staff, [["SA1", "x", "专项应急预案"]], headers=["单位代码", "名称", "预案类别"])
    assert "第1行 名称: 不是“应急预案”模板的列，请使用下载的模板" in result.errors
    assert "第1行 预案名称: 缺少必填列" in result.errors
    assert "第1行 发布日期: 缺少必填列" in result.errors


def test_school_officer_blank_code_means_own_school(personas):
    result = check(personas.officer_a, [["", "本校防汛预案", "专项应急预案", "自然灾害", "2025-06-01", "", "", "", ""]])
    assert result.ok and result.to_add[0].values["organization"] == personas.tree.school_a1
    result = check(personas.officer_a, [["SA2", "邻校预案", "专项应急预案", "", "2025-06-01", "", "", "", ""]])
    assert "第2行 单位代码: 单位代码“SA2”不存在或不在您的管辖范围内" in result.errors


def test_a_later_version_in_a_file_retires_the_earlier_one(personas):
    stored = make_plan(
        personas.tree.school_a1, "总体应急预案", issued="2019-09-01", category="comprehensive", event_types=[]
    )
    rows = [["SA1", "总体应急预案", "综合应急预案", "", "2025-09-01", "2.0", "", "现行", ""]]
    result = check(personas.officer_a, rows)
    apply(SPEC, result, personas.officer_a, "test")
    stored.refresh_from_db()
    assert (stored.status, stored.retired_on) == ("retired", datetime.date(2025, 9, 1))
    # A file carrying both versions shows the old one as retired and, uploaded again, changes nothing.
    both = [["SA1", "总体应急预案", "综合应急预案", "", "2019-09-01", "1.0", "", "现行", ""], *rows]
    again = check(personas.officer_a, both)
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 2)
    assert EmergencyPlan.objects.get(version="2.0").status == "current"


def test_import_records_command_uses_the_same_checks(personas, tmp_path):
    path = tmp_path / "plans.xlsx"
    path.write_bytes(workbook(HEADERS, good_rows()))
    call_command("import_records", "plans", str(path), "--user", "district_staff")
    assert EmergencyPlan.objects.count() == 3
