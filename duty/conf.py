"""Rules of this area that differ between cities (local regulations do), read from Django settings with
these defaults, so a deployment changes them in its settings and tests with the `settings` fixture.

- `DUTY_SHIFT_TIMES`: start and end ("HH:MM") of each 班次; an end at or before the start is on
  the next day. The duty day begins when the 全天 shift begins (the daily handover).
- `DUTY_REPORT_LIMITS_MINUTES`: how long after an incident becomes known its 初报 is due, per
  level. Defaults: 较大 and above within 1 hour, 一般 within 24 hours (宁波市学校安全条例 Art. 36;
  other cities set 15–30 minutes by telephone)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import IncidentLevel, ShiftKind

DEFAULT_SHIFT_TIMES = {
    ShiftKind.DAY: ("08:00", "20:00"),
    ShiftKind.NIGHT: ("20:00", "08:00"),
    ShiftKind.FULL: ("08:00", "08:00"),
}
DEFAULT_REPORT_LIMITS_MINUTES = {
    IncidentLevel.PARTICULARLY_MAJOR: 60,
    IncidentLevel.MAJOR: 60,
    IncidentLevel.LARGE: 60,
    IncidentLevel.GENERAL: 24 * 60,
}


def _clock(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def shift_times() -> dict[str, tuple[datetime.time, datetime.time]]:
    configured = {**DEFAULT_SHIFT_TIMES, **getattr(settings, "DUTY_SHIFT_TIMES", {})}
    return {str(kind): (_clock(start), _clock(end)) for kind, (start, end) in configured.items()}


def shift_window(day: datetime.date, kind: str) -> tuple[datetime.datetime, datetime.datetime]:
    """When a shift of `kind` on `day` starts and ends, as aware local times."""
    start_clock, end_clock = shift_times()[kind]
    start = datetime.datetime.combine(day, start_clock)
    end = datetime.datetime.combine(day, end_clock)
    if end <= start:
        end += datetime.timedelta(days=1)
    zone = timezone.get_default_timezone()
    return start.replace(tzinfo=zone), end.replace(tzinfo=zone)


def duty_day_start(day: datetime.date) -> datetime.datetime:
    """When the duty day `day` begins: the start of its 全天 shift (the daily handover)."""
    return shift_window(day, ShiftKind.FULL)[0]


def period_window(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The hours of the duty days first … last, from the first handover to the one after the last day."""
    return duty_day_start(first), duty_day_start(last + datetime.timedelta(days=1))


def report_limits() -> dict[str, datetime.timedelta]:
    configured = {**DEFAULT_REPORT_LIMITS_MINUTES, **getattr(settings, "DUTY_REPORT_LIMITS_MINUTES", {})}
    return {str(level): datetime.timedelta(minutes=int(minutes)) for level, minutes in configured.items()}


def describe_limit(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60:
        return _("%(n)d分钟") % {"n": minutes}
    return _("%(n)d小时") % {"n": minutes // 60}


def describe_shift_times() -> str:
    """The shift times in force, for the 规则设置 page."""
    return "；".join(f"{ShiftKind(k).label} {a:%H:%M}–{b:%H:%M}" for k, (a, b) in shift_times().items())


def describe_report_limits() -> str:
    """The 初报 limits in force per level, for the 规则设置 page."""
    return "；".join(f"{IncidentLevel(k).label} {describe_limit(v)}" for k, v in report_limits().items())
