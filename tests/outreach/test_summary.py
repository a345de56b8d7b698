"""六、应急管理宣传情况 on known data, and the demo city reproducing the seed's materials."""

import pytest

from emergency.demo import build_city
from outreach import demo
from outreach.summary import summarize

from .helpers import make_campaign, make_event, make_plan


@pytest.fixture
def year_2026(personas):
    t = personas.tree
    week = make_campaign(t.city, plan=make_plan(t.city))
    make_event(
        t.school_a1,
        "主题班会",
        form="class_meeting",
        topics=["fire", "earthquake"],
        campaign=week,
        participants=400,
        banners=1,
        posters=3,
        boards=0,
        leaflets=20,
    )
    make_event(
        t.school_a2,
        "全校大会",
        form="assembly",
        topics=["fire", "traffic"],
        campaign=week,
        participants=900,
        banners=2,
        posters=4,
        boards=1,
        leaflets=0,
    )
    make_event(t.school_b1, "观看安全教育光盘", form="video", topics=["traffic"], participants=300, posters=1)
    make_event(
        t.district_a,
        "街头宣传站",
        form="street",
        topics=["fire", "drowning"],
        campaign=week,
        participants=80,
        banners=10,
        posters=20,
        boards=8,
        leaflets=500,
    )
    make_event(t.school_b1, "去年的班会", held_on="2025-11-09", participants=999, banners=99)
    return t


def figures(section):
    return {f.key: f.value for f in section.figures}


def test_city_figures(year_2026):
    section = summarize(year_2026.city, 2026)
    f = figures(section)
    assert section.chapter == 6
    assert (f["outreach_events"], f["outreach_participants"], f["street_stations"]) == (4, 1680, 1)
    assert (f["banners"], f["posters"], f["boards"], f["leaflets"]) == (13, 28, 9, 520)
    assert [x.label for x in section.figures][:2] == ["宣传活动次数", "参与人次"]
    assert {"横幅(条)", "挂图(套)", "展板(块)", "宣传单(张)"} <= {x.label for x in section.figures}
    assert f["outreach_topics"] == "防火、交通、防震、防溺水"  # most used first
    assert set(f["outreach_forms"].split("、")) == {"班队会", "校会", "观看视频", "街头宣传站"}


def test_city_narrative_in_the_seeds_words(year_2026):
    text = "".join(summarize(year_2026.city, 2026).paragraphs)
    assert text.startswith("制定了《应急管理宣传周活动方案》，保证了宣传活动有条不紊的开展。")
    assert "各地各校积极开展了应急知识进校园活动" in text
    assert "形式开展防火、交通、防震、防溺水等安全知识教育，共开展宣传教育活动3次、参与师生1600人次" in text
    assert "1次设立街头宣传站，参与80人次" in text and "个（次）" not in text
    assert "全市各级各类学校共悬挂宣传横幅13条，张贴宣传挂图28套，展出宣传展板9块，发放宣传单520张" in text


def test_breakdowns_by_district_and_school(year_2026):
    tables = {t.title: t for t in summarize(year_2026.city, 2026).tables}
    assert list(tables["宣传活动（按下级单位）"].rows) == [
        ["区县A教育局", 3, 1380, 13, 27, 9, 520],
        ["区县B教育局", 1, 300, 0, 1, 0, 0],
    ]
    assert [r[0] for r in tables["宣传活动（按单位）"].rows] == ["DA", "SA1", "SA2", "SB1"]
    detail = tables["宣传活动明细"]
    assert detail.kind == "detail" and detail.total == 4


def test_a_school_follows_the_city_plan(year_2026):
    text = "".join(summarize(year_2026.school_a1, 2026).paragraphs)
    assert text.startswith("按照《应急管理宣传周活动方案》的要求")
    assert "我校开展了应急知识教育" in text and "我校共悬挂宣传横幅1条" in text


def test_a_year_without_events_says_so(personas):
    assert summarize(personas.tree.city, 2020).paragraphs == ["2020年未在系统中登记应急管理宣传活动。"]


def test_demo_city_reproduces_the_seeds_materials(db):
    city = build_city()
    demo.build(city, 2008)
    section = summarize(city, 2008)
    f = figures(section)
    # The seed: 300多条横幅, 800多套挂图, 300多块展板, 8000多张宣传单.
    assert (f["banners"], f["posters"], f["boards"], f["leaflets"]) == (312, 826, 305, 8240)
    assert 300 < f["banners"] < 400 and 800 < f["posters"] < 900 and 300 < f["boards"] < 400
    assert 8000 < f["leaflets"] < 9000
    assert f["street_stations"] == 10 and f["outreach_units"] == 310
    assert {"班队会", "校会", "专题报告", "观看视频"} <= set(f["outreach_forms"].split("、"))
    assert f["outreach_topics"].startswith("防火、防震、交通")
    text = "".join(section.paragraphs)
    assert text.startswith("制定了《应急管理宣传周活动方案》")
    assert "开展防火、防震、交通" in text and "组织师生走上街头" in text
    assert "共悬挂宣传横幅312条，张贴宣传挂图826套，展出宣传展板305块，发放宣传单8240张" in text
