"""The demo city's duty year reproduces the seed's section 五: 24-hour duty at the city bureau led by
the leadership group as it stood on each day, two officers a shift, the 《应急值守和信息报送制度》,
a responsibility table, and no major incident, death, injury or loss."""

import datetime

import pytest

from duty import demo
from duty.coverage import check_organisation
from duty.models import DutyLog, DutyShift, Holiday, Incident
from duty.summary import summarize
from emergency.demo import DEMO_YEAR, build_city, build_leadership
from emergency.models import Document, LeadershipGroup
from emergency.summary import rate


@pytest.fixture
def city(db):
    city = build_city()
    build_leadership(city, DEMO_YEAR)
    demo.build(city, DEMO_YEAR)
    return city


def test_demo_reproduces_the_seed_duty_section(city):
    first, last = datetime.date(DEMO_YEAR, 1, 1), datetime.date(DEMO_YEAR, 12, 31)
    group = LeadershipGroup.objects.get(organization=city)
    # Duty is led from the first day the group stands (its founding members' joining date).
    stands_from = max(first, min(m.joined_on for m in group.members.all()))
    days = (last - stands_from).days + 1
    section = summarize(city, DEMO_YEAR)
    f = {x.label: x.value for x in section.figures}
    assert (f["值班天数"], f["值班班次数"], f["实行值班的单位数"]) == (days, days, 1)
    assert f["带班覆盖率"] == rate(days, 366)
    assert check_organisation(city, stands_from, last).rate == 100.0  # no gap once the group stands
    assert (f["突发事件数"], f["伤亡人数"], f["直接财产损失"], f["按时报送率"]) == (2, 0, 0, 100.0)
    assert f["突发事件数（较大）"] + f["突发事件数（重大）"] + f["突发事件数（特别重大）"] == 0
    text = "".join(section.paragraphs)
    assert "制定了《应急值守和信息报送制度》" in text
    assert "坚持实行了由领导班子成员带班，双人双岗值班制度" in text
    assert "制定了值班工作人员责任表，把工作任务落实到了具体人员" in text
    assert "全市教育系统共报送一般突发事件2起" in text
    assert section.overview == ["全年，全市教育系统未出现应急管理方面的重大事故和人员伤亡和财产损失的情况。"]
    if days == 366:
        assert "24小时领导带班" in text


def test_demo_leaders_are_the_group_as_it_stood_each_day(city):
    shifts = DutyShift.objects.filter(organization=city).select_related("leader")
    assert all(s.is_covered for s in shifts)
    by_name = {}
    for s in shifts:
        by_name.setdefault(s.leader.name, []).append(s.date)
    assert max(by_name["杨帆"]) < datetime.date(DEMO_YEAR, 9, 30)
    assert min(by_name["孙涛"]) >= datetime.date(DEMO_YEAR, 10, 8)
    assert set(by_name) == {"王建国", "陈立新", "刘红", "张伟", "杨帆", "孙涛"}
    assert all(s.officer_1 != s.officer_2 for s in shifts)


def test_demo_has_its_documents_holidays_log_and_reports(city):
    assert Document.objects.filter(organization=city, kind="rules", title="应急值守和信息报送制度").exists()
    assert Document.objects.filter(organization=city, kind="responsibility").exists()
    assert Holiday.objects.filter(date=datetime.date(DEMO_YEAR, 10, 1), name="国庆节").exists()
    assert DutyLog.objects.filter(kind="handover").count() == DutyShift.objects.count()
    for incident in Incident.objects.with_timeliness():
        assert incident.timeliness_value == "on_time" and incident.level == "general"
        assert incident.reports.last().stage == "final"
        assert all(r.receipts.count() == 2 for r in incident.reports.all())
    assert Incident.objects.filter(organization__path__startswith=city.path).count() == 2
