"""Hazard reminders: the unit that rectifies hears of a deadline coming and of it passing, once per
deadline; the unit above hears once a week, in one line for its whole area, of hazards long overdue,
and that line opens exactly those hazards."""

from __future__ import annotations

import datetime
import re
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from emergency import notifications
from emergency.models import Message

from .helpers import make_hazard, walk

DAY = datetime.date(2026, 3, 10)


def inbox(user) -> list[str]:
    return list(Message.objects.filter(recipient=user).order_by("text").values_list("text", flat=True))


def test_the_school_hears_of_a_deadline_coming_and_passing_once_each(personas):
    school = personas.tree.school_a1
    make_hazard(school, deadline=DAY + datetime.timedelta(days=2))
    make_hazard(school, "楼梯扶手松动", deadline=DAY + datetime.timedelta(days=10))  # not yet
    closed = make_hazard(school, "电线老化", deadline=DAY + datetime.timedelta(days=1))
    walk(closed, "closed", personas.officer_a, personas.district_staff)
    notifications.send_reminders(DAY)
    notifications.send_reminders(DAY)  # the beat ran twice
    assert inbox(personas.officer_a) == ["隐患“教学楼灭火器压力不足”的整改期限是2026年3月12日，请按期整改"]
    assert inbox(personas.district_staff) == [] and inbox(personas.leader) == []
    notifications.send_reminders(DAY + datetime.timedelta(days=3))
    assert inbox(personas.officer_a)[0] == "隐患“教学楼灭火器压力不足”已超过整改期限（2026年3月12日），请尽快整改"
    assert len(inbox(personas.officer_a)) == 2


def test_the_unit_above_gets_one_weekly_line_for_its_area_that_opens_exactly_those_hazards(client, personas):
    long_ago = DAY - datetime.timedelta(days=20)
    make_hazard(personas.tree.school_a1, deadline=long_ago)
    make_hazard(personas.tree.school_a2, "楼梯扶手松动", deadline=long_ago)
    make_hazard(personas.tree.school_a2, "电线老化", deadline=DAY - datetime.timedelta(days=3))  # late, not long
    make_hazard(personas.tree.school_b1, "围墙开裂", deadline=long_ago)  # another district
    notifications.send_reminders(DAY)
    notifications.send_reminders(DAY + datetime.timedelta(days=1))  # the same week
    (line,) = Message.objects.filter(recipient=personas.district_staff)
    assert line.text == "所属单位有2个隐患逾期超过7天仍未整改，请督促整改"
    client.force_login(personas.district_staff)
    listed = client.get(line.url).content.decode()
    assert re.search(r"共\s*2\s*条", listed)
    notifications.send_reminders(DAY + datetime.timedelta(days=7))  # a week later: again
    assert Message.objects.filter(recipient=personas.district_staff).count() == 2


def test_the_command_lists_what_is_due_and_its_dry_run_writes_nothing(personas):
    make_hazard(personas.tree.school_a1, deadline=datetime.date.today() + datetime.timedelta(days=1))
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "隐患整改期限将到" in out.getvalue() and "未写入、未发送" in out.getvalue()
    assert not Message.objects.exists()
    call_command("send_reminders", stdout=StringIO())
    assert Message.objects.filter(recipient=personas.officer_a).count() == 1


def test_the_timing_is_said_on_the_rules_page(client, personas):
    client.force_login(personas.officer_a)
    page = client.get(reverse("emergency:settings")).content.decode()
    assert "整改期限前3天起提醒整改单位" in page
