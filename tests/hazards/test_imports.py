"""隐患 through Excel: the template, good and bad files, re-imports, the 排查行动 column resolved
by title, and the 状态 column limited to the states an import may set."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob, Role
from hazards.choices import HazardStatus
from hazards.models import Hazard, HazardTransition
from tests.factories import make_user, workbook

from .helpers import make_campaign, make_hazard, walk

HEADERS = [
    "单位代码",
    "排查行动",
    "发现日期",
    "隐患类别",
    "隐患等级",
    "隐患描述",
    "隐患位置",
    "整改责任人",
    "整改措施",
    "整改期限",
    "整改完成日期",
    "状态",
]


def spec():
    return registry.import_specs["hazards"]


def row(**cells):
    values = {
        "单位代码": "SA1",
        "排查行动": "",
        "发现日期": "2026-01-15",
        "隐患类别": "消防安全",
        "隐患等级": "一般隐患",
        "隐患描述": "教学楼灭火器压力不足",
        "隐患位置": "教学楼",
        "整改责任人": "王老师",
        "整改措施": "",
        "整改期限": "2026-01-30",
        "整改完成日期": "",
        "状态": "",
    }
    values.update(cells)
    return [values[h] for h in HEADERS]


def check(user, rows, headers=HEADERS):
    return validate(spec(), "h.xlsx", workbook(headers, rows), user)


def run(user, rows):
    result = check(user, rows)
    assert result.ok, result.errors
    apply(spec(), result, user, source="test")
    return result


def test_template_has_exactly_the_design_columns_and_says_which_states_import_may_set(db):
    book = load_workbook(io.BytesIO(template_workbook(spec())))
    assert [c.value.lstrip("★") for c in book["隐患"][1]] == HEADERS
    required = [c.value for c in book["隐患"][1] if c.value.startswith("★")]
    assert required == ["★发现日期", "★隐患类别", "★隐患描述"]
    guide = "\n".join(str(c.value) for r in book["填写说明"].iter_rows() for c in r if c.value)
    assert "导入只能把新隐患设为“待整改”或“整改中”" in guide and "“待复查”和“已销号”只能在系统中" in guide
    assert all(label in guide for label in ("消防安全", "校舍安全", "食品卫生", "交通安全", "周边环境", "设施设备"))
    assert "待整改、整改中、待复查、已销号" in guide


def test_good_file_previews_then_writes_with_campaigns_and_registrations(client, personas):
    t = personas.tree
    city_round = make_campaign(t.city, "全市春节安全自查")
    rows = [
        row(排查行动="全市春节安全自查"),
        row(单位代码="SA2", 隐患描述="食堂留样记录不全", 隐患类别="食品卫生", 状态="整改中", 整改措施="补全记录"),
        row(单位代码="", 隐患描述="围墙开裂", 隐患类别="校舍安全", 隐患等级="重大隐患", 整改期限="2026年2月15日"),
    ]
    client.force_login(personas.district_staff)
    f = io.BytesIO(workbook(HEADERS, rows))
    f.name = "hazards.xlsx"
    client.post(reverse("emergency:import_upload", args=["hazards"]), {"file": f})
    job = ImportJob.objects.get()
    assert (job.status, job.to_add, job.to_update) == ("ready", 3, 0), job.errors
    assert not Hazard.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "全市春节安全自查" in page and "新增 3 行" in page
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    first = Hazard.objects.get(description="教学楼灭火器压力不足")
    assert first.campaign == city_round and first.status == HazardStatus.PENDING
    assert first.created_by == personas.district_staff
    second = Hazard.objects.get(description="食堂留样记录不全")
    assert second.status == HazardStatus.RECTIFYING
    assert [t.action for t in second.transitions.all()] == ["register", "start"]
    third = Hazard.objects.get(description="围墙开裂")
    assert (third.organization, third.level, third.deadline) == (t.district_a, "major", datetime.date(2026, 2, 15))


def test_same_file_twice_adds_nothing(personas):
    rows = [row(), row(隐患描述="配电室无绝缘垫", 状态="整改中")]
    run(personas.officer_a, rows)
    again = run(personas.officer_a, rows)
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 2)
    assert Hazard.objects.count() == 2 and HazardTransition.objects.count() == 3


def test_an_existing_hazard_is_updated_and_may_be_started_by_import(personas):
    run(personas.officer_a, [row()])
    result = run(personas.officer_a, [row(整改措施="更换灭火器", 状态="整改中")])
    assert len(result.to_update) == 1
    hazard = Hazard.objects.get()
    assert (hazard.measures, hazard.status) == ("更换灭火器", HazardStatus.RECTIFYING)
    start = hazard.transitions.get(action="start")
    assert (start.from_status, start.user, start.comment) == ("pending", personas.officer_a, "Excel导入")


def test_bad_rows_are_all_listed_and_nothing_is_written(personas):
    rows = [
        row(单位代码="SB1"),  # 3: another district
        row(单位代码="NOPE", 隐患描述="x"),  # 4
        row(发现日期="2026-02-30", 隐患描述="坏日期"),  # 5
        row(发现日期="2099-01-01", 隐患描述="未来"),  # 6
        row(隐患类别="天灾", 隐患等级="特大隐患", 隐患描述="坏选项"),  # 7
        row(隐患等级="重大隐患", 整改期限="", 隐患描述="重大无期限"),  # 8
        row(整改期限="2026-01-01", 隐患描述="期限早于发现"),  # 9
        row(状态="已销号", 隐患描述="导入销号"),  # 10
        row(状态="待复查", 隐患描述="导入待复查"),  # 11
        row(排查行动="没有这个行动", 隐患描述="行动不存在"),  # 12
        row(隐患描述=""),  # 13
        row(),  # 14
        row(),  # 15: same as 14
        row(隐患描述="好的一行"),  # 16
    ]
    result = check(personas.district_staff, [row(隐患描述="第二行好"), *rows])
    errors = "\n".join(result.errors)
    assert "第3行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内" in errors
    assert "第4行 单位代码: 单位代码“NOPE”不存在或不在您的管辖范围内" in errors
    assert "第5行 发现日期: “2026-02-30”不是有效日期" in errors
    assert "第6行 发现日期: 日期 2099-01-01 晚于今天" in errors
    assert "第7行 隐患类别: “天灾”不是可选值" in errors and "第7行 隐患等级: “特大隐患”不是可选值" in errors
    assert "第8行 整改期限: 重大隐患必须填写整改期限" in errors
    assert "第9行 整改期限: 不能早于发现日期" in errors
    assert "第10行 状态: 导入只能把新隐患设为“待整改”或“整改中”，“已销号”须在系统中办理" in errors
    assert "第11行 状态: 导入只能把新隐患设为“待整改”或“整改中”，“待复查”须在系统中办理" in errors
    assert "第12行 排查行动: “没有这个行动”不存在" in errors
    assert "第13行 隐患描述: 必须填写" in errors
    assert "第15行: 与第14行重复" in errors
    assert not any(e.startswith("第2行") or e.startswith("第16行") for e in result.errors)
    assert not Hazard.objects.exists()


def test_negative_or_non_numeric_cells_never_reach_a_hazard(personas):
    # Hazards have no count columns; a number typed into a date column is still refused.
    result = check(personas.officer_a, [row(整改期限=-5), row(隐患描述="b", 整改完成日期="很快")])
    errors = "\n".join(result.errors)
    assert (
        "第2行 整改期限: “-5" in errors and "不是日期" in errors and "第3行 整改完成日期: “很快”不是有效日期" in errors
    )


def test_wrong_headers_are_named(personas):
    result = check(personas.officer_a, [["SA1", "2026-01-15", "x"]], headers=["单位代码", "发现时间", "隐患描述"])
    assert "第1行 发现时间: 不是“隐患”模板的列，请使用下载的模板" in result.errors
    assert "第1行 发现日期: 缺少必填列" in result.errors and "第1行 隐患类别: 缺少必填列" in result.errors


def test_campaign_is_resolved_among_those_covering_the_rows_school(personas):
    t = personas.tree
    make_campaign(t.city, "B区专项检查", kind="special", scope=[t.district_b])
    city = make_campaign(t.city, "春季检查")
    district = make_campaign(t.district_a, "春季检查")  # same title nearer the school wins
    own = make_campaign(t.school_a1, "一小自查")
    result = check(
        personas.city_staff,
        [
            row(排查行动="春季检查"),
            row(单位代码="SB1", 排查行动="春季检查", 隐患描述="b"),
            row(排查行动="一小自查", 隐患描述="c"),
            row(单位代码="SA2", 排查行动="一小自查", 隐患描述="d"),
            row(单位代码="SA1", 排查行动="B区专项检查", 隐患描述="e"),
        ],
    )
    assert [e.split(" ")[0] for e in result.errors] == ["第5行", "第6行"]
    result = check(
        personas.city_staff,
        [
            row(排查行动="春季检查"),
            row(单位代码="SB1", 排查行动="春季检查", 隐患描述="b"),
            row(排查行动="一小自查", 隐患描述="c"),
        ],
    )
    assert [r.values["campaign"] for r in result.rows] == [district, city, own]


def test_import_cannot_move_a_hazard_backwards_or_past_review(personas):
    hazard = make_hazard(
        personas.tree.school_a1, location="教学楼", responsible="王老师", deadline=datetime.date(2026, 1, 30)
    )
    walk(hazard, HazardStatus.REVIEW, personas.officer_a)
    as_stored = {"整改措施": "更换灭火器", "整改完成日期": "2026-01-15"}
    assert check(personas.officer_a, [row(状态="待复查", **as_stored)]).ok
    result = check(personas.officer_a, [row(状态="待整改")])
    assert result.errors == ["第2行 状态: 隐患现为“待复查”，导入不能改为“待整改”"]
    blank = check(personas.officer_a, [row(状态="", **as_stored)])
    assert blank.ok and blank.unchanged == 1
    walk(hazard, HazardStatus.CLOSED, personas.officer_a, personas.district_staff)
    result = check(personas.officer_a, [row(状态="已销号", 整改措施="改了措施")])
    assert result.errors == ["第2行: 隐患已销号，不能通过导入修改"]


def test_export_of_the_filtered_list_reimports_unchanged(client, personas):
    campaign = make_campaign(personas.tree.city, "全市春节安全自查")
    make_hazard(personas.tree.school_a1, campaign=campaign, deadline=datetime.date(2026, 1, 30))
    closed = make_hazard(personas.tree.school_a2, description="已整改的", deadline=datetime.date(2026, 1, 30))
    walk(
        closed,
        HazardStatus.CLOSED,
        make_user("officer_a2", personas.tree.school_a2, Role.SCHOOL_OFFICER),
        personas.district_staff,
    )
    make_hazard(personas.tree.school_b1, description="别的区")
    client.force_login(personas.district_staff)
    response = client.get(reverse("hazards:hazard_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADERS
    assert sorted(r[1] or "" for r in rows[1:]) == ["", "全市春节安全自查"]
    assert {r[11] for r in rows[1:]} == {"待整改", "已销号"}
    result = validate(spec(), "e.xlsx", response.content, personas.district_staff)
    assert result.ok, result.errors
    assert (len(result.to_add), len(result.to_update), result.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("dry_run", [True, False])
def test_command_line_import(tmp_path, personas, dry_run):
    path = tmp_path / "h.xlsx"
    path.write_bytes(workbook(HEADERS, [row()]))
    args = ["import_records", "hazards", str(path), "--user", "officer_a"] + (["--dry-run"] if dry_run else [])
    call_command(*args)
    assert Hazard.objects.exists() != dry_run
