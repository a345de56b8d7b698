"""Plain helpers for the hazard tests: a campaign, a hazard, a hazard walked to a given state."""

from __future__ import annotations

import datetime
from typing import Any

from hazards.choices import CampaignKind, HazardAction, HazardStatus
from hazards.models import Department, FocusPeriod, Hazard, HazardTransition, InspectionCampaign

TODAY = datetime.date.today


def focus_period(name: str) -> FocusPeriod:
    # Seeded by a data migration, but a transactional test elsewhere in the run empties the tables.
    narrative = {"五一": "“五·一”", "十一": "“十一”"}.get(name, "")
    order = ["春节", "两会", "五一", "十一"]
    return FocusPeriod.objects.get_or_create(
        name=name, defaults={"narrative_name": narrative, "sort_order": order.index(name) + 1 if name in order else 9}
    )[0]


def department(name: str) -> Department:
    order = ["教育", "公安", "交通", "卫生", "消防", "工商"]
    return Department.objects.get_or_create(name=name, defaults={"sort_order": order.index(name) + 1})[0]


def make_campaign(
    org, title: str = "春节前安全自查", kind: str = CampaignKind.SELF, **fields: Any
) -> InspectionCampaign:
    scope = fields.pop("scope", [])
    departments = fields.pop("departments", [])
    fields.setdefault("start_date", datetime.date(2026, 1, 10))
    if "focus_period" not in fields:
        fields["focus_period"] = focus_period("春节")
    campaign = InspectionCampaign.objects.create(organization=org, title=title, kind=kind, **fields)
    campaign.scope.set(scope)
    campaign.departments.set([department(n) for n in departments])
    return campaign


def make_hazard(org, description: str = "教学楼灭火器压力不足", **fields: Any) -> Hazard:
    fields.setdefault("found_on", datetime.date(2026, 1, 15))
    fields.setdefault("category", "fire")
    hazard = Hazard.objects.create(organization=org, description=description, **fields)
    HazardTransition.objects.create(hazard=hazard, action=HazardAction.REGISTER, to_status=hazard.status)
    return hazard


def walk(hazard: Hazard, status: str, owner, reviewer=None) -> Hazard:
    """Take a hazard through the loop, as `owner` (school side) and `reviewer`, up to `status`."""
    order = [HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.REVIEW, HazardStatus.CLOSED]
    for target in order[order.index(hazard.status) + 1 : order.index(status) + 1]:
        if target == HazardStatus.RECTIFYING:
            hazard.start_rectification(owner)
        elif target == HazardStatus.REVIEW:
            hazard.submit_for_review(owner, rectified_on=hazard.found_on, measures="更换灭火器")
        else:
            hazard.close(reviewer)
    hazard.refresh_from_db()
    return hazard
