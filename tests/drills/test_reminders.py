"""Drill reminders: from the 20th, a primary school without its monthly drill hears of it once; a
school that held one, or a kindergarten (quarterly) outside a quarter's last month, hears nothing."""

from __future__ import annotations

import datetime

from emergency import notifications
from emergency.models import Message, Organization

from .helpers import make_drill


def test_a_school_behind_its_monthly_drill_hears_from_the_20th_once(personas):
    Organization.objects.filter(pk=personas.tree.school_a1.pk).update(stage="primary")
    Organization.objects.filter(pk=personas.tree.school_b1.pk).update(stage="primary")
    Organization.objects.filter(pk=personas.tree.school_a2.pk).update(stage="kindergarten")
    make_drill(personas.tree.school_b1, held="2026-05-08")
    officer_b_had = Message.objects.filter(recipient=personas.officer_b)
    notifications.send_reminders(datetime.date(2026, 5, 19))
    assert not Message.objects.exists()
    notifications.send_reminders(datetime.date(2026, 5, 20))
    notifications.send_reminders(datetime.date(2026, 5, 25))
    (told,) = Message.objects.filter(recipient=personas.officer_a)
    assert told.text.startswith("2026年5月已开展符合要求的演练0次，未达到“每月至少1次")
    assert not officer_b_had.exists()
    assert Message.objects.count() == 1  # the kindergarten is judged by the quarter, in June
