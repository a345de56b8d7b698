"""Plain helpers for plans' and drills' tests."""

from __future__ import annotations

import datetime

from plans.models import EmergencyPlan


def make_plan(org, name="火灾事故应急预案", *, issued="2025-03-01", version="1.0", **fields) -> EmergencyPlan:
    plan = EmergencyPlan(
        organization=org,
        name=name,
        category=fields.pop("category", "special"),
        event_types=fields.pop("event_types", ["accident"]),
        issued_on=datetime.date.fromisoformat(issued),
        version=version,
        **fields,
    )
    plan.save()
    return plan
