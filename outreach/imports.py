"""宣传活动 as an import kind (`outreach`): the template's columns, one row per event, matched
by [单位, 活动名称, 活动日期]. A new event held during a campaign of its organisation or of a
bureau above it is linked to that campaign."""

from __future__ import annotations

from typing import Any

from emergency.imports import Choice, Date, ImportSpec, Integer, MultiChoice, Org, Text, Validation

from .choices import OutreachForm, Topic
from .models import COUNTS, OutreachCampaign, OutreachEvent


class OutreachImport(ImportSpec):
    kind = "outreach"
    label = "宣传活动"
    model = OutreachEvent
    key = ("organization", "name", "held_on")
    columns = [
        Org("单位代码", "organization", example="S0001"),
        Text("活动名称", "name", required=True, max_length=100, example="应急管理宣传周主题班会"),
        Date("活动日期", "held_on", required=True, past_only=True, example="2026-03-24"),
        Choice("活动形式", "form", OutreachForm.choices, required=True, example="班队会"),
        MultiChoice("宣传主题", "topics", Topic.choices, example="防火、防震、交通"),
        Integer("参与人数", "participants", example=650),
        Integer("横幅(条)", "banners", example=2),
        Integer("挂图(套)", "posters", example=5),
        Integer("展板(块)", "boards", example=2),
        Integer("宣传单(张)", "leaflets", example=100),
        Text("备注", "notes", max_length=1000, example=""),
    ]
    instructions = (
        "宣传主题可填多个，用顿号“、”分隔，例如：防火、防震、交通。",
        "活动日期在本单位或上级单位的宣传活动（如应急管理宣传周）期间的，自动归入该宣传活动。",
    )

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = {c.field: values[c.field] for c in self.columns}
        for name in COUNTS:
            fields[name] = fields[name] or 0  # a blank count is none handed out
        fields["topics"] = list(dict.fromkeys(fields["topics"] or []))
        if values.get("campaign"):
            fields["campaign"] = values["campaign"]
        return fields

    def write(self, validation: Validation, user) -> None:
        rows = validation.to_add
        if rows:
            days = [r.values["held_on"] for r in rows]
            campaigns = list(
                OutreachCampaign.objects.filter(starts_on__lte=max(days), ends_on__gte=min(days))
                .select_related("organization")
                .order_by("-organization__depth")
            )
            for row in rows:
                org, day = row.values["organization"], row.values["held_on"]
                # The nearest bureau's campaign first: a district's own week before the city's.
                row.values["campaign"] = next(
                    (
                        c
                        for c in campaigns
                        if org.path.startswith(c.organization.path) and c.starts_on <= day <= c.ends_on
                    ),
                    None,
                )
        super().write(validation, user)
