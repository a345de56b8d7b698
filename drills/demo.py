"""The demo city's drills for the demo year: the seed counts "80余次" across the schools, so 83
drills with realistic dates (term time, 5·12 earthquake drills, 11·9 fire drills, drowning drills
before the summer, anti-terror drills before the Olympics), types and participants; two bureau
schedules; and a few plans flagged for revision by drills that found problems.

With 83 drills for 300 schools the monthly requirement is far from met: the compliance page
shows the demo city as it is, mostly behind."""

from __future__ import annotations

import datetime
import random

from emergency.bench import BenchPart, weekday
from emergency.models import Organization, OrganizationKind, Stage
from plans.models import EmergencyPlan

from .choices import DrillForm, DrillType
from .models import Drill, DrillSchedule, ScheduledSchool

DEMO_DRILLS = 83
FIRE_DISTRICT = "D01"  # 市南区 schedules a fire drill for its schools around 11·9
# Drills per month of the demo year (83 in all): none in the winter and summer holidays.
MONTHS = {3: 9, 4: 8, 5: 20, 6: 10, 9: 12, 10: 8, 11: 12, 12: 4}
# Month → (drill type, weight) of the drills held then.
TYPES_BY_MONTH = {
    3: [(DrillType.EVACUATION, 4), (DrillType.FIRE, 3), (DrillType.STAMPEDE, 2)],
    4: [(DrillType.EVACUATION, 3), (DrillType.FIRE, 2), (DrillType.FOOD_SAFETY, 1), (DrillType.STAMPEDE, 1)],
    5: [(DrillType.EARTHQUAKE, 8), (DrillType.EVACUATION, 1)],
    6: [(DrillType.DROWNING, 4), (DrillType.ANTI_TERROR, 4), (DrillType.EVACUATION, 1)],
    9: [(DrillType.EVACUATION, 5), (DrillType.FOOD_SAFETY, 2), (DrillType.STAMPEDE, 2)],
    10: [(DrillType.EVACUATION, 3), (DrillType.EARTHQUAKE, 2), (DrillType.OTHER, 1)],
    11: [(DrillType.FIRE, 8), (DrillType.EVACUATION, 1)],
    12: [(DrillType.FIRE, 2), (DrillType.EVACUATION, 2)],
}
NAMES = {
    DrillType.EVACUATION: "应急疏散演练",
    DrillType.FIRE: "消防安全疏散演练",
    DrillType.EARTHQUAKE: "防震减灾应急疏散演练",
    DrillType.STAMPEDE: "防拥挤踩踏疏散演练",
    DrillType.ANTI_TERROR: "奥运安保反恐防暴演练",
    DrillType.DROWNING: "防溺水安全演练",
    DrillType.FOOD_SAFETY: "食物中毒事件处置演练",
    DrillType.OTHER: "校车安全应急演练",
}
# The school plan each type of drill exercises (suffix of the plan's name, see plans/demo.py).
PLAN_FOR_TYPE = {
    DrillType.EVACUATION: "突发公共事件总体应急预案",
    DrillType.FIRE: "火灾事故应急预案",
    DrillType.EARTHQUAKE: "地震灾害应急预案",
    DrillType.STAMPEDE: "拥挤踩踏事故应急预案",
    DrillType.ANTI_TERROR: "校园反恐防暴应急预案",
    DrillType.DROWNING: "防溺水安全事故应急预案",
    DrillType.FOOD_SAFETY: "食物中毒事件应急预案",
}
PROBLEMS = [
    "部分班级疏散路线不熟悉，东侧楼梯口出现拥堵",
    "应急广播音量不足，教学楼北侧听不清指令",
    "个别学生未按要求弯腰捂口鼻撤离",
    "集合点清点人数用时过长，班主任上报不及时",
    "消防器材取用不熟练，部分灭火器压力不足",
]


def build(city: Organization, year: int) -> None:
    rng = random.Random(year * 7 + 3)
    schools = list(city.subtree().filter(kind=OrganizationKind.SCHOOL).order_by("path"))
    plans = {
        (p.organization_id, p.name): p
        for p in EmergencyPlan.objects.in_subtree(city).school_level().in_force().only("pk", "organization_id", "name")
    }
    drills, seen, flagged = [], set(), []
    for month, count in MONTHS.items():
        types, weights = zip(*TYPES_BY_MONTH[month], strict=True)
        for _ in range(count):
            drill_type = rng.choices(types, weights)[0]
            pool = [s for s in schools if not _unsuited(s, drill_type)]
            if month == 11 and drill_type == DrillType.FIRE and rng.random() < 0.5:
                pool = [s for s in pool if s.code.startswith(FIRE_DISTRICT)]  # answering its schedule
            school = rng.choice(pool)
            held_on = _day(rng, year, month, drill_type)
            name = f"{year}年{month}月{NAMES[drill_type]}"
            if (school.pk, name, held_on) in seen:
                held_on += datetime.timedelta(days=1 if held_on.weekday() < 4 else 3)
            seen.add((school.pk, name, held_on))
            drills.append(_drill(rng, school, drill_type, name, held_on, plans))
            if drills[-1].problems_found and drills[-1].plan and len(flagged) < 6:
                flagged.append(drills[-1])
    Drill.objects.bulk_create(drills)
    for drill in flagged:
        plan = drill.plan
        EmergencyPlan.objects.filter(pk=plan.pk).update(needs_revision=True, revision_note=drill.plan_revision_reason())
    _schedules(city, year, schools)


def _unsuited(school: Organization, drill_type: str) -> bool:
    return school.stage == Stage.KINDERGARTEN and drill_type in (DrillType.DROWNING, DrillType.ANTI_TERROR)


def _day(rng: random.Random, year: int, month: int, drill_type: str) -> datetime.date:
    if month == 5 and drill_type == DrillType.EARTHQUAKE:
        first, last = 19, 30  # after 5·12, within the bureau's scheduled window
    elif month == 11 and drill_type == DrillType.FIRE:
        first, last = 3, 14  # around 11·9, the national fire-safety day
    elif month == 9:
        first, last = 8, 28
    else:
        first, last = 3, 26
    day = datetime.date(year, month, rng.randint(first, last))
    while day.weekday() >= 5:  # drills are held on school days
        day -= datetime.timedelta(days=1)
    return day


def _drill(rng, school, drill_type, name, held_on, plans) -> Drill:
    tabletop = drill_type in (DrillType.FOOD_SAFETY, DrillType.OTHER) and rng.random() < 0.6
    whole_school = drill_type in (DrillType.EVACUATION, DrillType.FIRE, DrillType.EARTHQUAKE, DrillType.STAMPEDE)
    students = school.students or 600
    staff = school.staff_count or 40
    if tabletop:
        form, students_taking_part, staff_taking_part = DrillForm.TABLETOP, 0, rng.randint(8, min(30, staff))
    elif whole_school:
        form = DrillForm.COMBINED if rng.random() < 0.2 else DrillForm.LIVE
        students_taking_part = int(students * rng.uniform(0.85, 1.0))
        staff_taking_part = int(staff * rng.uniform(0.7, 1.0))
    else:
        form = DrillForm.LIVE
        students_taking_part = int(students * rng.uniform(0.1, 0.4))
        staff_taking_part = int(staff * rng.uniform(0.2, 0.5))
    plan = plans.get((school.pk, f"{school.name}{PLAN_FOR_TYPE.get(drill_type, '')}"))
    problems = rng.choice(PROBLEMS) if whole_school and rng.random() < 0.2 else ""
    return Drill(
        organization=school,
        name=name,
        held_on=held_on,
        drill_type=drill_type,
        drill_form=form,
        plan=plan,
        students=students_taking_part,
        staff=staff_taking_part,
        duration_minutes=rng.choice([15, 20, 25, 30, 40, 45, 60]) if not tabletop else rng.choice([60, 90, 120]),
        problems_found=problems,
    )


def _schedules(city: Organization, year: int, schools: list[Organization]) -> None:
    """The city asked every school for an earthquake drill after 5·12; 市南区 a fire drill around 11·9."""
    district = Organization.objects.get(code=FIRE_DISTRICT)
    quake = DrillSchedule.objects.create(
        organization=city,
        title="全市学校防震减灾应急疏散演练",
        drill_type=DrillType.EARTHQUAKE,
        planned_on=datetime.date(year, 5, 19),
        deadline=datetime.date(year, 5, 31),
        notes="汶川地震后，各校在5月底前组织一次全员防震应急疏散演练。",
    )
    fire = DrillSchedule.objects.create(
        organization=district,
        title="“119”消防安全疏散演练",
        drill_type=DrillType.FIRE,
        planned_on=datetime.date(year, 11, 3),
        deadline=datetime.date(year, 11, 14),
        notes="围绕11月9日全国消防日，各校组织一次消防安全疏散演练。",
    )
    ScheduledSchool.objects.bulk_create(
        [ScheduledSchool(schedule=quake, organization=s) for s in schools]
        + [ScheduledSchool(schedule=fire, organization=s) for s in schools if s.parent_id == district.pk]
    )


# ---- the benchmark city (`bench_data`) -------------------------------------------------------


class Bench(BenchPart):
    """A live drill a month per school, its type turning with the month."""

    label = "演练"

    model = Drill

    @staticmethod
    def school_rows(school, year, rng):
        types = list(DrillType.values)
        for month in range(1, 13):
            drill_type = types[(month + school.pk) % len(types)]
            students = school.students or 600
            yield Drill(
                organization=school,
                name=f"{year}年{month}月{DrillType(drill_type).label}演练",
                held_on=weekday(datetime.date(year, month, rng.randint(3, 27))),
                drill_type=drill_type,
                drill_form=DrillForm.LIVE,
                students=int(students * rng.uniform(0.5, 1.0)),
                staff=rng.randint(10, 80),
                duration_minutes=rng.choice([15, 20, 30, 45]),
                problems_found="疏散时东侧楼梯口拥堵" if rng.random() < 0.15 else "",
            )
