"""Coverage arithmetic: does every hour of a period have a 带班领导 and two officers?

Each shift is an interval of time (its 班次's configured hours). The period is swept once, from
boundary to boundary; each stretch between boundaries is covered, a gap (with the reason), or —
when more than one shift holds it — a double booking as well. A shift whose leader is no longer
a current member of the organisation's group on the shift's date lends no leader to its hours."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from emergency.text import chinese_date

from . import conf
from .choices import ShiftKind
from .models import DutyShift, is_current

NO_SHIFT = "no_shift"
NO_LEADER = "no_leader"
LEADER_LEFT = "leader_left"
TOO_FEW_OFFICERS = "too_few_officers"


def reason_label(reason: str) -> str:
    return {
        NO_SHIFT: _("无人值班"),
        NO_LEADER: _("无带班领导"),
        LEADER_LEFT: _("带班领导不是当日领导小组在任成员"),
        TOO_FEW_OFFICERS: _("值班人员不足两人"),
    }[reason]


@dataclass(frozen=True)
class ShiftSpan:
    """A shift as the sweep sees it: its hours, whether its leader counts, and its officers."""

    label: str
    start: datetime.datetime
    end: datetime.datetime
    leader: str
    leader_counts: bool
    officers: tuple[str, ...]
    pk: int | None = None

    @classmethod
    def of(cls, shift: DutyShift) -> ShiftSpan:
        start, end = shift.window
        return cls(
            label=str(shift),
            start=start,
            end=end,
            leader=shift.leader.name,
            leader_counts=shift.leader_is_current,
            officers=tuple(o.strip() for o in (shift.officer_1, shift.officer_2) if o.strip()),
            pk=shift.pk,
        )


@dataclass
class Stretch:
    """A run of time with one finding: a gap (reason) or a double booking (shifts)."""

    start: datetime.datetime
    end: datetime.datetime
    reason: str = ""
    shifts: tuple[str, ...] = ()

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason) if self.reason else ""


@dataclass
class Coverage:
    """The finding for one organisation over [start, end)."""

    start: datetime.datetime
    end: datetime.datetime
    covered_seconds: float = 0
    gaps: list[Stretch] = field(default_factory=list)
    double_bookings: list[Stretch] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def covered_hours(self) -> float:
        return self.covered_seconds / 3600

    @property
    def gap_hours(self) -> float:
        return sum(g.hours for g in self.gaps)

    @property
    def rate(self) -> float:
        """带班覆盖率 in per cent, one decimal."""
        return (
            round(100 * self.covered_seconds / (self.end - self.start).total_seconds(), 1)
            if self.end > self.start
            else 0.0
        )

    @property
    def is_complete(self) -> bool:
        return not self.gaps


def check_spans(spans: Iterable[ShiftSpan], start: datetime.datetime, end: datetime.datetime) -> Coverage:
    """Sweep the period once over the shifts' intervals (clipped to the period): O(n log n)."""
    spans = sorted((s for s in spans if s.end > start and s.start < end), key=lambda s: s.start)
    result = Coverage(start, end)
    points = sorted({start, end, *(max(s.start, start) for s in spans), *(min(s.end, end) for s in spans)})
    active: list[ShiftSpan] = []
    waiting = 0
    for a, b in itertools.pairwise(points):
        # Every boundary is a point, so a stretch [a, b) lies wholly inside or outside each shift.
        while waiting < len(spans) and spans[waiting].start <= a:
            active.append(spans[waiting])
            waiting += 1
        active = [s for s in active if s.end > a]
        reason = _stretch_reason(active)
        if reason:
            _extend(result.gaps, Stretch(a, b, reason=reason))
        else:
            result.covered_seconds += (b - a).total_seconds()
        if len(active) > 1:
            _extend(result.double_bookings, Stretch(a, b, shifts=tuple(s.label for s in active)))
    return result


def _stretch_reason(active: list[ShiftSpan]) -> str:
    if not active:
        return NO_SHIFT
    if not any(s.leader_counts for s in active):
        return LEADER_LEFT if any(s.leader for s in active) else NO_LEADER
    if len({o for s in active for o in s.officers}) < 2:
        return TOO_FEW_OFFICERS
    return ""


def _extend(stretches: list[Stretch], new: Stretch) -> None:
    """Join a stretch to the previous one when they touch and say the same thing."""
    if stretches:
        last = stretches[-1]
        if last.end == new.start and last.reason == new.reason and last.shifts == new.shifts:
            last.end = new.end
            return
    stretches.append(new)


def check_organisation(org, first: datetime.date, last: datetime.date) -> Coverage:
    """Coverage of one organisation's duty days first … last, in one query."""
    start, end = conf.period_window(first, last)
    shifts = DutyShift.objects.filter(organization=org).in_period(first, last).select_related("leader")
    return check_spans((ShiftSpan.of(s) for s in shifts), start, end)


def spans_from_values(rows: Iterable[tuple]) -> Iterable[tuple[int, ShiftSpan]]:
    """(organisation id, span) from value rows of SPAN_VALUES, for summaries over many units."""
    # Every unit keeps the same days and shifts: each (day, shift)'s times and label are worked out
    # once, not once per unit (over a province's shifts, that was most of the time).
    shifts: dict[tuple, tuple] = {}
    for org_id, day, kind, leader, joined, left, leader_org, o1, o2 in rows:
        if (shift := shifts.get((day, kind))) is None:
            shift = shifts[day, kind] = (*conf.shift_window(day, kind), f"{chinese_date(day)} {ShiftKind(kind).label}")
        start, end, label = shift
        counts = leader_org == org_id and joined <= day and (left is None or left > day)
        yield (
            org_id,
            ShiftSpan(
                label=label,
                start=start,
                end=end,
                leader=leader,
                leader_counts=counts,
                officers=tuple(o.strip() for o in (o1, o2) if o.strip()),
            ),
        )


SPAN_VALUES = (
    "organization_id",
    "date",
    "shift",
    "leader__name",
    "leader__joined_on",
    "leader__left_on",
    "leader__organization_id",
    "officer_1",
    "officer_2",
)

__all__ = ["Coverage", "ShiftSpan", "Stretch", "check_organisation", "check_spans", "is_current"]
