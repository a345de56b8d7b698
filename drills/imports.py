"""应急演练 as an Excel kind (`drills`): the template's columns; 关联预案 is a plan name resolved
within the drill's own organisation (its version in force), and an unknown name is a row error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from emergency.imports import Choice, Column, Date, ImportContext, ImportSpec, Integer, Org, Row, Text
from plans.models import EmergencyPlan

from .choices import DrillForm, DrillType
from .models import Drill


class DrillImport(ImportSpec):
    kind = "drills"
    label = "应急演练"
    model = Drill
    key = ("organization", "name", "held_on")
    export_related = ("organization", "plan")
    columns = [
        Org("单位代码", "organization", example="S0001"),
        Text("演练名称", "name", required=True, max_length=200, example="春季消防疏散演练"),
        Date("演练日期", "held_on", required=True, past_only=True, example="2026-03-20"),
        Choice("演练类型", "drill_type", DrillType.choices, required=True, example="消防"),
        Choice("演练形式", "drill_form", DrillForm.choices, example="实战演练"),
        Text(
            "关联预案",
            "plan",
            max_length=200,
            help="本单位已登记的应急预案名称（取现行版本）；留空表示不关联",
            example="实验小学火灾事故应急预案",
        ),
        Integer("参演学生人数", "students", example=1200),
        Integer("参演教职工人数", "staff", example=86),
        Integer("时长(分钟)", "duration_minutes", example=30),
        Text("发现问题", "problems_found", max_length=2000, example="东侧楼梯口疏散时拥堵"),
        Text("备注", "remarks", max_length=1000),
    ]
    instructions = (
        "关联预案填写本单位应急预案的名称，须先在“应急预案”中登记（可先上传预案表）。",
        "同一单位、同一演练名称、同一演练日期视为同一次演练，重复上传会更新而不是新增。",
    )

    def examples(self, user) -> dict[str, Any]:
        """One of the unit's plans in force as 关联预案, or none when the unit has no plan yet."""
        examples = super().examples(user)
        org = getattr(user, "organization", None)
        if org is not None:
            plan = EmergencyPlan.objects.filter(organization=org).in_force().order_by("-issued_on", "-pk").first()
            examples["plan"] = plan.name if plan else ""
        return examples

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        values["drill_form"] = values.get("drill_form") or ""
        return []

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        """Plan names to plans of the row's organisation, in one query for the whole file."""
        wanted = {(r.values["organization"].pk, r.values["plan"]) for r in rows if r.values["plan"]}
        plans = EmergencyPlan.objects.current_named(wanted)
        errors = []
        for row in rows:
            name = row.values["plan"]
            if not name:
                row.values["plan"] = None
                continue
            plan = plans.get((row.values["organization"].pk, name))
            if plan is None:
                errors.append(
                    f"第{row.number}行 关联预案: "
                    + _("%(o)s没有名为“%(n)s”的应急预案") % {"o": row.values["organization"].name, "n": name}
                )
            row.values["plan"] = plan
        return errors

    def display(self, values: dict[str, Any], column: Column) -> str:
        if column.field == "plan":
            plan = values.get("plan")
            return plan.name if isinstance(plan, EmergencyPlan) else (plan or "")
        return super().display(values, column)

    def export_values(self, obj: models.Model) -> dict[str, Any]:
        # The plan by its id: compared with the resolved plan without loading it; shown by name.
        values = {c.field: getattr(obj, c.field) for c in self.columns if c.field != "plan"}
        values["plan"] = obj.plan_id
        return values

    def export_rows(self, queryset: Iterable[Drill]) -> Iterable[list]:
        index = [c.field for c in self.columns].index("plan")
        for drill in queryset:
            row = next(iter(super().export_rows([drill])))
            row[index] = drill.plan.name if drill.plan_id else ""
            yield row
