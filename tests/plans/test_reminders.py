"""Plan reminders: the unit keeping a plan hears once when its revision date comes within the
warning window and once when it has passed; other units hear nothing."""

from __future__ import annotations

import datetime

from emergency import notifications
from emergency.models import Message

from .helpers import make_plan


def test_a_plan_s_revision_is_reminded_once_coming_and_once_late(personas):
    make_plan(personas.tree.school_a1, next_revision_on=datetime.date(2026, 6, 30))
    notifications.send_reminders(datetime.date(2026, 5, 1))
    notifications.send_reminders(datetime.date(2026, 5, 2))
    texts = list(Message.objects.filter(recipient=personas.officer_a).values_list("text", flat=True))
    assert texts == ["应急预案《火灾事故应急预案》应于2026年6月30日前修订，请及时组织评估修订"]
    notifications.send_reminders(datetime.date(2026, 7, 1))
    assert Message.objects.filter(recipient=personas.officer_a).count() == 2
    assert not Message.objects.exclude(recipient=personas.officer_a).exists()
