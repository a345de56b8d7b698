"""Incident reports: the chain 初报 → 续报 → 终报, timeliness against the limit of the level on
known timestamps, reports visible up the tree by scope, and bureaus above notified on their home
page until they sign."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from duty.models import Incident, IncidentReport, ReportReceipt
from duty.panels import home_items

from .helpers import at, make_incident

NOW = at("2026-03-10 12:00")


def report(incident, stage, text, when, user=None):
    return incident.file_report(stage, text, "王老师", user, reported_at=at(when))


@pytest.mark.parametrize(
    ("level", "first_report", "expected"),
    [
        ("general", "2026-03-06 08:00", "on_time"),  # exactly 24 hours after it became known
        ("general", "2026-03-06 08:01", "late"),
        ("large", "2026-03-05 09:00", "on_time"),  # 较大: within the hour
        ("large", "2026-03-05 09:01", "late"),
        ("major", "2026-03-05 09:30", "late"),
        ("particularly_major", "2026-03-05 08:59", "on_time"),
    ],
)
def test_first_report_timeliness_against_the_level_limit(tree, level, first_report, expected):
    incident = make_incident(tree.school_a1, level=level, known="2026-03-05 08:00")
    report(incident, "initial", "初报", first_report)
    assert Incident.objects.get(pk=incident.pk).timeliness(NOW) == expected
    annotated = Incident.objects.with_timeliness(NOW).get(pk=incident.pk)
    assert annotated.timeliness_value == expected and annotated.timeliness(NOW) == expected


def test_without_a_first_report_an_incident_is_pending_then_overdue(tree):
    incident = make_incident(tree.school_a1, level="large", known="2026-03-10 11:30")
    assert incident.timeliness(NOW) == "pending"
    assert incident.timeliness(at("2026-03-10 12:31")) == "overdue"
    assert Incident.objects.with_timeliness(at("2026-03-10 12:31")).get().timeliness_value == "overdue"


def test_limits_are_settings(tree, settings):
    settings.DUTY_REPORT_LIMITS_MINUTES = {"general": 120}
    incident = make_incident(tree.school_a1, known="2026-03-05 08:00")
    report(incident, "initial", "初报", "2026-03-05 10:30")
    assert Incident.objects.with_timeliness(NOW).get().timeliness_value == "late"
    assert incident.report_deadline == at("2026-03-05 10:00")


def test_the_chain_is_initial_then_follow_ups_then_final(tree):
    incident = make_incident(tree.school_a1)
    with pytest.raises(ValidationError, match="现在只能报送：初报"):
        report(incident, "follow_up", "续报", "2026-03-05 09:00")
    report(incident, "initial", "初报", "2026-03-05 08:30")
    with pytest.raises(ValidationError, match="续报、终报"):
        report(incident, "initial", "又一个初报", "2026-03-05 09:00")
    report(incident, "follow_up", "续报一", "2026-03-05 10:00")
    report(incident, "follow_up", "续报二", "2026-03-05 11:00")
    with pytest.raises(ValidationError, match="不能早于上一次报送"):
        report(incident, "final", "终报", "2026-03-05 10:30")
    report(incident, "final", "终报", "2026-03-06 09:00")
    with pytest.raises(ValidationError, match="已报送终报"):
        report(incident, "follow_up", "再续报", "2026-03-06 10:00")
    assert [r.stage for r in incident.reports.all()] == ["initial", "follow_up", "follow_up", "final"]


def test_a_report_cannot_precede_the_incident_becoming_known_or_lie_in_the_future(tree):
    incident = make_incident(tree.school_a1)
    with pytest.raises(ValidationError, match="不能早于获知时间"):
        report(incident, "initial", "初报", "2026-03-05 07:00")
    with pytest.raises(ValidationError, match="不能晚于现在"):
        incident.file_report(
            "initial",
            "初报",
            "王",
            None,
            reported_at=datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1),
        )


def test_the_database_refuses_a_second_initial_report(tree):
    incident = make_incident(tree.school_a1)
    report(incident, "initial", "初报", "2026-03-05 08:30")
    with pytest.raises(IntegrityError):
        IncidentReport.objects.create(
            incident=incident, stage="initial", reported_at=at("2026-03-05 09:00"), author="x", text="x"
        )


def test_school_files_a_first_report_and_the_district_and_city_see_it(client, personas):
    incident = make_incident(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("duty:incident_report", args=[incident.pk]),
        {"stage": "initial", "author": "王老师", "text": "校门口积水，学生已安全疏散。"},
    )
    assert response.status_code == 302
    assert IncidentReport.objects.get().created_by == personas.officer_a
    for user in (personas.district_staff, personas.city_staff, personas.leader):
        client.force_login(user)
        assert "校门口积水，学生已安全疏散。" in client.get(incident.get_absolute_url()).content.decode()
    client.force_login(personas.officer_b)
    assert client.get(incident.get_absolute_url()).status_code == 404
    assert client.post(reverse("duty:incident_report", args=[incident.pk]), {"stage": "follow_up"}).status_code == 404


def test_leader_cannot_file_or_sign(client, personas):
    incident = make_incident(personas.tree.school_a1)
    client.force_login(personas.leader)
    assert client.post(reverse("duty:incident_report", args=[incident.pk]), {"stage": "initial"}).status_code == 403
    assert client.post(reverse("duty:incident_receive", args=[incident.pk])).status_code == 403


def texts(user):
    return {item.text: (item.count, item.level) for item in home_items(user)}


def test_bureaus_above_are_notified_until_they_sign(client, personas):
    on_time = make_incident(personas.tree.school_a1, title="按时", known="2026-03-05 08:00")
    report(on_time, "initial", "初报", "2026-03-05 09:00")
    late = make_incident(personas.tree.school_a1, title="迟报", known="2026-03-05 08:00")
    report(late, "initial", "初报", "2026-03-07 09:00")
    other = make_incident(personas.tree.school_b1, title="B区", known="2026-03-05 08:00")
    report(other, "initial", "初报", "2026-03-05 09:00")
    assert texts(personas.district_staff)["下级单位报送的突发事件信息待签收"] == (2, "danger")
    assert texts(personas.district_staff)["其中迟报的突发事件"] == (1, "danger")
    assert texts(personas.city_staff)["下级单位报送的突发事件信息待签收"] == (3, "danger")
    assert "下级单位报送的突发事件信息待签收" not in texts(personas.officer_a)  # one's own reports
    client.force_login(personas.district_staff)
    listing = client.get(reverse("duty:incident_list") + "?receipt=pending").content.decode()
    assert "按时" in listing and "迟报" in listing and "B区" not in listing
    client.post(reverse("duty:incident_receive", args=[late.pk]))
    assert texts(personas.district_staff)["下级单位报送的突发事件信息待签收"] == (1, "warning")
    assert ReportReceipt.objects.get().organization == personas.tree.district_a
    assert texts(personas.city_staff)["下级单位报送的突发事件信息待签收"][0] == 3  # each bureau signs for itself
    page = client.get(late.get_absolute_url()).content.decode()
    assert "区县A教育局已签收" in page


def test_a_receipt_of_another_year_shows_its_year(client, personas):
    incident = make_incident(personas.tree.school_a1, known="2008-12-02 08:00")
    report(incident, "initial", "初报", "2008-12-02 09:00")
    client.force_login(personas.district_staff)
    client.post(reverse("duty:incident_receive", args=[incident.pk]))
    page = client.get(incident.get_absolute_url()).content.decode()
    assert f"区县A教育局已签收（{timezone.localdate().month}月" in page  # signed today: no year
    ReportReceipt.objects.update(created_at=at("2008-12-02 14:32"))
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "区县A教育局已签收（2008年12月2日 14:32）" in page


def test_a_school_cannot_sign_its_own_report(client, personas):
    incident = make_incident(personas.tree.school_a1)
    report(incident, "initial", "初报", "2026-03-05 09:00")
    client.force_login(personas.officer_a)
    assert client.post(reverse("duty:incident_receive", args=[incident.pk])).status_code == 403


def test_overdue_first_reports_are_on_everyones_home_page(personas):
    make_incident(personas.tree.school_a1, level="large", known="2026-03-05 08:00")
    for user in (personas.officer_a, personas.district_staff, personas.city_staff):
        assert texts(user)["逾期未初报的突发事件"] == (1, "danger")
    assert "逾期未初报的突发事件" not in texts(personas.officer_b)


def test_home_panel_takes_few_queries(personas, django_assert_max_num_queries):
    for n in range(5):
        incident = make_incident(personas.tree.school_a1, title=f"事件{n}")
        report(incident, "initial", "初报", "2026-03-05 09:00")
    personas.district_staff.organization  # noqa: B018  (loaded with the user on a real request)
    with django_assert_max_num_queries(2):
        home_items(personas.district_staff)


def test_incident_form_checks_times(client, personas):
    client.force_login(personas.officer_a)
    data = {
        "organization": "",
        "title": "食堂停电",
        "incident_type": "accident",
        "level": "general",
        "occurred_at": "2026-03-05T08:00",
        "known_at": "2026-03-05T07:00",
        "place": "食堂",
        "deaths": "0",
        "injuries": "-1",
        "property_loss": "0",
        "description": "停电",
    }
    body = client.post(reverse("duty:incident_add"), data).content.decode()
    assert "获知时间不能早于发生时间" in body and not Incident.objects.exists()
    data.update(known_at="2026-03-05T08:20", injuries="0")
    response = client.post(reverse("duty:incident_add"), data)
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.organization == personas.tree.school_a1
    assert incident.known_at == at("2026-03-05 08:20")
