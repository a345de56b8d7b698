"""Supply reminders: each open alert reaches the unit keeping the stock once, with its own page."""

from __future__ import annotations

import datetime

from emergency import notifications
from emergency.models import Message
from supplies.alerts import refresh_alerts

from .helpers import make_item, make_standard


def test_an_alert_reaches_the_school_once_and_opens_its_page(client, personas):
    make_standard(personas.tree.city, make_item(), 10)
    day = datetime.date(2026, 3, 1)
    refresh_alerts(today=day)
    notifications.send_reminders(day)
    notifications.send_reminders(day)
    mine = Message.objects.filter(recipient=personas.officer_a)
    assert mine.count() == 1 and mine.get().text.startswith("物资预警（低于储备标准）：干粉灭火器")
    client.force_login(personas.officer_a)
    assert client.get(mine.get().url).status_code == 200
