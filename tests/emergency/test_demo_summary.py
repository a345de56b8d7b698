"""The seed's summary, compiled from the demo city's records: every figure of
`../shared/seed/annual-summary-2008.zh-hans.txt` is in the workbook's 总览, and each one equals a
count made here straight from the database."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from openpyxl import load_workbook

from drills.models import Drill
from emergency.dashboard import build_figures
from emergency.demo import DEMO_YEAR
from hazards.models import Hazard, InspectionCampaign
from outreach.models import OutreachEvent
from plans.models import EmergencyPlan
from tests.emergency.conftest import compiled_demo_summary


@pytest.fixture(scope="module")
def workbook(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run = compiled_demo_summary()
        city = run.organization
        book = load_workbook(io.BytesIO(run.workbook.open("rb").read()))
        overview = {row[0]: row[1] for row in book["总览"].iter_rows(min_row=3, values_only=True)}
        yield city, run, overview
        call_command("flush", interactive=False, verbosity=0)


def year(field):
    return {f"{field}__gte": f"{DEMO_YEAR}-01-01", f"{field}__lt": f"{DEMO_YEAR + 1}-01-01"}


@pytest.mark.django_db
def test_the_seeds_figures_come_from_the_records(workbook):
    city, run, overview = workbook
    own_plans = EmergencyPlan.objects.filter(organization=city, status="current")
    assert overview["本级应急预案数"] == own_plans.count() == 6
    titles = set(own_plans.values_list("name", flat=True))
    assert {"教育系统奥运安保和反恐工作应急预案", "教育系统突发公共事件应急预案"} <= titles
    school_plans = EmergencyPlan.objects.filter(organization__kind="school", status="current").count()
    assert overview["下级单位应急预案数"] == school_plans == 2356
    drills = Drill.objects.filter(**year("held_on")).count()
    assert overview["应急演练次数"] == drills and 80 < drills < 90  # 80余次
    campaigns = InspectionCampaign.objects.filter(organization=city, **year("start_date"))
    assert overview["自查整改次数"] == campaigns.filter(kind="self").count() == 5
    assert overview["联合检查次数"] == campaigns.filter(kind="joint").count() == 3
    assert overview["已整改隐患数"] == Hazard.objects.filter(status="closed", **year("closed_on")).count() == 148
    materials = OutreachEvent.objects.filter(**year("held_on")).aggregate(
        banners=Sum("banners"), posters=Sum("posters"), boards=Sum("boards"), leaflets=Sum("leaflets")
    )
    assert overview["横幅(条)"] == materials["banners"] and 300 < materials["banners"] < 400
    assert overview["挂图(套)"] == materials["posters"] and 800 < materials["posters"] < 900
    assert overview["展板(块)"] == materials["boards"] and 300 < materials["boards"] < 400
    assert overview["宣传单(张)"] == materials["leaflets"] and 8000 < materials["leaflets"] < 9000


@pytest.mark.django_db
def test_every_figure_design_lists_is_in_the_overview(workbook):
    _city, _run, overview = workbook
    required = (
        "领导小组成员数 已成立领导小组的下级单位数 本级应急预案数 下级单位应急预案数 应急演练次数 参演人次 "
        "自查整改次数 联合检查次数 发现隐患数 已整改隐患数 隐患整改率 逾期未整改隐患数 应急物资种类数 过期物资数 "
        "维护保养次数 值班天数 带班覆盖率 突发事件数 伤亡人数 宣传活动次数 横幅(条) 挂图(套) 展板(块) 宣传单(张)"
    ).split()
    assert [name for name in required if name not in overview] == []
    assert overview["带班覆盖率"] == 100.0 and overview["伤亡人数"] == 0


@pytest.mark.django_db
def test_the_narrative_reads_like_the_seed(workbook):
    _city, run, _overview = workbook
    text = run.narrative
    for words in (
        "一、应急管理体系建设情况",
        "以党委书记、局长为组长",
        "《全市教育系统应急管理工作方案》",
        "二、应急预案制定情况",
        "《教育系统奥运安保和反恐工作应急预案》、《教育系统突发公共事件应急预案》等6个应急预案",
        "共建立应急预案2356个",
        "三、突发事件风险排查整治情况",
        "5次组织",
        "3次对全市学校安全",
        "共整改各类安全隐患148个",
        "四、应急物资普查情况",
        "五、政务值班、信息报告工作情况",
        "双人双岗",
        "未出现应急管理方面的重大事故和人员伤亡和财产损失的情况",
        "六、应急管理宣传情况",
        "《应急管理宣传周活动方案》",
    ):
        assert words in text, words


def last_year_copy(record, field):
    """The record again, dated a year earlier: the panels' figure for the year before."""
    record.pk = record.id = None
    setattr(record, field, getattr(record, field).replace(year=DEMO_YEAR - 1))
    record.save()


@pytest.mark.django_db
def test_the_dashboard_panels_count_what_the_summary_counts(workbook):
    """The panels add their per-district rows up for the city's figures: they equal the summary's,
    this year and the year before, and each district's column with the city's own records makes
    the whole."""
    city, run, overview = workbook
    last_year_copy(Drill.objects.filter(**year("held_on")).first(), "held_on")
    last_year_copy(Hazard.objects.filter(**year("found_on"), closed_on__isnull=True).first(), "found_on")
    last_year_copy(OutreachEvent.objects.filter(**year("held_on")).first(), "held_on")
    panels, children = build_figures(city.pk, DEMO_YEAR)
    metrics = {m.key: m for p in panels for m in p.metrics}
    figures = {key: (m.value, m.previous) for key, m in metrics.items()}
    assert figures["drills"] == (overview["应急演练次数"], 1)
    assert figures["drill_participants"][0] == overview["参演人次"]
    assert figures["hazards_found"] == (overview["发现隐患数"], 1)
    assert figures["hazards_rectified"][0] == overview["已整改隐患数"]
    assert figures["outreach_events"] == (overview["宣传活动次数"], 1)
    assert figures["outreach_participants"][0] == overview["参与人次"]
    current = EmergencyPlan.objects.filter(status="current")
    assert figures["plans_current"][0] == current.count() > 0
    own = {
        "drills": Drill.objects.filter(organization=city, **year("held_on")).count(),
        "outreach_events": OutreachEvent.objects.filter(organization=city, **year("held_on")).count(),
        "plans_current": current.filter(organization=city).count(),
    }
    assert own["plans_current"] == 6  # the city's own plans are in the total, not in a district's row
    for key, own_count in own.items():
        assert sum(row[key] for row in children) + own_count == metrics[key].value
