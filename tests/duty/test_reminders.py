"""Duty reminders: the day before a shift, its unit's staff hear who is on duty, once."""

from __future__ import annotations

import datetime

from emergency import notifications
from emergency.models import Message

from .helpers import make_group, make_member, make_shift


def test_the_unit_hears_of_tomorrow_s_shift_once(personas):
    city = personas.tree.city
    make_shift(city, "2026-05-02", make_member(make_group(city), "张局长", "leader"), officers=("李明", "王芳"))
    notifications.send_reminders(datetime.date(2026, 5, 1))
    notifications.send_reminders(datetime.date(2026, 5, 1))
    (told,) = Message.objects.filter(recipient=personas.city_staff)
    assert told.text == "明天（2026年5月2日）全天值班：带班领导张局长，值班人员李明、王芳"
    assert not Message.objects.filter(recipient=personas.leader).exists()


def test_the_unit_above_hears_at_once_of_each_report_filed(personas):
    from .helpers import make_incident

    incident = make_incident(personas.tree.school_a1)
    incident.file_report("initial", "教学楼一层发生火情，已疏散", "王老师", personas.officer_a)
    (told,) = Message.objects.filter(recipient=personas.district_staff)
    assert told.text == f"{personas.tree.school_a1.name}报送突发事件“{incident.title}”初报，请及时签收"
    assert told.kind == "incident_report" and told.url == incident.get_absolute_url()
    assert not Message.objects.filter(recipient__in=[personas.city_staff, personas.officer_b]).exists()
