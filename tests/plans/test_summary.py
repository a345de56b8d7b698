"""二、应急预案制定情况 from the records: known plans on the small tree, and the demo city's figures."""

import datetime

from emergency.demo import CITY_CODE, DEMO_YEAR, build_city
from plans import demo
from plans.models import EmergencyPlan
from plans.summary import summarize

from .helpers import make_plan


def rows(table):
    return [list(r) for r in table.rows]


def test_plan_section_on_the_small_tree(tree):
    make_plan(tree.city, "市级总体预案", issued="2021-03-01", category="comprehensive")
    make_plan(tree.city, "市级总体预案", issued="2025-03-01", version="2.0", category="comprehensive")
    make_plan(tree.city, "市级防汛预案", issued="2023-05-01", event_types=["natural"])
    make_plan(tree.city, "明年的预案", issued="2026-02-01")
    make_plan(tree.district_a, "区县预案", issued="2024-01-01")
    make_plan(tree.school_a1, "火灾预案", issued="2024-01-01")
    make_plan(tree.school_a1, "地震预案", issued="2025-01-01", category="on_site")
    make_plan(tree.school_a2, "火灾预案", issued="2024-01-01")
    make_plan(tree.school_b1, "火灾预案", issued="2021-06-01")  # revision was due in 2024: overdue
    make_plan(tree.school_b1, "旧预案", issued="2020-01-01", status="retired", retired_on=datetime.date(2025, 6, 1))

    section = summarize(tree.city, 2025)
    figures = {f.label: f.value for f in section.figures}
    assert figures["本级应急预案数"] == 2
    assert figures["下级单位应急预案数"] == 5
    assert figures["学校应急预案数"] == 4
    assert figures["本年度发布（修订）应急预案数"] == 2
    assert figures["逾期未修订应急预案数"] == 1
    tables = {t.title: t for t in section.tables}
    assert [r[0] for r in rows(tables["本级应急预案"])] == ["市级总体预案", "市级防汛预案"]
    assert rows(tables["应急预案按类别"]) == [["综合应急预案", 1], ["专项应急预案", 5], ["现场处置方案", 1]]
    assert rows(tables["各区县应急预案情况"]) == [
        ["市教育局（本级）", 2, 0, 0],
        ["区县A教育局", 4, 3, 0],
        ["区县B教育局", 1, 1, 1],
    ]
    detail = tables["应急预案明细"]
    assert detail.kind == "detail" and detail.total == 7 and len(rows(detail)) == 7
    assert section.paragraphs == [
        "在原有预案基础上，建立了《市级总体预案》、《市级防汛预案》共2个应急预案，其中2025年新制定（修订）1个。",
        "据统计，全市各级各类学校共建立应急预案4个，下级教育行政部门建立应急预案1个；"
        "截至2025年12月31日，超过修订期限尚未修订的预案1个。",
    ]


def test_district_section_covers_its_subtree_only(tree):
    make_plan(tree.school_a1, issued="2024-01-01")
    make_plan(tree.school_b1, issued="2024-01-01")
    section = summarize(tree.district_a, 2025)
    assert section.figure("plans_below").value == 1
    assert section.paragraphs[0] == "区县A教育局尚未在系统中登记本级应急预案。"
    assert section.paragraphs[1].startswith("据统计，区县A各级各类学校共建立应急预案1个")


def test_demo_city_holds_the_seeds_plans(db):
    city = build_city()
    demo.build(city, DEMO_YEAR)
    assert city.code == CITY_CODE
    section = summarize(city, DEMO_YEAR)
    assert section.figure("own_plans").value == 6
    assert section.figure("school_plans").value == 2356
    own = [r[0] for r in section.tables[0].rows]
    assert {"教育系统奥运安保和反恐工作应急预案", "教育系统突发公共事件应急预案"} <= set(own)
    assert section.paragraphs[0].startswith(
        "在原有预案基础上，建立了《教育系统奥运安保和反恐工作应急预案》、《教育系统突发公共事件应急预案》等6个应急预案"
    )
    assert "全市各级各类学校共建立应急预案2356个" in section.paragraphs[1]
    # Earlier versions retired during the year are kept as history, not counted.
    retired = EmergencyPlan.objects.filter(status="retired", retired_on__year=DEMO_YEAR)
    assert retired.filter(organization=city).count() == 1 and retired.count() > 10
