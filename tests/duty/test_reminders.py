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
