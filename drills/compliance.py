"""Drill compliance: for any window of whole months and any part of the tree, how many drills
each school had to hold (its 学段's `DrillRequirement`), how many it held, and who is behind.

Each requirement is judged per period: a school of a monthly requirement must hold at least
`min_count` drills of the listed types in every month of the window (exempt months aside); a
quarterly one in every quarter lying wholly inside the window. Drills are counted by the database
in one grouped query (school × month × type); the fold into periods is arithmetic on those rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncMonth

from emergency.models import Organization, OrganizationKind, Stage

from .choices import RequirementPeriod
from .models import Drill, DrillRequirement

STAGE_LABELS = dict(Stage.choices)


@dataclass(frozen=True)
class Window:
    """Whole months from `first` to `last` (both the first day of their month)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def of_months(cls, first: datetime.date, last: datetime.date) -> Window:
        return cls(first.replace(day=1), last.replace(day=1))

    @classmethod
    def year(cls, year: int) -> Window:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 1))

    @property
    def end(self) -> datetime.date:
        """The day after the window (exclusive bound for queries)."""
        return _add_months(self.last, 1)

    def months(self) -> list[tuple[int, int]]:
        months, day = [], self.first
        while day <= self.last:
            months.append((day.year, day.month))
            day = _add_months(day, 1)
        return months

    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first.year}年{self.first.month}月至{self.last.year}年{self.last.month}月"


def _add_months(day: datetime.date, n: int) -> datetime.date:
    months = day.year * 12 + day.month - 1 + n
    return datetime.date(months // 12, months % 12 + 1, 1)


def period_of(requirement: DrillRequirement, year: int, month: int) -> tuple[int, int]:
    if requirement.period == RequirementPeriod.QUARTER:
        return (year, (month - 1) // 3 + 1)
    return (year, month)


def required_periods(requirement: DrillRequirement, window: Window) -> list[tuple[int, int]]:
    """The periods a school must drill in: every month of the window but the exempt ones, or every
    quarter whose three months all lie in the window."""
    months = window.months()
    if requirement.period == RequirementPeriod.MONTH:
        return [(y, m) for y, m in months if m not in requirement.exempt_months]
    present = set(months)
    return [
        (y, q)
        for y, q in dict.fromkeys(period_of(requirement, y, m) for y, m in months)
        if all((y, 3 * (q - 1) + k) in present for k in (1, 2, 3))
    ]


@dataclass
class SchoolRow:
    """One school's standing in the window."""

    org_id: int
    code: str
    name: str
    stage: str
    group_code: str
    group_name: str
    requirement: DrillRequirement | None
    required_periods: int = 0
    met_periods: int = 0
    required: int = 0  # drills the requirement asks for in the window
    held: int = 0  # drills of a counted type held in the window
    all_drills: int = 0  # drills of any type held in the window
    shortfall: int = 0  # drills missing, period by period

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS.get(self.stage, "未设学段"))

    @property
    def has_requirement(self) -> bool:
        return self.required > 0

    @property
    def compliant(self) -> bool:
        return self.has_requirement and self.shortfall == 0

    @property
    def behind(self) -> bool:
        return self.has_requirement and self.shortfall > 0


@dataclass
class GroupRow:
    """Schools added up: one district (a child of the organisation looked at), or everything."""

    code: str
    name: str
    schools: int = 0
    with_requirement: int = 0
    compliant: int = 0
    required_periods: int = 0
    met_periods: int = 0
    required: int = 0
    held: int = 0
    all_drills: int = 0
    shortfall: int = 0

    def add(self, row: SchoolRow) -> None:
        self.schools += 1
        self.with_requirement += row.has_requirement
        self.compliant += row.compliant
        for name in ("required_periods", "met_periods", "required", "held", "all_drills", "shortfall"):
            setattr(self, name, getattr(self, name) + getattr(row, name))

    @property
    def behind(self) -> int:
        return self.with_requirement - self.compliant

    @property
    def rate(self) -> float:
        """达标率: schools that met every period, among the schools with a requirement (%)."""
        return round(100.0 * self.compliant / self.with_requirement, 1) if self.with_requirement else 0.0

    @property
    def completion(self) -> float:
        """要求完成率: periods met among the periods required (%)."""
        return round(100.0 * self.met_periods / self.required_periods, 1) if self.required_periods else 0.0


@dataclass
class Compliance:
    org: Organization
    window: Window
    requirements: list[DrillRequirement]
    schools: list[SchoolRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    total: GroupRow = field(default_factory=lambda: GroupRow("", "合计"))

    @property
    def behind(self) -> list[SchoolRow]:
        return [s for s in self.schools if s.behind]

    @property
    def has_bureaus_below(self) -> bool:
        """Whether the groups are bureaus (a city's districts) rather than the schools themselves."""
        codes = {s.code for s in self.schools}
        return any(g.code not in codes for g in self.groups)


def compliance(org: Organization, window: Window) -> Compliance:
    """The drill compliance of every school in `org`'s subtree over `window`, in four queries."""
    requirements = list(DrillRequirement.objects.all())
    by_stage = {r.stage: r for r in requirements}
    result = Compliance(org, window, requirements)
    children = dict(Organization.objects.filter(parent=org).values_list("code", "name"))
    schools = Organization.objects.filter(path__startswith=org.path, kind=OrganizationKind.SCHOOL)
    counts: dict[int, list[tuple[int, int, str, int]]] = defaultdict(list)
    grouped = (
        Drill.objects.filter(organization__in=schools.values("pk"), held_on__gte=window.first, held_on__lt=window.end)
        .annotate(month=TruncMonth("held_on"))
        .values_list("organization_id", "month", "drill_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for org_id, month, drill_type, n in grouped:
        counts[org_id].append((month.year, month.month, drill_type, n))

    groups: dict[str, GroupRow] = {}
    for pk, code, name, stage, path in schools.order_by("path").values_list("pk", "code", "name", "stage", "path"):
        parts = path.strip("/").split("/")
        group_code = parts[org.depth + 1] if len(parts) > org.depth + 1 else code
        row = SchoolRow(pk, code, name, stage, group_code, children.get(group_code, name), by_stage.get(stage))
        _judge(row, window, counts.get(pk, []))
        result.schools.append(row)
        groups.setdefault(group_code, GroupRow(group_code, row.group_name)).add(row)
        result.total.add(row)
    result.groups = sorted(groups.values(), key=lambda g: g.code)
    return result


def _judge(row: SchoolRow, window: Window, counts: list[tuple[int, int, str, int]]) -> None:
    row.all_drills = sum(n for *_rest, n in counts)
    requirement = row.requirement
    if requirement is None:
        return
    periods = required_periods(requirement, window)
    held: dict[tuple[int, int], int] = defaultdict(int)
    for year, month, drill_type, n in counts:
        if drill_type in requirement.drill_types:
            held[period_of(requirement, year, month)] += n
            row.held += n
    row.required_periods = len(periods)
    row.required = len(periods) * requirement.min_count
    row.met_periods = sum(1 for p in periods if held[p] >= requirement.min_count)
    row.shortfall = sum(max(0, requirement.min_count - held[p]) for p in periods)
