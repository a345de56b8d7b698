"""Plain helpers for the duty tests: a leadership group, its members, shifts and incidents."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from duty.models import DutyShift, Incident
from emergency.models import LeadershipGroup, LeadershipMember, Organization

D = datetime.date.fromisoformat


def at(text: str) -> datetime.datetime:
    """An aware Asia/Shanghai time from "2026-03-05 08:00"."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=timezone.get_default_timezone())


def make_group(org: Organization, established: str = "2025-12-01") -> LeadershipGroup:
    return LeadershipGroup.objects.create(
        organization=org, name=f"{org.name}应急管理工作领导小组", established_on=D(established)
    )


def make_member(
    group: LeadershipGroup, name: str, role: str = "deputy", joined: str = "2025-12-01", left: str | None = None
) -> LeadershipMember:
    return LeadershipMember.objects.create(
        group=group,
        name=name,
        title="局长" if role == "leader" else "副局长",
        group_role=role,
        joined_on=D(joined),
        left_on=D(left) if left else None,
    )


def make_shift(org, day: str, leader, shift: str = "full", officers=("甲", "乙"), **fields) -> DutyShift:
    return DutyShift.objects.create(
        organization=org,
        date=D(day),
        shift=shift,
        leader=leader,
        officer_1=officers[0],
        officer_2=officers[1],
        **fields,
    )


def make_incident(
    org, title: str = "校门口积水", level: str = "general", known: str = "2026-03-05 08:00", **fields
) -> Incident:
    known_at = at(known)
    defaults = dict(
        incident_type="natural",
        occurred_at=known_at - datetime.timedelta(minutes=10),
        place="校门口",
        description="暴雨致校门口积水",
        deaths=0,
        injuries=0,
        property_loss=Decimal("0"),
    )
    defaults.update(fields)
    return Incident.objects.create(organization=org, title=title, level=level, known_at=known_at, **defaults)
