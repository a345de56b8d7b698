"""Drill compliance arithmetic on the small tree, with answers worked out by hand.

Window 2025-01 … 2025-06. Requirements are the seeded defaults: primary schools at least one
疏散/消防/防震 drill every month, kindergartens one every quarter.

    SA1 (小学):   evacuation drills every month Jan–Jun, plus an anti-terror drill in March
                  and one in July (outside)                       → 6 required, 6 held, met 6/6
    SA2 (幼儿园): a fire drill in February, nothing in Q2         → 2 required, 1 held, met 1/2
    SB1 (小学):   two earthquake drills in March, a drowning drill in May
                                                                  → 6 required, 2 held, met 1/6
    DA itself holds a drill: bureaus have no requirement and are not counted."""

import datetime

import pytest

from drills.compliance import SchoolRow, Window, compliance, required_periods
from drills.models import DrillRequirement
from emergency.models import Stage
from tests.factories import make_org

from .helpers import make_drill

WINDOW = Window.of_months(datetime.date(2025, 1, 1), datetime.date(2025, 6, 1))


@pytest.fixture
def drills(tree):
    tree.school_a2.stage = Stage.KINDERGARTEN
    tree.school_a2.save()
    for month in range(1, 7):
        make_drill(tree.school_a1, f"2025-{month:02d}-10")
    make_drill(tree.school_a1, "2025-03-20", "anti_terror")
    make_drill(tree.school_a1, "2025-07-10")
    make_drill(tree.school_a2, "2025-02-14", "fire")
    make_drill(tree.school_b1, "2025-03-03", "earthquake", name="防震一")
    make_drill(tree.school_b1, "2025-03-24", "earthquake", name="防震二")
    make_drill(tree.school_b1, "2025-05-20", "drowning")
    make_drill(tree.district_a, "2025-04-01", "fire")
    return tree


def by_code(result):
    return {s.code: s for s in result.schools}


def test_each_school_is_judged_period_by_period(drills):
    schools = by_code(compliance(drills.city, WINDOW, schools=True))
    assert set(schools) == {"SA1", "SA2", "SB1"}
    a1, a2, b1 = schools["SA1"], schools["SA2"], schools["SB1"]
    assert (a1.required, a1.held, a1.met_periods, a1.shortfall, a1.all_drills, a1.compliant) == (6, 6, 6, 0, 7, True)
    assert (a2.required, a2.held, a2.met_periods, a2.shortfall, a2.all_drills, a2.compliant) == (2, 1, 1, 1, 1, False)
    assert (b1.required, b1.held, b1.met_periods, b1.shortfall, b1.all_drills, b1.compliant) == (6, 2, 1, 5, 3, False)
    # Two drills in one month do not make up for a month without one.
    assert b1.held == 2 and b1.met_periods == 1


def test_districts_and_the_whole_add_up(drills):
    result = compliance(drills.city, WINDOW, schools=True)
    groups = {g.code: g for g in result.groups}
    da, db = groups["DA"], groups["DB"]
    assert (da.name, da.schools, da.compliant, da.required, da.held, da.shortfall, da.rate) == (
        "区县A教育局",
        2,
        1,
        8,
        7,
        1,
        50.0,
    )
    assert (db.schools, db.compliant, db.required, db.held, db.shortfall, db.rate) == (1, 0, 6, 2, 5, 0.0)
    total = result.total
    assert (total.with_requirement, total.compliant, total.behind) == (3, 1, 2)
    assert (total.required, total.held, total.shortfall) == (14, 9, 6)
    assert (total.required_periods, total.met_periods) == (14, 8)
    assert (total.rate, total.completion) == (33.3, 57.1)
    assert [s.code for s in map(SchoolRow._make, result.rows_behind)] == ["SA2", "SB1"]
    assert result.has_bureaus_below


def test_a_district_sees_its_own_schools(drills):
    result = compliance(drills.district_a, WINDOW, schools=True)
    assert [s.code for s in result.schools] == ["SA1", "SA2"]
    assert not result.has_bureaus_below
    assert result.total.required == 8


def test_quarters_count_only_when_wholly_inside_the_window(drills):
    kindergarten = DrillRequirement.objects.get(stage=Stage.KINDERGARTEN)
    feb_to_apr = Window.of_months(datetime.date(2025, 2, 1), datetime.date(2025, 4, 1))
    assert required_periods(kindergarten, feb_to_apr) == []
    assert by_code(compliance(drills.city, feb_to_apr, schools=True))["SA2"].has_requirement is False
    school_year = Window.of_months(datetime.date(2024, 9, 1), datetime.date(2025, 8, 1))
    assert required_periods(kindergarten, school_year) == [(2024, 4), (2025, 1), (2025, 2)]


def test_requirement_changes_in_the_admin_apply(drills):
    primary = DrillRequirement.objects.get(stage=Stage.PRIMARY)
    primary.exempt_months = [2]  # winter holiday
    primary.drill_types = ["evacuation", "fire", "earthquake", "drowning"]
    primary.save()
    b1 = by_code(compliance(drills.city, WINDOW, schools=True))["SB1"]
    assert (b1.required, b1.held, b1.met_periods, b1.shortfall) == (5, 3, 2, 3)
    primary.min_count = 2
    primary.save()
    a1 = by_code(compliance(drills.city, WINDOW, schools=True))["SA1"]
    assert (a1.required, a1.shortfall, a1.compliant) == (10, 5, False)


def test_a_school_without_a_stage_has_no_requirement(drills):
    drills.school_b1.stage = ""
    drills.school_b1.save()
    b1 = by_code(compliance(drills.city, WINDOW, schools=True))["SB1"]
    assert not b1.has_requirement and not b1.behind and b1.all_drills == 3


def test_compliance_is_two_queries_whatever_the_tree(drills, django_assert_num_queries):
    # the requirements, then the groups judged and added up by the database, or the schools' rows
    # judged by the database and added up here
    with django_assert_num_queries(2):
        compliance(drills.city, WINDOW)
    with django_assert_num_queries(2):
        compliance(drills.city, WINDOW, schools=True)


def test_groups_alone_agree_with_the_schools(drills):
    # Alone, the database adds the groups up; with the schools' rows, Python does.
    alone = compliance(drills.city, WINDOW)
    with_schools = compliance(drills.city, WINDOW, schools=True)
    assert alone.groups == with_schools.groups and alone.schools == []
    assert alone.total.shortfall == sum(s.shortfall for s in with_schools.schools) == 6
    schools_as_groups = compliance(drills.district_a, WINDOW, schools=True).groups
    assert schools_as_groups == compliance(drills.district_a, WINDOW).groups
    assert [(g.code, g.is_school) for g in schools_as_groups] == [("SA1", True), ("SA2", True)]


def test_window_labels_and_months():
    assert WINDOW.label() == "2025年1月至2025年6月"
    assert Window.year(2008).months()[-1] == (2008, 12)
    assert Window.year(2008).end == datetime.date(2009, 1, 1)


def test_a_code_with_an_underscore_judges_only_its_own_subtree(tree):
    """'_' is a LIKE wildcard: district Q_1's report must not take in QX1's schools."""
    q_1 = make_org("Q_1", parent=tree.city, kind="district")
    qx1 = make_org("QX1", parent=tree.city, kind="district")
    own = make_org("Q_1S1", parent=q_1, kind="school", stage=Stage.PRIMARY)
    make_org("QX1S1", parent=qx1, kind="school", stage=Stage.PRIMARY)
    result = compliance(q_1, WINDOW, schools=True)
    assert {s.code for s in result.schools} == {own.code}
