"""The `outreach` import kind: DESIGN.md's columns (宣传主题 several, 、-separated), preview then
write, every bad row listed and nothing written, re-import adds nothing."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob
from outreach.models import OutreachEvent
from tests.factories import workbook

from .helpers import make_campaign

HEADERS = "单位代码 活动名称 活动日期 活动形式 宣传主题 参与人数 横幅(条) 挂图(套) 展板(块) 宣传单(张) 备注".split()


def spec():
    return registry.import_specs["outreach"]


def good_rows():
    return [
        ["SA1", "应急管理宣传周主题班会", "2026-03-24", "班队会", "防火、防震、交通", 650, 2, 5, 1, 100, ""],
        ["SA2", "防震专题报告", "2026年5月12日", "专题报告", "防震", "1,200", "", "", "", "", "请了地震局专家"],
        ["", "街头宣传站", "2026-03-28", "街头宣传站", "防火，防溺水", 80, 10, 20, 8, 500, ""],
    ]


def check(user, rows, headers=HEADERS):
    return validate(spec(), "outreach.xlsx", workbook(headers, rows), user)


def upload(client, data: bytes):
    f = io.BytesIO(data)
    f.name = "outreach.xlsx"
    return client.post(reverse("emergency:import_upload", args=["outreach"]), {"file": f})


def test_template_has_the_design_columns(db):
    book = load_workbook(io.BytesIO(template_workbook(spec())))
    sheet = book["宣传活动"]
    assert [c.value.lstrip("★") for c in sheet[1]] == HEADERS
    assert [c.value.startswith("★") for c in sheet[1]] == [h in ("活动名称", "活动日期", "活动形式") for h in HEADERS]
    assert [book["选项"].cell(row=r, column=4).value for r in range(1, 9)] == [
        "宣传周",
        "进校园",
        "班队会",
        "校会",
        "专题报告",
        "观看视频",
        "街头宣传站",
        "其他",
    ]


def test_good_file_previews_then_writes_and_joins_the_campaign(client, personas):
    t = personas.tree
    week = make_campaign(t.city, starts="2026-03-23")
    client.force_login(personas.district_staff)
    upload(client, workbook(HEADERS, good_rows()))
    job = ImportJob.objects.get()
    assert (job.status, job.to_add) == ("ready", 3), job.errors
    assert not OutreachEvent.objects.exists()
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    events = {e.name: e for e in OutreachEvent.objects.select_related("organization")}
    assert events["应急管理宣传周主题班会"].topics == ["fire", "earthquake", "traffic"]
    assert events["街头宣传站"].topics == ["fire", "drowning"]  # a full-width comma is taken too
    assert events["街头宣传站"].organization == t.district_a  # blank code: the uploader's own
    assert (events["防震专题报告"].participants, events["防震专题报告"].banners) == (1200, 0)
    assert events["应急管理宣传周主题班会"].campaign == week and events["街头宣传站"].campaign == week
    assert events["防震专题报告"].campaign is None  # May is not the publicity week


def test_same_file_twice_adds_nothing(personas):
    apply(spec(), check(personas.district_staff, good_rows()), personas.district_staff, source="test")
    again = check(personas.district_staff, good_rows())
    assert again.ok and (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)
    rows = good_rows()
    rows[0][9] = 120
    changed = check(personas.district_staff, rows)
    assert len(changed.to_update) == 1 and changed.to_update[0].changed == ["leaflets"]
    assert OutreachEvent.objects.count() == 3


def test_bad_rows_are_all_listed_and_nothing_is_written(client, personas):
    rows = [
        ["SX9", "班会", "2026-03-24", "班队会", "防火", 10, 0, 0, 0, 0, ""],
        ["SB1", "班会", "2026-03-24", "班队会", "防火", 10, 0, 0, 0, 0, ""],
        ["SA1", "班会", "2026-02-30", "晚会", "防火、放风筝", -3, 0, 0, 0, 0, ""],
        ["SA1", "", "", "班队会", "", 10, "两条", 0, 0, -1, ""],
        ["SA1", "未来的活动", "2999-01-01", "校会", "", 10, 0, 0, 0, 0, ""],
        ["SA2", "宣传周班会", "2026-03-24", "班队会", "防火", 10, 0, 0, 0, 0, ""],
        ["SA2", "宣传周班会", "2026/3/24", "校会", "防震", 20, 0, 0, 0, 0, ""],
        ["SA2", "好的一行", "2026-03-25", "校会", "交通", 20, 1, 1, 1, 1, ""],
    ]
    client.force_login(personas.district_staff)
    upload(client, workbook(HEADERS, rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    errors = "\n".join(job.errors)
    for expected in (
        "第2行 单位代码: 单位代码“SX9”不存在或不在您的管辖范围内",
        "第3行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内",
        "第4行 活动日期: “2026-02-30”不是有效日期",
        "第4行 活动形式: “晚会”不是可选值",
        "第4行 宣传主题: “放风筝”不是可选值",
        "第4行 参与人数: 不能为负数（-3）",
        "第5行 活动名称: 必须填写",
        "第5行 活动日期: 必须填写",
        "第5行 横幅(条): “两条”不是数字",
        "第5行 宣传单(张): 不能为负数（-1）",
        "第6行 活动日期: 日期 2999-01-01 晚于今天",
        "第8行: 与第7行重复",
    ):
        assert expected in errors, expected
    assert "第9行" not in errors
    assert not OutreachEvent.objects.exists()


def test_wrong_headers_are_named(personas):
    result = check(personas.officer_a, [["SA1", "班会", "2026-03-24"]], headers=["单位代码", "名称", "日期"])
    assert "第1行 名称: 不是“宣传活动”模板的列，请使用下载的模板" in result.errors
    assert "第1行 活动名称: 缺少必填列" in result.errors
    assert "第1行 活动形式: 缺少必填列" in result.errors


def test_export_of_the_filtered_list_reimports_unchanged(client, personas):
    apply(spec(), check(personas.district_staff, good_rows()), personas.district_staff, source="test")
    client.force_login(personas.officer_a)
    response = client.get(reverse("outreach:outreachevent_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADERS
    assert [r[1] for r in rows[1:]] == ["应急管理宣传周主题班会"]  # SA1's only
    assert rows[1][4] == "防火、防震、交通"
    result = validate(spec(), "e.xlsx", response.content, personas.officer_a)
    assert result.ok and result.unchanged == 1, result.errors
