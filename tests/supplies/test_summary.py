"""四、应急物资普查情况 on known data, and the demo city's supplies."""

import datetime

import pytest
from django.db.models import F, Q, Sum

from emergency.demo import build_city
from emergency.models import Organization
from supplies import demo
from supplies.census import answer, open_returns
from supplies.models import MaintenanceRecord, Stock, SupplyCensus
from supplies.movements import move_stock
from supplies.summary import summarize

from .helpers import make_item, make_standard, make_stock


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def year_2025(personas):
    """SA1: 12 extinguishers received in February, 1 scrapped in August, 2 issued in January 2026
    (after the year); 3 first-aid kits expired in October. SB1: 3 extinguishers, below the city's
    standard of 10. Three maintenance records in 2025, one in 2024. A census in October."""
    t = personas.tree
    ext, kit = make_item(), make_item("医用急救箱", "medical", "标准型", "个")
    a1 = make_stock(t.school_a1, ext, 0, "教学楼")
    move_stock(a1, "receive", 12, "上级配发", personas.officer_a, day=d("2025-02-01"))
    move_stock(a1, "scrap", 1, "压力不足", personas.officer_a, day=d("2025-08-01"))
    move_stock(a1, "issue", 2, "演练使用", personas.officer_a, day=d("2026-01-05"))
    make_stock(t.school_a1, kit, 3, "校医室", expires_on=d("2025-10-01"))
    b1 = make_stock(t.school_b1, ext, 3, "教学楼")
    make_standard(t.city, ext, 10)
    for stock, kind, day in (
        (a1, "test", "2025-03-01"),
        (a1, "test", "2025-04-01"),
        (b1, "upkeep", "2025-05-01"),
        (a1, "test", "2024-12-01"),
    ):
        MaintenanceRecord.objects.create(stock=stock, kind=kind, done_on=d(day))
    census = SupplyCensus.objects.create(
        organization=t.city, title="2025年物资普查", opened_on=d("2025-10-08"), deadline=d("2025-11-30")
    )
    open_returns(census, personas.city_staff)
    answer(census.returns.get(organization=t.school_a1), {}, personas.officer_a)
    return t


def figures(section):
    return {f.key: f.value for f in section.figures}


def test_city_figures_count_the_stock_as_it_stood_at_year_end(year_2025):
    section = summarize(year_2025.city, 2025)
    f = figures(section)
    assert section.chapter == 4
    assert (f["supply_kinds"], f["supply_quantity"], f["supply_units"]) == (2, 17, 2)  # 11 + 3 + 3
    assert (f["supply_quantity_fire"], f["supply_quantity_medical"], f["supply_quantity_rescue"]) == (14, 3, 0)
    assert (f["expired_supplies"], f["expired_supply_quantity"]) == (1, 3)
    assert f["maintenance_count"] == 3
    assert (f["supplies_received"], f["supplies_scrapped"]) == (12, 1)
    assert f["units_below_standard"] == 2  # SA2 holds none, SB1 3; SA1 held 11 at year end
    assert (f["census_units"], f["census_answered"], f["census_rate"]) == (3, 1, 33.3)
    assert [f.label for f in section.figures][:2] == ["应急物资种类数", "应急物资数量"]
    assert {"过期物资数", "维护保养次数", "未达储备标准单位数", "物资普查确认率"} <= {f.label for f in section.figures}


def test_dashboard_panel_counts_the_lines_held_now(year_2025):
    from supplies.summary import panel

    result = panel(year_2025.city, 2025)
    metrics = {m.key: m.value for m in result.metrics}
    assert (metrics["supply_kinds"], metrics["expired_supplies"]) == (2, 1)  # extinguishers and kits; the kits
    assert {code: row["expired_supplies"] for code, row in result.by_child.items()} == {"DA": 1, "DB": 0}


def test_city_narrative_takes_every_number_from_the_records(year_2025):
    text = "".join(summarize(year_2025.city, 2025).paragraphs)
    assert text.startswith("对全市教育系统应急救援物资、装备进行了统计排查")
    assert "3个单位中1个已确认或更正本单位物资数量（确认率33.3%" in text
    assert "共登记2个单位的应急物资2种、17件（套），其中消防器材14件、医疗急救3件" in text
    assert "全年维护保养检测3次（维护1次、检测2次），入库补充物资12件，报废更新物资1件" in text
    assert "截至年底尚有过期物资1批、3件" in text
    assert "尚有2个单位的储备未达标准" in text


def test_breakdowns_by_district_and_school(year_2025):
    tables = {t.title: t for t in summarize(year_2025.city, 2025).tables}
    by_district = list(tables["应急物资（按下级单位）"].rows)
    assert by_district == [["区县A教育局", 2, 14, 1], ["区县B教育局", 1, 3, 0]]
    by_school = list(tables["应急物资（按单位）"].rows)
    assert [r[0] for r in by_school] == ["SA1", "SB1"]
    assert list(tables["未达储备标准的单位"].rows) == [
        ["SA2", "A区第二小学", "区县A教育局", "干粉灭火器（MFZ/ABC4）", 10, 0, 10],
        ["SB1", "B区第一小学", "区县B教育局", "干粉灭火器（MFZ/ABC4）", 10, 3, 7],
    ]
    ledger = tables["应急物资台账"]
    assert ledger.kind == "detail" and ledger.total == 3 and len(list(ledger.rows)) == 3


def test_a_district_summary_covers_only_its_district(year_2025):
    f = figures(summarize(year_2025.district_a, 2025))
    assert (f["supply_quantity"], f["units_below_standard"], f["census_units"]) == (14, 1, 2)
    assert summarize(year_2025.district_a, 2025).paragraphs[0].startswith("对全区（县）教育系统")


def test_demo_city_supplies(db):
    city = build_city()
    demo.build(city, 2008)
    f = figures(summarize(city, 2008))
    # Stock at the bureau, every district's reserve point and every school.
    assert f["supply_units"] == Organization.objects.count() == 311
    assert f["supply_kinds"] == 14
    assert f["maintenance_count"] > 5000
    assert 0 < f["expired_supplies"] < 100 and f["supplies_scrapped"] > 0 and f["supplies_received"] >= 300
    assert 0 < f["units_below_standard"] < 40
    assert f["census_units"] == 311 and 90 <= f["census_rate"] < 100
    # The ledger adds up: every line's quantity is the sum of its movements, and none is negative.
    assert not Stock.objects.annotate(total=Sum("movements__change")).filter(~Q(total=F("quantity"))).exists()
    # Built again for the same year, the demo is the same.
    assert summarize(city, 2008).figures[0].value == 14
