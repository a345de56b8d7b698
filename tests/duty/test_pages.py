"""Scope on every duty page, pinned query counts of the lists, and the record forms' rules."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from duty.models import DutyLog, DutyShift
from tests.permissions import assert_scope_matrix

from .helpers import D, at, make_group, make_incident, make_member, make_shift


@pytest.fixture
def leaders(tree):
    return {
        org.code: make_member(make_group(org), f"{org.code}校长", "leader")
        for org in (tree.school_a1, tree.school_b1, tree.city)
    }


def make_log(shift, **fields):
    start, _end = shift.window
    return DutyLog.objects.create(shift=shift, kind="call", received_at=start, content="市应急办来电", **fields)


def test_scope_matrix_on_shifts(client, personas, leaders):
    t = personas.tree
    inside = make_shift(t.school_a1, "2026-03-01", leaders["SA1"])
    outside = make_shift(t.school_b1, "2026-03-01", leaders["SB1"])
    assert assert_scope_matrix(client, personas, inside, outside) > 40


def test_scope_matrix_on_the_duty_log(client, personas, leaders):
    t = personas.tree
    inside = make_log(make_shift(t.school_a1, "2026-03-01", leaders["SA1"]))
    outside = make_log(make_shift(t.school_b1, "2026-03-01", leaders["SB1"]))
    assert_scope_matrix(client, personas, inside, outside)


def test_scope_matrix_on_incidents(client, personas):
    t = personas.tree
    assert_scope_matrix(client, personas, make_incident(t.school_a1), make_incident(t.school_b1))


@pytest.mark.parametrize("days", [1, 20])
def test_shift_list_query_count_is_pinned(client, personas, leaders, django_assert_num_queries, days):
    for day in range(1, days + 1):
        make_shift(personas.tree.school_a1, f"2026-03-{day:02d}", leaders["SA1"])
        make_shift(personas.tree.city, f"2026-03-{day:02d}", leaders["C"])
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of shifts with organisations and leaders, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("duty:dutyshift_list")).status_code == 200


@pytest.mark.parametrize("entries", [1, 20])
def test_duty_log_list_query_count_is_pinned(client, personas, leaders, django_assert_num_queries, entries):
    shift = make_shift(personas.tree.school_a1, "2026-03-01", leaders["SA1"])
    for _ in range(entries):
        make_log(shift)
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of entries with organisations and shifts, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("duty:dutylog_list")).status_code == 200


@pytest.mark.parametrize("incidents", [1, 20])
def test_incident_list_query_count_is_pinned(client, personas, django_assert_num_queries, incidents):
    for n in range(incidents):
        incident = make_incident(personas.tree.school_a1, title=f"事件{n}")
        incident.file_report("initial", "初报", "王", None, reported_at=at("2026-03-05 09:00"))
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of incidents with organisations and their first and
    # latest report (subqueries of the same statement), bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("duty:incident_list")).status_code == 200


def shift_form(**overrides):
    data = {
        "organization": "SA1",
        "date": "2026-03-01",
        "shift": "full",
        "leader_name": "SA1校长",
        "officer_1": "甲",
        "officer_2": "乙",
        "phone": "",
    }
    data.update(overrides)
    return data


def test_shift_form_finds_the_leader_by_name_in_the_group_as_it_stood(client, personas, leaders):
    client.force_login(personas.officer_a)
    response = client.post(reverse("duty:dutyshift_add"), shift_form())
    assert response.status_code == 302
    assert DutyShift.objects.get().leader == leaders["SA1"]
    leaders["SA1"].left_on = D("2026-03-05")
    leaders["SA1"].save()
    body = client.post(reverse("duty:dutyshift_add"), shift_form(date="2026-03-06")).content.decode()
    assert "已于2026年3月5日离开领导小组" in body
    body = client.post(
        reverse("duty:dutyshift_add"), shift_form(date="2026-03-02", leader_name="C校长")
    ).content.decode()
    assert "“C校长”不是该单位领导小组成员" in body
    body = client.post(reverse("duty:dutyshift_add"), shift_form(date="2026-03-02", officer_2="甲")).content.decode()
    assert "双人双岗" in body
    body = client.post(reverse("duty:dutyshift_add"), shift_form()).content.decode()
    assert "本单位该日期已有这个班次" in body
    assert DutyShift.objects.count() == 1


def test_shift_page_shows_when_its_leader_no_longer_counts(client, personas, leaders):
    shift = make_shift(personas.tree.school_a1, "2026-03-06", leaders["SA1"])
    leaders["SA1"].left_on = D("2026-03-05")
    leaders["SA1"].save()
    client.force_login(personas.officer_a)
    assert "不计入带班覆盖" in client.get(shift.get_absolute_url()).content.decode()
    listing = client.get(reverse("duty:dutyshift_list")).content.decode()
    assert "带班领导不是当日领导小组成员" in listing


def test_duty_log_form_places_the_entry_on_its_shift(client, personas, leaders):
    shift = make_shift(personas.tree.school_a1, "2026-03-01", leaders["SA1"])
    client.force_login(personas.officer_a)
    page = client.get(reverse("duty:dutylog_add") + f"?shift={shift.pk}").content.decode()
    assert 'value="2026-03-01"' in page
    data = {
        "organization": "SA1",
        "shift_date": "2026-03-01",
        "shift_kind": "full",
        "kind": "handover",
        "received_at": "2026-03-02T07:50",
        "source": "甲",
        "content": "交接班：无未办结事项",
        "handling": "",
    }
    assert client.post(reverse("duty:dutylog_add"), data).status_code == 302
    entry = DutyLog.objects.get()
    assert (entry.shift, entry.organization) == (shift, personas.tree.school_a1)
    body = client.post(reverse("duty:dutylog_add"), {**data, "received_at": "2026-03-02T09:00"}).content.decode()
    assert "时间不在该班次的值班时段内" in body
    body = client.post(reverse("duty:dutylog_add"), {**data, "shift_date": "2026-03-03"}).content.decode()
    assert "在该日没有这个班次" in body
    body = client.post(reverse("duty:dutylog_add"), {**data, "organization": "SB1"}).content.decode()
    assert "不在您的管辖范围内" in body
    assert DutyLog.objects.count() == 1


def test_coverage_page_lists_gaps(client, personas, leaders):
    make_shift(personas.tree.school_a1, "2026-03-01", leaders["SA1"])
    make_shift(personas.tree.school_a1, "2026-03-03", leaders["SA1"])
    client.force_login(personas.district_staff)
    page = client.get(reverse("duty:coverage"), {"org": "SA1", "start": "2026-03-01", "end": "2026-03-03"})
    body = page.content.decode()
    assert page.context["result"].rate == 66.7
    assert "2026年3月2日 08:00" in body and "无人值班" in body
    assert (
        client.get(reverse("duty:coverage"), {"org": "SB1", "start": "2026-03-01", "end": "2026-03-03"}).status_code
        == 404
    )


def test_incident_list_exports_plain_text(client, personas):
    incident = make_incident(personas.tree.school_a1, title="=校门口积水")
    incident.file_report("initial", "初报", "王", None, reported_at=at("2026-03-05 09:00"))
    make_incident(personas.tree.school_b1, title="B区事件")
    client.force_login(personas.district_staff)
    response = client.get(reverse("duty:incident_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2 and rows[1][0] == "'=校门口积水"
    assert "按时报送" in rows[1] and "初报" in rows[1]


def test_duty_log_list_exports_plain_text(client, personas, leaders):
    make_log(make_shift(personas.tree.school_a1, "2026-03-01", leaders["SA1"]))
    client.force_login(personas.officer_a)
    response = client.get(reverse("duty:dutylog_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("时间", "类别", "单位", "班次", "来电/来文单位或人员", "内容")
    assert rows[1] == (
        datetime.datetime(2026, 3, 1, 8, 0),
        "来电",
        "A区第一小学",
        "2026年3月1日 全天",
        None,
        "市应急办来电",
    )


def test_editing_a_shift_to_a_day_its_leader_no_longer_leads_is_refused(client, personas, leaders):
    shift = make_shift(personas.tree.school_a1, "2026-03-01", leaders["SA1"])
    leaders["SA1"].left_on = D("2026-03-05")
    leaders["SA1"].save()
    client.force_login(personas.officer_a)
    url = reverse("duty:dutyshift_edit", args=[shift.pk])
    for name in ("SA1校长", "无此人"):
        body = client.post(url, shift_form(date="2026-03-09", leader_name=name)).content.decode()
        assert "离开领导小组" in body or "不是该单位领导小组成员" in body
    shift.refresh_from_db()
    assert shift.date == D("2026-03-01")
