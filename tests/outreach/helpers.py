"""Small makers for the outreach tests."""

from __future__ import annotations

import datetime

from emergency.models import Document
from outreach.models import OutreachCampaign, OutreachEvent


def make_campaign(org, name="应急管理宣传周", starts="2026-03-23", days=7, **fields) -> OutreachCampaign:
    start = datetime.date.fromisoformat(starts)
    return OutreachCampaign.objects.create(
        organization=org, name=name, starts_on=start, ends_on=start + datetime.timedelta(days=days - 1), **fields
    )


def make_plan(org, title="应急管理宣传周活动方案") -> Document:
    return Document.objects.create(
        organization=org, title=title, kind="activity_plan", issued_on=datetime.date(2026, 3, 1)
    )


def make_event(org, name="主题班会", held_on="2026-03-24", form="class_meeting", **fields) -> OutreachEvent:
    fields.setdefault("topics", ["fire", "earthquake"])
    return OutreachEvent.objects.create(
        organization=org, name=name, held_on=datetime.date.fromisoformat(held_on), form=form, **fields
    )
