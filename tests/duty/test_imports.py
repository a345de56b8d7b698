"""The duty roster as Excel (kind "duty"): the DESIGN.md columns, a good file previewed then
written, every bad row listed as 第N行 列名: 原因 with nothing written, re-import adds nothing,
and 带班领导 resolved among the group as it stood on the row's date."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from duty.models import DutyShift
from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob
from tests.factories import workbook

from .helpers import D, make_group, make_member, make_shift

HEADERS = ["单位代码", "日期", "班次", "带班领导", "值班人员1", "值班人员2", "联系电话"]


@pytest.fixture
def groups(tree):
    city = make_group(tree.city)
    school = make_group(tree.school_a1)
    return {
        "王": make_member(city, "王局长", "leader"),
        "杨": make_member(city, "杨副局长", left="2026-03-03"),
        "校长": make_member(school, "张校长", "leader"),
        "副校长": make_member(school, "李副校长"),
    }


def spec():
    return registry.import_specs["duty"]


def upload(client, data: bytes, name="duty.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("emergency:import_upload", args=["duty"]), {"file": f})


def good_rows():
    return [
        ["SA1", "2026-03-01", "白班", "张校长", "王老师", "赵老师", "0532-1"],
        ["SA1", "2026-03-01", "夜班", "张校长", "钱老师", "孙老师", ""],
        ["", "2026年3月2日", "全天", "李副校长", "王老师", "钱老师", None],
    ]


def test_template_has_the_design_columns_and_shift_dropdown(db):
    book = load_workbook(io.BytesIO(template_workbook(spec())))
    sheet = book["值班表"]
    assert [c.value.lstrip("★") for c in sheet[1]] == HEADERS
    assert [c.value.startswith("★") for c in sheet[1]] == [False, True, True, True, True, True, False]
    assert book["选项"]["C1"].value == "白班" and book["选项"]["C3"].value == "全天"


def test_good_file_previews_then_writes(client, personas, groups):
    client.force_login(personas.officer_a)
    upload(client, workbook(HEADERS, good_rows()))
    job = ImportJob.objects.get()
    assert (job.status, job.to_add, job.to_update) == ("ready", 3, 0), job.errors
    assert not DutyShift.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "新增 3 行" in page and "张校长" in page
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    night = DutyShift.objects.get(date=D("2026-03-01"), shift="night")
    assert (night.organization, night.leader, night.officer_1, night.created_by) == (
        personas.tree.school_a1,
        groups["校长"],
        "钱老师",
        personas.officer_a,
    )
    assert DutyShift.objects.get(shift="full").leader == groups["副校长"]


def test_same_file_twice_adds_nothing_and_a_change_updates(personas, groups):
    data = workbook(HEADERS, good_rows())
    apply(spec(), validate(spec(), "a.xlsx", data, personas.officer_a), personas.officer_a, "test")
    again = validate(spec(), "a.xlsx", data, personas.officer_a)
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)
    rows = good_rows()
    rows[0][3] = "李副校长"
    changed = validate(spec(), "a.xlsx", workbook(HEADERS, rows), personas.officer_a)
    assert (len(changed.to_add), len(changed.to_update), changed.to_update[0].changed) == (0, 1, ["leader"])
    apply(spec(), changed, personas.officer_a, "test")
    assert DutyShift.objects.get(shift="day").leader == groups["副校长"]
    assert DutyShift.objects.count() == 3


def test_bad_rows_are_all_listed_and_nothing_is_written(client, personas, groups):
    rows = [
        ["SA1", "2026-02-30", "白班", "张校长", "王老师", "赵老师", ""],
        ["SB1", "2026-03-01", "白班", "张校长", "王老师", "赵老师", ""],
        ["NOPE", "2026-03-01", "白班", "张校长", "王老师", "赵老师", ""],
        ["SA1", "2026-03-01", "早班", "张校长", "王老师", "王老师", ""],
        ["SA1", "2026-03-02", "全天", "王局长", "王老师", "赵老师", ""],
        ["SA1", "2026-03-03", "全天", "", "王老师", "", ""],
        ["SA1", "2026-03-04", "全天", "张校长", "王老师", "赵老师", ""],
        ["SA1", "2026-03-04", "全天", "李副校长", "钱老师", "赵老师", ""],
        ["SA1", "2026-03-05", "全天", "张校长", "张校长", "赵老师", ""],
    ]
    client.force_login(personas.officer_a)
    upload(client, workbook(HEADERS, rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    errors = "\n".join(job.errors)
    assert "第2行 日期: “2026-02-30”不是有效日期" in errors
    assert "第3行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内" in errors
    assert "第4行 单位代码: 单位代码“NOPE”不存在或不在您的管辖范围内" in errors
    assert "第5行 班次: “早班”不是可选值，可选：白班" in errors
    assert "第6行 带班领导: “王局长”不是该单位领导小组成员" in errors
    assert "第7行 带班领导: 必须填写" in errors and "第7行 值班人员2: 必须填写" in errors
    assert "第9行: 与第8行重复（单位代码、日期、班次相同）" in errors
    assert "第10行 带班领导: 带班领导不能同时担任值班人员" in errors
    assert not DutyShift.objects.exists()
    assert "未写入任何数据" in client.get(job.get_absolute_url()).content.decode()


def test_officers_must_be_two_different_people(personas, groups):
    rows = [["SA1", "2026-03-01", "白班", "张校长", "王老师", "王老师", ""]]
    result = validate(spec(), "a.xlsx", workbook(HEADERS, rows), personas.officer_a)
    assert result.errors == ["第2行 值班人员2: 与值班人员1是同一人，双人双岗须两名不同的值班人员"]


def test_a_leader_who_left_the_group_is_a_row_error(personas, groups):
    rows = [
        ["C", "2026-03-02", "全天", "杨副局长", "甲", "乙", ""],
        ["C", "2026-03-03", "全天", "杨副局长", "甲", "乙", ""],
        ["C", "2025-11-30", "全天", "王局长", "甲", "乙", ""],
    ]
    result = validate(spec(), "a.xlsx", workbook(HEADERS, rows), personas.city_staff)
    assert result.errors == [
        "第3行 带班领导: “杨副局长”已于2026年3月3日离开领导小组，2026年3月3日不能担任带班领导",
        "第4行 带班领导: “王局长”于2025年12月1日才加入领导小组，2025年11月30日不能担任带班领导",
    ]


def test_an_organisation_without_a_group_cannot_import_shifts(personas, groups):
    rows = [["SB1", "2026-03-01", "全天", "某校长", "甲", "乙", ""]]
    result = validate(spec(), "a.xlsx", workbook(HEADERS, rows), personas.officer_b)
    assert result.errors == ["第2行 带班领导: 该单位尚未成立领导小组，带班领导须是领导小组成员"]


def test_wrong_headers_are_named(personas):
    data = workbook(["单位代码", "日期", "班别", "带班领导", "值班人员1"], [["SA1", "2026-03-01", "白班", "张", "王"]])
    result = validate(spec(), "a.xlsx", data, personas.officer_a)
    assert "第1行 班别: 不是“值班表”模板的列，请使用下载的模板" in result.errors
    assert "第1行 班次: 缺少必填列" in result.errors and "第1行 值班人员2: 缺少必填列" in result.errors


def test_export_of_the_list_reimports_unchanged(client, personas, groups):
    make_shift(personas.tree.school_a1, "2026-03-01", groups["校长"], phone="=1+1")
    make_shift(personas.tree.city, "2026-03-01", groups["王"])
    client.force_login(personas.officer_a)
    response = client.get(reverse("duty:dutyshift_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADERS
    assert rows[1][:4] == ("SA1", rows[1][1], "全天", "张校长") and rows[1][6] == "'=1+1"
    assert len(rows) == 2  # the city's shift is out of the school's scope
    result = validate(spec(), "e.xlsx", response.content, personas.officer_a)
    # The quote that kept "=1+1" from running in Excel comes off again on the way back in.
    assert result.errors == [] and result.unchanged == 1 and not result.to_update


def test_command_line_import_refuses_a_bad_file(tmp_path, groups):
    from django.core.management import CommandError, call_command

    path = tmp_path / "duty.xlsx"
    path.write_bytes(workbook(HEADERS, [["SA1", "2026-03-01", "白班", "王局长", "甲", "乙", ""]]))
    with pytest.raises(CommandError, match="1 个错误"):
        call_command("import_records", "duty", str(path))
    assert not DutyShift.objects.exists()


def test_a_shift_in_a_far_future_year_is_refused(personas, groups):
    rows = [["SA1", "2999-01-01", "白班", "张校长", "王老师", "赵老师", ""]]
    result = validate(spec(), "a.xlsx", workbook(HEADERS, rows), personas.officer_a)
    assert result.errors == ["第2行 日期: 日期 2999-01-01 超出范围：年份应在 1949—2100 之间"]
