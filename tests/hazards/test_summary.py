"""三、突发事件风险排查整治情况: the figures on known data, the breakdowns, the narrative, and the demo
city reproducing the seed's section 三."""

import datetime

import pytest

from hazards import demo
from hazards.choices import HazardLevel, HazardStatus
from hazards.models import CampaignDepartment, Hazard, InspectionCampaign
from hazards.summary import summarize
from tests.factories import make_org

from .helpers import focus_period, make_campaign

D = datetime.date


def hazard(org, description, found_on, closed_on=None, **fields):
    status = HazardStatus.CLOSED if closed_on else fields.pop("status", HazardStatus.PENDING)
    return Hazard.objects.create(
        organization=org,
        description=description,
        found_on=found_on,
        closed_on=closed_on,
        status=status,
        category=fields.pop("category", "fire"),
        **fields,
    )


@pytest.fixture
def year_2025(personas):
    t = personas.tree
    make_campaign(t.city, "春节自查", start_date=D(2025, 1, 10))
    make_campaign(t.city, "五一自查", start_date=D(2025, 4, 20), focus_period=focus_period("五一"))
    joint = make_campaign(
        t.city,
        "联合检查",
        kind="joint",
        start_date=D(2025, 3, 3),
        focus_period=None,
        lead="市政府",
        departments=["消防", "公安"],
    )
    CampaignDepartment.objects.filter(campaign=joint, department__name="公安").update(
        signed_by="张警官", signed_on=D(2025, 3, 5)
    )
    make_campaign(t.city, "食品专项", kind="special", start_date=D(2025, 9, 1), focus_period=None)
    make_campaign(t.city, "去年自查", start_date=D(2024, 10, 1))
    make_campaign(t.district_a, "A区自查", start_date=D(2025, 5, 1))
    hazard(t.school_a1, "h1", D(2025, 2, 1), D(2025, 2, 20))
    hazard(t.school_a2, "h2", D(2025, 3, 1), deadline=D(2025, 3, 15), category="food")
    hazard(t.school_b1, "h3", D(2025, 11, 1), deadline=D(2026, 1, 30), status=HazardStatus.RECTIFYING)
    hazard(t.school_b1, "h4", D(2024, 12, 1), D(2025, 1, 10))
    hazard(t.school_a1, "h5", D(2024, 6, 1), D(2024, 7, 1))
    hazard(t.school_a1, "h6", D(2025, 5, 1), D(2026, 1, 15), level=HazardLevel.MAJOR, deadline=D(2025, 6, 1))
    hazard(make_org("X", name="别的城市"), "h7", D(2025, 5, 1))
    return t


def figures(section):
    return {f.label: f.value for f in section.figures}


def test_city_figures_on_known_data(year_2025):
    section = summarize(year_2025.city, 2025)
    assert section.chapter == 3
    assert figures(section) == {
        "自查整改次数": 2,
        "联合检查次数": 1,
        "专项检查次数": 1,
        "下级单位组织排查行动数": 1,
        "年初未整改隐患数": 1,  # h4, found in December 2024 and closed in January
        "发现隐患数": 4,
        "发现重大隐患数": 1,
        "已整改隐患数": 2,
        "隐患整改率": 40.0,
        "未整改隐患数": 3,
        "逾期未整改隐患数": 2,
    }


def test_district_figures_cover_only_its_subtree(year_2025):
    values = figures(summarize(year_2025.district_a, 2025))
    assert values["自查整改次数"] == 1 and values["联合检查次数"] == 0
    assert (values["发现隐患数"], values["已整改隐患数"], values["逾期未整改隐患数"]) == (3, 1, 2)
    assert values["隐患整改率"] == 33.3


def test_breakdowns_by_district_school_category_and_level(year_2025):
    tables = {t.title: t for t in summarize(year_2025.city, 2025).tables}
    by_district = tables["隐患整改情况（按下级单位）"]
    assert list(by_district.headers) == ["单位", "发现隐患数", "已整改隐患数", "未整改隐患数", "逾期未整改隐患数"]
    assert [list(r) for r in by_district.rows] == [["区县A教育局", 3, 1, 2, 2], ["区县B教育局", 1, 1, 1, 0]]
    by_school = [list(r) for r in tables["隐患整改情况（按单位）"].rows]
    assert by_school[0] == ["SA1", "A区第一小学", "区县A教育局", 2, 1, 1, 1]
    by_category = {r[0]: r[1:] for r in tables["隐患整改情况（按类别）"].rows}
    assert by_category["消防安全"] == [3, 2, 2, 1] and by_category["食品卫生"] == [1, 0, 1, 1]
    assert by_category["其他"] == [0, 0, 0, 0]
    by_level = {r[0]: r[1:] for r in tables["隐患整改情况（按等级）"].rows}
    assert by_level == {"一般隐患": [3, 2, 2, 1], "重大隐患": [1, 0, 1, 1]}
    detail = tables["本年发现的隐患"]
    assert detail.kind == "detail" and detail.total == 4
    rows = list(detail.rows)
    assert [r[6] for r in rows] == ["h1", "h6", "h2", "h3"]
    assert [r[12] for r in rows] == ["", "是", "是", ""]
    campaigns = [list(r) for r in tables["排查行动"].rows]
    assert [r[0] for r in campaigns] == ["春节自查", "联合检查", "五一自查", "食品专项"]
    assert campaigns[1][6:8] == ["公安、消防", "公安（张警官）"]


def test_narrative_tells_the_year_with_numbers_from_the_records(year_2025):
    text = summarize(year_2025.city, 2025).paragraphs
    assert text[0] == (
        "年初以来，市教育局2次组织各县（市）区教育局开展学校安全自查整改工作，重点加强了春节和“五·一”等敏感时期的"
        "隐患排查整改工作。在此基础上，市政府组织公安、消防等部门（单位）1次对全市学校安全和校园周边环境整治工作进行"
        "联合检查。全年共发现各类安全隐患4个，其中重大隐患1个；按类别分，消防安全隐患3个、食品卫生隐患1个。"
        "目前，全市共整改各类安全隐患2个，隐患整改率40.0%；逾期未整改的2个隐患已督促有关单位限期整改。"
    )
    assert len(text) == 1


def test_a_quiet_year_says_so(personas):
    text = summarize(personas.tree.school_a1, 2025).paragraphs[0]
    assert text == "年内A区第一小学未组织学校安全自查整改。"  # no "0个": a count of zero drops its sentence


def test_demo_city_reproduces_the_seeds_section_three(db):
    from emergency.demo import build_city

    city = build_city()
    demo.build(city, 2008)
    section = summarize(city, 2008)
    values = figures(section)
    assert (values["自查整改次数"], values["联合检查次数"], values["已整改隐患数"]) == (5, 3, 148)
    assert values["发现隐患数"] == 167 and values["逾期未整改隐患数"] == 8 and values["未整改隐患数"] == 19
    assert values["隐患整改率"] == 88.6
    text = section.paragraphs[0]
    assert "市教育局5次组织各县（市）区教育局开展学校安全自查整改工作" in text
    assert "重点加强了春节、两会、“五·一”、“十一”和北京奥运会等敏感时期的隐患排查整改工作" in text
    assert "市政府组织教育、公安、交通、卫生、消防、工商等部门（单位）3次对全市学校安全和校园周边环境整治" in text
    assert "目前，全市共整改各类安全隐患148个" in text
    assert Hazard.objects.filter(status=HazardStatus.CLOSED, closed_on__year=2008).count() == 148
    assert Hazard.objects.exclude(status=HazardStatus.CLOSED).count() == 19
    joint = InspectionCampaign.objects.filter(kind="joint")
    assert all(s.is_signed for c in joint for s in c.signoffs.all())
    # Every hazard's trail is in its transitions, and every closed one was closed in the demo year.
    assert all(h.transitions.exists() for h in Hazard.objects.all()[:20])


def test_in_the_running_year_overdue_means_past_the_deadline_today(personas):
    from hazards.models import local_today

    today = local_today()
    t = personas.tree
    hazard(t.school_a1, "今天到期", today, deadline=today)
    # Found today too, so the test holds on 1 January (the model's clean() would refuse this deadline).
    hazard(t.school_a1, "昨天到期", today, deadline=today - datetime.timedelta(days=1))
    values = figures(summarize(t.city, today.year))
    assert (values["发现隐患数"], values["未整改隐患数"], values["逾期未整改隐患数"]) == (2, 2, 1)
    assert Hazard.objects.overdue(today).count() == 1
