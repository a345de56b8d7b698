"""The `supplies` import kind: DESIGN.md's columns, preview then write, every bad row listed and
nothing written, re-import adds nothing, and quantity corrections kept as 盘点 movements."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob
from supplies.models import Stock, StockMovement, SupplyItem
from tests.factories import workbook

from .helpers import make_item, make_stock

HEADERS = "单位代码 物资名称 物资类别 规格型号 计量单位 数量 存放地点 生产日期 有效期至 上次检查日期 责任人".split()


def spec():
    return registry.import_specs["supplies"]


def good_rows():
    return [
        [
            "SA1",
            "干粉灭火器",
            "消防器材",
            "MFZ/ABC4",
            "具",
            24,
            "教学楼",
            "2024-03-01",
            "2034-02-28",
            "2026-01-10",
            "张老师",
        ],
        ["SA2", "医用急救箱", "医疗急救", "标准型", "个", "3", "校医室", "", "", "", ""],
        ["", "应急照明灯", "照明通信", "", "盏", 30, "教学楼", "", "", "2025年12月1日", "李老师"],
    ]


def check(user, rows, headers=HEADERS):
    return validate(spec(), "supplies.xlsx", workbook(headers, rows), user)


def upload(client, data: bytes):
    f = io.BytesIO(data)
    f.name = "supplies.xlsx"
    return client.post(reverse("emergency:import_upload", args=["supplies"]), {"file": f})


def test_template_has_the_design_columns_and_a_category_dropdown(db):
    book = load_workbook(io.BytesIO(template_workbook(spec())))
    sheet = book["应急物资"]
    assert [c.value.lstrip("★") for c in sheet[1]] == HEADERS
    assert [c.value.startswith("★") for c in sheet[1]] == [h in ("物资名称", "物资类别", "数量") for h in HEADERS]
    assert any("C2" in str(v.sqref) for v in sheet.data_validations.dataValidation)
    assert [book["选项"].cell(row=r, column=3).value for r in range(1, 8)] == [
        "消防器材",
        "医疗急救",
        "救生器材",
        "照明通信",
        "生活保障",
        "防护用品",
        "其他",
    ]


def test_good_file_previews_then_writes(client, personas):
    client.force_login(personas.district_staff)
    upload(client, workbook(HEADERS, good_rows()))
    job = ImportJob.objects.get()
    assert (job.status, job.to_add, job.to_update) == ("ready", 3, 0), job.errors
    assert not Stock.objects.exists()  # the preview writes nothing
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    lines = {(s.organization.code, s.item.name): s for s in Stock.objects.select_related("organization", "item")}
    assert set(lines) == {("SA1", "干粉灭火器"), ("SA2", "医用急救箱"), ("DA", "应急照明灯")}  # blank code: own unit
    assert lines[("SA1", "干粉灭火器")].quantity == 24
    assert str(lines[("DA", "应急照明灯")].last_checked_on) == "2025-12-01"
    assert SupplyItem.objects.get(name="干粉灭火器").check_interval_days == 30  # new items join the catalogue
    assert sorted(StockMovement.objects.values_list("change", "is_opening")) == [(3, True), (24, True), (30, True)]


def test_same_file_twice_adds_nothing(personas):
    first = check(personas.district_staff, good_rows())
    apply(spec(), first, personas.district_staff, source="test")
    again = check(personas.district_staff, good_rows())
    assert again.ok and (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)
    assert Stock.objects.count() == 3 and SupplyItem.objects.count() == 3


def test_a_changed_quantity_is_kept_as_a_stocktake(personas):
    apply(spec(), check(personas.district_staff, good_rows()), personas.district_staff, source="test")
    rows = good_rows()
    rows[0][5] = 20
    result = check(personas.district_staff, rows)
    assert (len(result.to_update), result.unchanged) == (1, 2)
    assert result.to_update[0].changed == ["quantity"]
    apply(spec(), result, personas.district_staff, source="test")
    line = Stock.objects.get(item__name="干粉灭火器")
    count = line.movements.get(kind="count")
    assert (line.quantity, count.change, count.balance, count.created_by) == (20, -4, 20, personas.district_staff)


def test_bad_rows_are_all_listed_and_nothing_is_written(client, personas):
    make_item("医用急救箱", "medical", "标准型", "个")
    rows = [
        ["SX9", "干粉灭火器", "消防器材", "", "具", 5, "教学楼", "", "", "", ""],
        ["SB1", "干粉灭火器", "消防器材", "", "具", 5, "教学楼", "", "", "", ""],
        ["SA1", "干粉灭火器", "消防器材", "", "具", -5, "食堂", "2026-13-01", "", "", ""],
        ["SA1", "", "武器", "", "", "很多", "", "", "", "", ""],
        ["SA1", "急救药品包", "医疗急救", "", "套", 2, "校医室", "2025-06-01", "2024-06-01", "2999-01-01", ""],
        ["SA1", "医用急救箱", "防护用品", "标准型", "盒", 2, "校医室", "", "", "", ""],
        ["SA2", "强光手电筒", "照明通信", "", "支", 4, "门卫室", "", "", "", ""],
        ["SA2", "强光手电筒", "照明通信", "", "支", 6, "门卫室", "", "", "", ""],
        ["SA2", "担架", "救生器材", "折叠式", "副", 2, "体育器材室", "", "", "", ""],
    ]
    client.force_login(personas.district_staff)
    upload(client, workbook(HEADERS, rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    errors = "\n".join(job.errors)
    assert "第2行 单位代码: 单位代码“SX9”不存在或不在您的管辖范围内" in errors
    assert "第3行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内" in errors
    assert "第4行 数量: 不能为负数（-5）" in errors
    assert "第4行 生产日期: “2026-13-01”不是有效日期" in errors
    assert "第5行 物资名称: 必须填写" in errors
    assert "第5行 物资类别: “武器”不是可选值" in errors
    assert "第5行 数量: “很多”不是数字" in errors
    assert "第6行 上次检查日期: 日期 2999-01-01 晚于今天" in errors
    assert "第7行 物资类别: 物资目录中“医用急救箱（标准型）”属于“医疗急救”" in errors
    assert "第7行 计量单位: 物资目录中“医用急救箱（标准型）”的计量单位是“个”" in errors
    assert "第9行: 与第8行重复" in errors
    assert "第10行" not in errors  # the good row has nothing to say
    assert not Stock.objects.exists() and not StockMovement.objects.exists()
    assert not SupplyItem.objects.filter(name="担架").exists()


def test_expiry_before_production_is_a_row_error(personas):
    result = check(
        personas.officer_a, [["", "急救药品包", "医疗急救", "", "套", 2, "校医室", "2025-06-01", "2024-06-01", "", ""]]
    )
    assert result.errors == ["第2行 有效期至: 不能早于生产日期（2025-06-01）"]


def test_wrong_headers_are_named(personas):
    result = check(personas.officer_a, [["SA1", "灭火器", 5]], headers=["单位代码", "名称", "数量"])
    assert "第1行 名称: 不是“应急物资”模板的列，请使用下载的模板" in result.errors
    assert "第1行 物资名称: 缺少必填列" in result.errors
    assert "第1行 物资类别: 缺少必填列" in result.errors


def test_rows_only_touch_the_line_without_a_batch(personas):
    item = make_item("饮用水", "living", "550ml×24瓶", "箱")
    make_stock(personas.tree.school_a1, item, 40, "仓库", batch="20270501")
    result = check(personas.officer_a, [["", "饮用水", "生活保障", "550ml×24瓶", "", 10, "仓库", "", "", "", ""]])
    assert result.ok and len(result.to_add) == 1
    apply(spec(), result, personas.officer_a, source="test")
    assert sorted(Stock.objects.values_list("batch", "quantity")) == [("", 10), ("20270501", 40)]


def test_ledger_export_has_every_batch_and_its_status(client, personas):
    item = make_item("饮用水", "living", "550ml×24瓶", "箱")
    make_stock(personas.tree.school_a1, item, 40, "仓库", batch="20270501")
    make_stock(personas.tree.school_a1, item, 10, "仓库")
    make_stock(personas.tree.school_b1, item, 99, "仓库")
    client.force_login(personas.officer_a)
    response = client.get(reverse("supplies:stock_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:9] == (
        "单位代码",
        "单位名称",
        "物资名称",
        "物资类别",
        "规格型号",
        "计量单位",
        "存放地点",
        "批次号",
        "数量",
    )
    assert sorted((r[7] or "", r[8]) for r in rows[1:]) == [("", 10), ("20270501", 40)]  # not SB1's


@pytest.mark.parametrize("dry_run", [True, False])
def test_command_line_import(tmp_path, personas, dry_run):
    path = tmp_path / "supplies.xlsx"
    path.write_bytes(workbook(HEADERS, good_rows()[:2]))
    args = ["import_records", "supplies", str(path), "--user", "district_staff"]
    call_command(*args, *(["--dry-run"] if dry_run else []))
    assert Stock.objects.count() == (0 if dry_run else 2)
