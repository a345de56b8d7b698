"""Plain helpers for drills' tests."""

from __future__ import annotations

import datetime

from drills.models import Drill, DrillSchedule, ScheduledSchool


def make_drill(org, held="2025-03-10", drill_type="evacuation", name=None, **fields) -> Drill:
    held_on = datetime.date.fromisoformat(held)
    return Drill.objects.create(
        organization=org,
        name=name or f"{drill_type}演练{held}",
        held_on=held_on,
        drill_type=drill_type,
        drill_form=fields.pop("drill_form", "live"),
        students=fields.pop("students", 100),
        staff=fields.pop("staff", 10),
        **fields,
    )


def make_schedule(owner, schools, drill_type="earthquake", start="2025-05-12", end="2025-05-31", **fields):
    schedule = DrillSchedule.objects.create(
        organization=owner,
        title=fields.pop("title", f"{owner.name}防震演练安排"),
        drill_type=drill_type,
        planned_on=datetime.date.fromisoformat(start),
        deadline=datetime.date.fromisoformat(end),
        **fields,
    )
    ScheduledSchool.objects.bulk_create(ScheduledSchool(schedule=schedule, organization=s) for s in schools)
    return schedule
