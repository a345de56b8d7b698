"""二、应急预案制定情况 (drills) from the records: known drills on the small tree, and the demo city."""

from drills import demo as drills_demo
from drills.compliance import Window, compliance
from drills.summary import summarize
from emergency.demo import DEMO_YEAR, build_city
from emergency.models import Stage
from plans import demo as plans_demo
from plans.models import EmergencyPlan
from tests.plans.helpers import make_plan

from .helpers import make_drill, make_schedule


def rows(table):
    return [list(r) for r in table.rows]


def test_drill_section_on_the_small_tree(tree):
    tree.school_a2.stage = Stage.KINDERGARTEN
    tree.school_a2.save()
    plan = make_plan(tree.school_a1, "火灾事故应急预案", issued="2024-01-01")
    for month in range(1, 13):
        make_drill(tree.school_a1, f"2025-{month:02d}-10", students=500, staff=40)
    make_drill(
        tree.school_a1,
        "2025-11-09",
        "fire",
        drill_form="combined",
        plan=plan,
        problems_found="楼梯拥堵",
        students=480,
        staff=38,
    )
    make_drill(tree.school_a2, "2025-03-14", "fire", students=200, staff=20)
    make_drill(tree.school_b1, "2025-05-12", "earthquake", drill_form="tabletop", students=0, staff=15)
    make_drill(tree.school_b1, "2024-12-20", "earthquake")  # another year
    make_schedule(tree.city, [tree.school_a1, tree.school_a2, tree.school_b1], start="2025-05-01", end="2025-05-31")

    section = summarize(tree.city, 2025)
    figures = {f.label: f.value for f in section.figures}
    assert figures["应急演练次数"] == 15
    assert figures["参演学生人次"] == 12 * 500 + 480 + 200
    assert figures["参演教职工人次"] == 12 * 40 + 38 + 20 + 15
    assert figures["参演人次"] == 6680 + 553
    assert figures["开展演练的单位数"] == 3
    assert figures["发现问题的演练次数"] == 1
    # SA1 12/12 months, SA2 1/4 quarters, SB1 1/12 months
    assert figures["按要求应开展演练次数"] == 28
    assert figures["演练达标学校数"] == 1
    assert figures["演练达标率"] == 33.3
    assert figures["演练要求完成率"] == round(100 * 14 / 28, 1)
    tables = {t.title: t for t in section.tables}
    assert rows(tables["应急演练按类型"])[:3] == [["疏散", 12, 6480], ["消防", 2, 738], ["防震", 1, 15]]
    assert rows(tables["应急演练按形式"]) == [
        ["实战演练", 13, 6700],
        ["桌面推演", 1, 15],
        ["综合演练", 1, 518],
        ["未填写", 0, 0],
    ]
    months = rows(tables["应急演练按月份"])
    assert months[2] == ["3月", 2, 760] and months[10] == ["11月", 2, 1058] and len(months) == 12
    assert rows(tables["各区县应急演练情况"]) == [["区县A教育局", 14, 7218], ["区县B教育局", 1, 15]]
    assert rows(tables["演练达标情况（按区县）"])[-1] == ["合计", 3, 1, 33.3, 28, 15, 14, 50.0]
    assert rows(tables["演练安排完成情况"])[0][5:] == [3, 1, 33.3]
    detail = tables["应急演练明细"]
    assert detail.kind == "detail" and detail.total == 15 and len(rows(detail)) == 15
    assert section.paragraphs[0].startswith(
        "全市各级各类学校共举行各类应急演练15次，参演师生7233人次（学生6680人次、教职工553人次），"
        "其中疏散演练12次、消防演练2次、防震演练1次；1次演练发现了问题"
    )
    assert section.paragraphs[1] == (
        "按照中小学每月、幼儿园每季度至少开展1次应急疏散演练的要求，全年应开展演练28次，"
        "3所有演练要求的学校中，1所达到要求，2所尚未达到，已督促其按要求开展演练。"
    )
    assert section.paragraphs[-1] == "通过演练，提高了广大师生自救自护能力。"


def test_no_drills_says_so(tree):
    section = summarize(tree.school_b1, 2025)
    assert section.figure("drills").value == 0
    assert section.paragraphs == ["2025年B区第一小学尚未在系统中登记应急演练。"]


def test_demo_city_holds_80_odd_drills_and_is_mostly_behind(db):
    city = build_city()
    plans_demo.build(city, DEMO_YEAR)
    drills_demo.build(city, DEMO_YEAR)
    section = summarize(city, DEMO_YEAR)
    assert section.figure("drills").value == drills_demo.DEMO_DRILLS == 83
    assert section.figure("drill_participants").value > 50_000
    months = {r[0]: r[1] for r in next(t for t in section.tables if t.title == "应急演练按月份").rows}
    assert months["1月"] == months["2月"] == months["7月"] == months["8月"] == 0  # holidays
    assert months["5月"] == 20
    assert "全市各级各类学校共举行各类应急演练83次" in section.paragraphs[0]
    # 83 drills for 300 schools against a monthly requirement: the seed's city is far behind.
    standing = compliance(city, Window.year(DEMO_YEAR))
    assert standing.total.with_requirement == 300 and standing.total.rate < 10
    assert EmergencyPlan.objects.filter(needs_revision=True).exists()
    schedules = next(t for t in section.tables if t.title == "演练安排完成情况")
    assert [r[0] for r in schedules.rows] == ["全市学校防震减灾应急疏散演练", "“119”消防安全疏散演练"]
    assert all(r[6] > 0 for r in schedules.rows)


def test_a_plan_is_said_revised_only_when_a_newer_version_followed_the_drill(personas):
    tree = personas.tree
    fire = make_plan(tree.school_a1, "火灾事故应急预案", issued="2024-01-01")
    quake = make_plan(tree.school_a1, "地震灾害应急预案", issued="2024-01-01")
    for plan, held in ((fire, "2025-03-10"), (quake, "2025-04-10")):
        drill = make_drill(tree.school_a1, held, "fire", plan=plan, problems_found="疏散通道堵塞")
        plan.mark_needs_revision(drill.plan_revision_reason(), personas.city_staff)
    text = summarize(tree.city, 2025).paragraphs[0]
    assert "2次演练发现了问题，涉及的2个应急预案正在修订。" in text and "修订完善" not in text

    # The fire plan revised after its drill; the earthquake plan only after the year had ended.
    make_plan(tree.school_a1, "火灾事故应急预案", issued="2025-06-01", version="2.0")
    make_plan(tree.school_a1, "地震灾害应急预案", issued="2026-01-10", version="2.0")
    section = summarize(tree.city, 2025)
    assert "2次演练发现了问题，已据此修订完善应急预案1个，另有1个应急预案正在修订。" in section.paragraphs[0]
    revised, revising = (section.figure(k).value for k in ("plans_revised_after_drill", "plans_revising_after_drill"))
    assert (revised, revising) == (1, 1)


def test_no_school_up_to_the_requirement_is_said_so_without_a_zero(tree):
    make_drill(tree.school_a1, "2025-03-10")
    make_drill(tree.school_b1, "2025-04-10")
    section = summarize(tree.city, 2025)
    assert section.figure("drill_compliant_schools").value == 0
    text = "".join(section.paragraphs)
    assert "0所" not in text and "达标率0.0%" not in text
    assert "所有演练要求的学校均有月份（季度）未开展演练，已督促其按要求开展演练。" in text
    assert [o.problem for o in section.outstanding][0].endswith("至少开展1次应急疏散演练的要求")
