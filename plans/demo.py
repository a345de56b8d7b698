"""The demo city's plans for the demo year, as the seed summary counts them: six plans of the
city bureau (《教育系统奥运安保和反恐工作应急预案》 and 《教育系统突发公共事件应急预案》 among them)
and 2,356 plans in force across the schools at the end of the year. Some earlier versions,
retired during the year, show the version history."""

from __future__ import annotations

import datetime
import random

from emergency.bench import BenchPart, weekday
from emergency.models import Organization, OrganizationKind, Stage

from .choices import EventType, PlanCategory, PlanStatus
from .models import EmergencyPlan, default_next_revision

SCHOOL_PLANS_IN_FORCE = 2356
ALL_TYPES = [EventType.NATURAL, EventType.ACCIDENT, EventType.HEALTH, EventType.SOCIAL]

# (name, category, event types, issued (month, day) in or before the year, years before the demo year)
CITY_PLANS = [
    ("教育系统奥运安保和反恐工作应急预案", PlanCategory.SPECIAL, [EventType.SOCIAL], (6, 10), 0),
    ("教育系统突发公共事件应急预案", PlanCategory.COMPREHENSIVE, ALL_TYPES, (3, 3), 0),
    ("教育系统自然灾害类突发事件应急预案", PlanCategory.SPECIAL, [EventType.NATURAL], (9, 15), 1),
    ("学校安全事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT], (4, 20), 1),
    ("学校食品安全和传染病疫情应急预案", PlanCategory.SPECIAL, [EventType.HEALTH], (10, 8), 2),
    ("教育系统群体性事件应急预案", PlanCategory.SPECIAL, [EventType.SOCIAL], (12, 1), 2),
]

# (name after the school's own, category, event types, stages it does not apply to)
SCHOOL_PLANS = [
    ("突发公共事件总体应急预案", PlanCategory.COMPREHENSIVE, ALL_TYPES, ()),
    ("火灾事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT], ()),
    ("地震灾害应急预案", PlanCategory.SPECIAL, [EventType.NATURAL], ()),
    ("食物中毒事件应急预案", PlanCategory.SPECIAL, [EventType.HEALTH], ()),
    ("传染病疫情防控应急预案", PlanCategory.SPECIAL, [EventType.HEALTH], ()),
    ("拥挤踩踏事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT], ()),
    ("交通安全事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT], ()),
    ("防溺水安全事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT], (Stage.KINDERGARTEN,)),
    ("台风暴雨等极端天气应急预案", PlanCategory.SPECIAL, [EventType.NATURAL], ()),
    ("校园反恐防暴应急预案", PlanCategory.SPECIAL, [EventType.SOCIAL], ()),
    ("奥运期间安全稳定工作应急预案", PlanCategory.SPECIAL, [EventType.SOCIAL], ()),
    ("火灾现场处置方案", PlanCategory.ON_SITE, [EventType.ACCIDENT], ()),
    (
        "实验室危险化学品事故现场处置方案",
        PlanCategory.ON_SITE,
        [EventType.ACCIDENT],
        (Stage.KINDERGARTEN, Stage.PRIMARY),
    ),
    ("学生意外伤害现场处置方案", PlanCategory.ON_SITE, [EventType.ACCIDENT], ()),
]


def build(city: Organization, year: int) -> None:
    rng = random.Random(year)
    plans = []
    for name, category, types, (month, day), years_back in CITY_PLANS:
        issued = datetime.date(year - years_back, month, day)
        plans.append(_plan(city, name, category, types, issued, "2.0" if name == CITY_PLANS[1][0] else "1.0"))
    # The bureau's comprehensive plan of 2005, retired by the 2008 revision: its version history.
    plans.append(
        _plan(
            city,
            CITY_PLANS[1][0],
            PlanCategory.COMPREHENSIVE,
            ALL_TYPES,
            datetime.date(year - 3, 3, 1),
            "1.0",
            retired_on=plans[1].issued_on,
        )
    )
    schools = list(city.subtree().filter(kind=OrganizationKind.SCHOOL).order_by("path"))
    choices = {s.pk: [p for p in SCHOOL_PLANS if s.stage not in p[3]] for s in schools}
    counts = {s.pk: rng.randint(5, 9) if s.stage == Stage.KINDERGARTEN else rng.randint(6, 10) for s in schools}
    # Nudge the random counts to the seed's total, one plan at a time, within each school's range.
    while (total := sum(counts.values())) != SCHOOL_PLANS_IN_FORCE:
        school = rng.choice(schools)
        step = 1 if total < SCHOOL_PLANS_IN_FORCE else -1
        if 4 <= counts[school.pk] + step <= len(choices[school.pk]):
            counts[school.pk] += step
    for school in schools:
        picked = [choices[school.pk][0], *rng.sample(choices[school.pk][1:], counts[school.pk] - 1)]
        for name, category, types, _stages in picked:
            issued = _school_day(rng, datetime.date(year - 3, 9, 1), datetime.date(year, 12, 20))
            full_name = f"{school.name}{name}"
            if category == PlanCategory.COMPREHENSIVE and rng.random() < 0.15:
                # Revised this year: the earlier version was retired on the day the new one came out.
                issued = _school_day(rng, datetime.date(year, 2, 25), datetime.date(year, 11, 30))
                old = _school_day(rng, datetime.date(year - 5, 9, 1), datetime.date(year - 3, 8, 31))
                plans.append(_plan(school, full_name, category, types, old, "1.0", retired_on=issued))
                plans.append(_plan(school, full_name, category, types, issued, "2.0"))
            else:
                plans.append(_plan(school, full_name, category, types, issued, "1.0"))
    EmergencyPlan.objects.bulk_create(plans, batch_size=2000)


def _plan(org, name, category, types, issued, version, retired_on=None) -> EmergencyPlan:
    return EmergencyPlan(
        organization=org,
        name=name,
        category=category,
        event_types=list(types),
        issued_on=issued,
        version=version,
        next_revision_on=default_next_revision(issued),
        status=PlanStatus.RETIRED if retired_on else PlanStatus.CURRENT,
        retired_on=retired_on,
    )


def _school_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A weekday between two dates: plans are issued on working days."""
    day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return max(day, first)


# ---- the benchmark city (`bench_data`) -------------------------------------------------------

BENCH_PLANS = [
    ("突发公共事件总体应急预案", PlanCategory.COMPREHENSIVE, list(EventType.values)),
    ("火灾事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT]),
    ("地震灾害应急预案", PlanCategory.SPECIAL, [EventType.NATURAL]),
    ("食物中毒事件应急预案", PlanCategory.SPECIAL, [EventType.HEALTH]),
    ("校园反恐防暴应急预案", PlanCategory.SPECIAL, [EventType.SOCIAL]),
    ("火灾现场处置方案", PlanCategory.ON_SITE, [EventType.ACCIDENT]),
]


class Bench(BenchPart):
    """Six plans in force per school, issued in the year."""

    label = "预案"

    model = EmergencyPlan

    @staticmethod
    def school_rows(school, year, rng):
        for name, category, types in BENCH_PLANS:
            issued = weekday(datetime.date(year, rng.randint(1, 12), rng.randint(2, 28)))
            yield EmergencyPlan(
                organization=school,
                name=f"{school.name}{name}",
                category=category,
                event_types=types,
                issued_on=issued,
                version="1.0",
                next_revision_on=default_next_revision(issued),
                status=PlanStatus.CURRENT,
            )
