"""应急预案 as an Excel kind (`plans`): the template's columns, defaults for the optional ones, and
the version rule applied to what a file brings (a later version in force retires earlier ones)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from emergency.imports import Choice, Code, Date, ImportContext, ImportSpec, MultiChoice, Org, Row, Text, Validation

from .choices import EventType, PlanCategory, PlanStatus
from .models import EmergencyPlan, default_next_revision

DEFAULT_VERSION = "1.0"


class EmergencyPlanImport(ImportSpec):
    kind = "plans"
    label = "应急预案"
    model = EmergencyPlan
    key = ("organization", "name", "version")
    columns = [
        Org("单位代码", "organization", example="S0001"),
        Text("预案名称", "name", required=True, max_length=200, example="实验小学火灾事故应急预案"),
        Choice("预案类别", "category", PlanCategory.choices, required=True, example="专项应急预案"),
        MultiChoice("事件类型", "event_types", EventType.choices, example="事故灾难"),
        Date("发布日期", "issued_on", required=True, past_only=True, example="2026-03-01"),
        Code("版本号", "version", max_length=20, help="如 1.0、2.0；留空为 1.0", example="1.0"),
        Date("下次修订日期", "next_revision_on", help="日期；留空为发布日期加修订周期（3年）"),
        Choice("状态", "status", PlanStatus.choices, help="现行/修订中/已废止；留空为现行"),
        Text("备注", "remarks", max_length=1000),
    ]
    instructions = (
        "同一单位、同一预案名称的不同版本号是同一预案的不同版本；较新的“现行”版本导入后，较早的版本自动改为“已废止”。",
        "事件类型可填多个，用顿号“、”分隔，如：自然灾害、事故灾难。",
    )

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        # Defaults go in here so the natural key and the comparison with stored rows see them.
        values["version"] = values.get("version") or DEFAULT_VERSION
        values["status"] = values.get("status") or PlanStatus.CURRENT
        if values.get("next_revision_on") is None:
            values["next_revision_on"] = default_next_revision(values["issued_on"])
        elif values["next_revision_on"] < values["issued_on"]:
            return [("下次修订日期", _("早于发布日期"))]
        return []

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        """Rows superseded by a later version in force (in the file or already stored) are shown
        and written as retired, as the write would leave them anyway."""
        latest: dict[tuple[int, str], Any] = {}
        in_file = {r.key for r in rows}
        pairs = {(r.values["organization"].pk, r.values["name"]) for r in rows}
        # Narrowed by organisations and names, matched exactly below: one query for any file size.
        stored = EmergencyPlan.objects.filter(
            organization_id__in={p[0] for p in pairs}, name__in={p[1] for p in pairs}, status=PlanStatus.CURRENT
        ).only("organization_id", "name", "version", "issued_on")
        for plan in stored:
            if (plan.organization_id, plan.name) in pairs and (
                plan.organization_id,
                plan.name,
                plan.version,
            ) not in in_file:
                group = (plan.organization_id, plan.name)
                latest[group] = max(latest.get(group, plan.issued_on), plan.issued_on)
        for row in rows:
            if row.values["status"] == PlanStatus.CURRENT:
                group = (row.values["organization"].pk, row.values["name"])
                latest[group] = max(latest.get(group, row.values["issued_on"]), row.values["issued_on"])
        for row in rows:
            group = (row.values["organization"].pk, row.values["name"])
            if row.values["status"] != PlanStatus.RETIRED and row.values["issued_on"] < latest.get(
                group, row.values["issued_on"]
            ):
                row.values["status"] = PlanStatus.RETIRED
        return []

    def write(self, validation: Validation, user) -> None:
        super().write(validation, user)
        rows = validation.to_add + validation.to_update
        if rows:
            EmergencyPlan.objects.filter(
                organization_id__in={r.values["organization"].pk for r in rows},
                name__in={r.values["name"] for r in rows},
            ).settle_versions()
