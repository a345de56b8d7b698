"""Chapter 五 of the annual summary on known data: duty days, coverage, incidents by type and
level, casualties, losses, timeliness, and a narrative that says no one was hurt only when so."""

import datetime
from decimal import Decimal

import pytest

from duty.summary import summarize

from .helpers import at, make_group, make_incident, make_member, make_shift

PHRASE = "未出现应急管理方面的重大事故和人员伤亡和财产损失的情况"


@pytest.fixture
def data(tree):
    city_group = make_group(tree.city)
    head = make_member(city_group, "王局长", "leader")
    left = make_member(city_group, "杨副局长", left="2026-03-03")
    for day in range(1, 6):
        make_shift(tree.city, f"2026-03-0{day}", left if day == 4 else head)
    school_head = make_member(make_group(tree.school_a1), "张校长", "leader")
    make_shift(tree.school_a1, "2026-03-01", school_head, "day")
    make_shift(tree.school_a1, "2026-03-01", school_head, "night", officers=("丙", "丁"))
    minor = make_incident(tree.school_a1, title="校门口积水", known="2026-03-05 08:00")
    minor.file_report("initial", "初报", "王", None, reported_at=at("2026-03-05 09:00"))
    serious = make_incident(
        tree.school_b1,
        title="实验室起火",
        incident_type="accident",
        level="large",
        known="2026-06-01 10:00",
        deaths=1,
        injuries=2,
        property_loss=Decimal("12.50"),
    )
    serious.file_report("initial", "初报", "李", None, reported_at=at("2026-06-01 11:30"))
    make_incident(tree.school_a1, title="去年的事件", known="2025-06-01 10:00", injuries=5)
    return tree


def figures(section):
    return {f.label: f.value for f in section.figures}


def test_city_figures(data):
    section = summarize(data.city, 2026)
    f = figures(section)
    assert (f["值班天数"], f["值班班次数"], f["实行值班的单位数"], f["参与带班的领导人数"]) == (5, 7, 2, 3)
    # City: 4 of 5 days count (杨 had left by 3/4); school: one day; each over the 8,760 hours of 2026.
    assert f["带班覆盖率"] == round(100 * (4 * 24 + 24) / (2 * 8760), 1) == 0.7
    assert (f["突发事件数"], f["突发事件数（自然灾害）"], f["突发事件数（事故灾难）"]) == (2, 1, 1)
    assert (f["突发事件数（一般）"], f["突发事件数（较大）"], f["突发事件数（重大）"]) == (1, 1, 0)
    assert (f["伤亡人数"], f["死亡人数"], f["受伤人数"], f["直接财产损失"]) == (3, 1, 2, Decimal("12.50"))
    assert (f["按时报送率"], f["迟报或逾期未报事件数"]) == (50.0, 1)
    grid = next(t for t in section.tables if t.title == "突发事件（按类型和等级）")
    assert list(grid.rows)[1] == ["事故灾难", 0, 0, 1, 0, 1]
    by_district = next(t for t in section.tables if t.title == "突发事件（按下级单位）")
    assert [r[:3] for r in by_district.rows] == [["区县A教育局", 1, 0], ["区县B教育局", 1, 3]]
    detail = next(t for t in section.tables if t.title == "突发事件明细")
    rows = list(detail.rows)
    assert detail.kind == "detail" and detail.total == 2 and rows[1][2] == "实验室起火" and rows[1][-1] == "迟报"
    assert rows[1][5].replace(tzinfo=None) == datetime.datetime(2026, 6, 1, 9, 50)  # local time
    gaps = next(t for t in section.tables if t.title == "值班空档明细")
    assert any(row[-1] == "带班领导不是当日领导小组在任成员" for row in gaps.rows)


def test_narrative_states_what_happened_when_people_were_hurt(data):
    section = summarize(data.city, 2026)
    text = "".join(section.paragraphs)
    assert PHRASE not in text and section.overview == []
    assert "共发生突发事件2起，其中较大1起、一般1起" in text
    assert "事件共造成1人死亡、2人受伤，直接财产损失12.5万元" in text
    assert "初报按时报送率50.0%，1起未在规定时限内初报" in text
    assert "较大及以上事件：B区第一小学实验室起火（2026年6月1日，较大）" in text
    assert "带班覆盖率0.7%，尚有" in text and "24小时领导带班" not in text


def test_district_sees_only_its_subtree_and_no_harm_there(data):
    section = summarize(data.district_a, 2026)
    f = figures(section)
    assert (f["突发事件数"], f["伤亡人数"], f["值班天数"], f["按时报送率"]) == (1, 0, 1, 100.0)
    text = "".join(section.paragraphs)
    assert "全区教育系统共报送一般突发事件1起（自然灾害1起），均在规定时限内完成初报" in text
    assert PHRASE in section.overview[0]


def test_a_quiet_year_says_nothing_happened(tree):
    section = summarize(tree.city, 2026)
    f = figures(section)
    assert (f["突发事件数"], f["伤亡人数"], f["值班天数"], f["带班覆盖率"], f["按时报送率"]) == (0, 0, 0, 0.0, 0.0)
    assert "2026年全市教育系统未发生需报送的突发事件。" in section.paragraphs
    assert len(section.overview) == 1 and section.overview[0].endswith(f"，全市教育系统{PHRASE}。")
    assert "市教育局2026年尚未在系统中登记值班安排。" in section.paragraphs


def test_a_minor_incident_with_a_loss_is_not_called_harmless(tree):
    make_incident(tree.school_a1, property_loss=Decimal("0.5"), known="2026-03-05 08:00")
    text = "".join(summarize(tree.city, 2026).paragraphs)
    assert PHRASE not in text and "直接财产损失0.5万元" in text and "事件未造成人员伤亡" in text


def test_coverage_is_judged_unit_by_unit(data):
    """Each unit's shifts are judged on their own (the rows come unit by unit); a unit whose only
    shift is the night before the year began keeps no roster in the year."""
    b1_head = make_member(make_group(data.school_b1), "赵校长", "leader")
    make_shift(data.school_b1, "2025-12-31", b1_head, "night")
    table = next(t for t in summarize(data.city, 2026).tables if t.title == "带班覆盖（按单位）")
    rows = {row[0]: row for row in table.rows}
    assert list(rows) == ["C", "SA1"]  # by id: the city was made first
    assert (rows["C"][3], rows["SA1"][3]) == (4 * 24, 24)  # hours covered
