"""Drill compliance: for any window of whole months and any part of the tree, how many drills
each school had to hold (its 学段's `DrillRequirement`), how many it held, and who is behind.

Each requirement is judged per period: a school of a monthly requirement must hold at least
`min_count` drills of the listed types in every month of the window (exempt months aside); a
quarterly one in every quarter lying wholly inside the window. The database does the judging and
the adding up (one statement), so the time depends on the drills of the window, not on a Python
loop over every school; the required periods are worked out here and passed in."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db import connection

from emergency import cache
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


class SchoolRow(NamedTuple):
    """One school's standing in the window. `Compliance.rows` keeps its fields as plain tuples
    (emergency.tables.TupleRows): a SchoolRow is made only for a row shown or exported."""

    org_id: int
    code: str
    name: str
    stage: str
    group_code: str
    group_name: str
    required_periods: int
    met_periods: int
    required: int  # drills the requirement asks for in the window
    held: int  # drills of a counted type held in the window
    all_drills: int  # drills of any type held in the window
    shortfall: int  # drills missing, period by period

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
    is_school: bool = False  # the group is a school directly under the organisation looked at

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


# What a school's row and a group's have alike, added up from schools into groups and groups into
# the total; a group also counts its schools, those with a requirement and those compliant.
SCHOOL_SUMS = ("required_periods", "met_periods", "required", "held", "all_drills", "shortfall")
SUMMED = ("schools", "with_requirement", "compliant", *SCHOOL_SUMS)


@dataclass
class Compliance:
    org: Organization
    window: Window
    requirements: list[DrillRequirement]
    groups: list[GroupRow]
    # Every school's SchoolRow as a plain tuple (see emergency.tables.TupleRows), when asked for.
    rows: list[tuple] = field(default_factory=list)

    @cached_property
    def total(self) -> GroupRow:
        total = GroupRow("", "合计")
        for name in SUMMED:
            setattr(total, name, sum(getattr(g, name) for g in self.groups))
        return total

    @cached_property
    def _by_stage(self) -> dict[str, DrillRequirement]:
        return {r.stage: r for r in self.requirements}

    def requirement_text(self, school: SchoolRow) -> str:
        """The requirement the school is judged by, in words ("" for a school without one)."""
        requirement = self._by_stage.get(school.stage)
        return requirement.describe() if requirement else ""

    @property
    def schools(self) -> list[SchoolRow]:
        return list(map(SchoolRow._make, self.rows))

    @property
    def rows_behind(self) -> list[tuple]:
        return [row for row in self.rows if SchoolRow._make(row).behind]

    @property
    def has_bureaus_below(self) -> bool:
        """Whether the groups are bureaus (a city's districts) rather than the schools themselves."""
        return any(not g.is_school for g in self.groups)


# Every school of the subtree judged in the database, one row per school whatever the number of
# drills: drills of the counted types are counted per period (month or quarter, by the school's
# 学段), each required period contributes min(held, min_count) towards the requirement and is met
# when held >= min_count. The required periods come in as two parallel arrays (学段, period start).
PER_SCHOOL = """
WITH school AS (
    SELECT o.id, o.code, o.name, o.stage, o.path,
           COALESCE(NULLIF(split_part(o.path, '/', %(level)s), ''), o.code) AS group_code
    FROM {organization} o
    WHERE o.path LIKE %(prefix)s AND o.kind = %(school)s
),
required AS (
    SELECT * FROM unnest(%(stages)s::text[], %(periods)s::date[]) AS r(stage, starts)
),
drill AS (
    SELECT d.organization_id AS school_id, s.stage, d.held_on, d.drill_type
    FROM {drill} d JOIN school s ON s.id = d.organization_id
    WHERE d.held_on >= %(first)s AND d.held_on < %(end)s
),
per_period AS (
    SELECT d.school_id, d.stage, r.min_count, count(*) AS n,
           date_trunc(CASE r.period WHEN %(quarter)s THEN 'quarter' ELSE 'month' END, d.held_on)::date AS starts
    FROM drill d JOIN {requirement} r ON r.stage = d.stage AND d.drill_type = ANY(r.drill_types)
    GROUP BY d.school_id, d.stage, r.min_count, starts
),
judged AS (
    SELECT p.school_id, sum(p.n)::int AS held,
           count(q.starts) FILTER (WHERE p.n >= p.min_count) AS met_periods,
           COALESCE(sum(least(p.n, p.min_count)) FILTER (WHERE q.starts IS NOT NULL), 0)::int AS credited
    FROM per_period p LEFT JOIN required q ON q.stage = p.stage AND q.starts = p.starts
    GROUP BY p.school_id
),
required_count AS (
    SELECT q.stage, count(*) * min(r.min_count) AS required, count(*) AS periods
    FROM required q JOIN {requirement} r ON r.stage = q.stage GROUP BY q.stage
),
all_drills AS (SELECT school_id, count(*) AS n FROM drill GROUP BY school_id),
per_school AS (
    SELECT s.id, s.code, s.name, s.stage, s.path, s.group_code,
           COALESCE(c.periods, 0) AS required_periods, COALESCE(j.met_periods, 0) AS met_periods,
           COALESCE(c.required, 0) AS required, COALESCE(j.held, 0) AS held, COALESCE(a.n, 0) AS all_drills,
           COALESCE(c.required, 0) - COALESCE(j.credited, 0) AS shortfall
    FROM school s
    LEFT JOIN required_count c ON c.stage = s.stage
    LEFT JOIN judged j ON j.school_id = s.id
    LEFT JOIN all_drills a ON a.school_id = s.id
)
"""

SCHOOLS = """
SELECT p.id, p.code, p.name, p.stage, p.group_code, COALESCE(g.name, p.name), p.required_periods, p.met_periods,
       p.required, p.held, p.all_drills, p.shortfall
FROM per_school p LEFT JOIN {organization} g ON g.parent_id = %(org)s AND g.code = p.group_code
ORDER BY p.path
"""

GROUPS = """
SELECT p.group_code, COALESCE(g.name, min(p.name)), count(*),
       count(*) FILTER (WHERE p.required > 0), count(*) FILTER (WHERE p.required > 0 AND p.shortfall = 0),
       sum(p.required_periods)::int, sum(p.met_periods)::int, sum(p.required)::int, sum(p.held)::int,
       sum(p.all_drills)::int, sum(p.shortfall)::int, bool_and(p.code = p.group_code)
FROM per_school p LEFT JOIN {organization} g ON g.parent_id = %(org)s AND g.code = p.group_code
GROUP BY p.group_code, g.name ORDER BY p.group_code
"""


def compliance(org: Organization, window: Window, schools: bool = False) -> Compliance:
    """The drill compliance of `org`'s subtree over `window`, added up per child of `org` (two
    queries whatever the size of the tree), and with every school's row when `schools` is set (the
    groups then added up from them: still two)."""
    requirements = list(DrillRequirement.objects.all())
    stages, periods = [], []
    for requirement in requirements:
        for year, n in required_periods(requirement, window):
            month = 3 * (n - 1) + 1 if requirement.period == RequirementPeriod.QUARTER else n
            stages.append(requirement.stage)
            periods.append(datetime.date(year, month, 1))
    params = {
        "level": org.depth + 3,  # '/C/D01/S001/' split on '/': '', C, D01, … so a child is at depth + 3
        "prefix": connection.ops.prep_for_like_query(org.path) + "%",  # a code may hold "_", a LIKE wildcard
        "school": OrganizationKind.SCHOOL,
        "stages": stages,
        "periods": periods,
        "first": window.first,
        "end": window.end,
        "quarter": RequirementPeriod.QUARTER,
        "org": org.pk,
    }
    tables = {
        "organization": Organization._meta.db_table,
        "drill": Drill._meta.db_table,
        "requirement": DrillRequirement._meta.db_table,
    }
    prelude = PER_SCHOOL.format(**tables)
    with connection.cursor() as cursor:
        if not schools:
            cursor.execute(prelude + GROUPS.format(**tables), params)
            return Compliance(org, window, requirements, [GroupRow(*row) for row in cursor.fetchall()])
        cursor.execute(prelude + SCHOOLS.format(**tables), params)
        rows = list(map(_interned, cursor.fetchall()))
    return Compliance(org, window, requirements, added_up(map(SchoolRow._make, rows)), rows)


# The fields whose few values repeat across a province's schools (学段, group code and name):
# interned, each value is one string that pickle writes once and refers back to, so the cached
# rows are smaller and read faster.
INTERNED = tuple(SchoolRow._fields.index(name) for name in ("stage", "group_code", "group_name"))


def _interned(row: tuple) -> tuple:
    return tuple(sys.intern(v) if i in INTERNED and v is not None else v for i, v in enumerate(row))


def built_compliance(org: Organization, window: Window) -> cache.Built:
    """`compliance(org, window, schools=True)` as the cache has it (`.value`). A province's 40,000
    schools take the database about a second to judge: after a write a leader is shown the report
    as last judged while a worker judges it again (emergency/cache.py), as the dashboard is."""
    key = f"{org.pk}:{window.first:%Y-%m}:{window.last:%Y-%m}"
    return cache.latest("drill_compliance", key, org.pk, window.first.isoformat(), window.last.isoformat())


def build_compliance(org_pk: int, first: str, last: str) -> Compliance:
    """The builder `built_compliance` names, from arguments a Celery task can carry."""
    window = Window(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
    return compliance(Organization.objects.get(pk=org_pk), window, schools=True)


def added_up(schools: Iterable[SchoolRow]) -> list[GroupRow]:
    """The groups of GROUPS, added up from the schools' rows already read instead of judging every
    school again in the database. In the schools' order (by path), which is the groups' order by code."""
    groups: dict[str, GroupRow] = {}
    for school in schools:
        group = groups.get(school.group_code)
        if group is None:
            group = groups[school.group_code] = GroupRow(school.group_code, school.group_name, is_school=True)
        group.schools += 1
        group.with_requirement += school.has_requirement
        group.compliant += school.compliant
        for name in SCHOOL_SUMS:
            setattr(group, name, getattr(group, name) + getattr(school, name))
        group.is_school = group.is_school and school.code == school.group_code
    return list(groups.values())
