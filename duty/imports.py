"""The duty roster as an import kind (`duty`, 值班表): one row per unit, day and 班次.

带班领导 is a name, found among the members of the row's organisation's leadership group as it
stood on the row's date; a name outside the group, or of a member who had left (or not yet
joined) by then, is a row error."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from emergency.imports import Choice, Date, ImportContext, ImportSpec, Org, Row, Text

from .choices import ShiftKind
from .models import DutyShift, LeaderResolver


class DutyShiftImport(ImportSpec):
    kind = "duty"
    label = "值班表"
    model = DutyShift
    key = ("organization", "date", "shift")
    export_related = ("organization", "leader")
    columns = [
        Org("单位代码", "organization", example="D01S001"),
        Date("日期", "date", required=True, example="2026-03-05"),
        Choice("班次", "shift", ShiftKind.choices, required=True, example="全天"),
        Text(
            "带班领导",
            "leader",
            required=True,
            max_length=50,
            help="本单位领导小组在该日在任成员的姓名",
            example="王建国",
        ),
        Text("值班人员1", "officer_1", required=True, max_length=50, example="李强"),
        Text("值班人员2", "officer_2", required=True, max_length=50, help="须与值班人员1不同", example="吴敏"),
        Text("联系电话", "phone", max_length=50, example="0532-85910000"),
    ]
    instructions = (
        "班次：白班、夜班或全天；同一单位同一日期同一班次只有一行，重复上传会更新这一行。",
        "带班领导须是本单位领导小组在该日在任的成员（已离开领导小组的成员不能带班）。",
        "双人双岗：值班人员1和值班人员2必须是两个不同的人，且不能是带班领导本人。",
    )

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        errors = []
        if values["officer_1"] == values["officer_2"]:
            errors.append(("值班人员2", _("与值班人员1是同一人，双人双岗须两名不同的值班人员")))
        if values["leader"] in (values["officer_1"], values["officer_2"]):
            errors.append(("带班领导", _("带班领导不能同时担任值班人员")))
        return errors

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        resolver = LeaderResolver.for_rows(
            (r.values["organization"].pk for r in rows), (r.values["leader"] for r in rows)
        )
        errors = []
        for row in rows:
            values = row.values
            try:
                values["_leader"] = resolver.resolve(values["organization"].pk, values["date"], values["leader"])
            except ValidationError as exc:
                errors.append(f"第{row.number}行 带班领导: {exc.messages[0]}")
        return errors

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, DutyShift]:
        lookup = {f"{f}__in": {self.row_key(r.values)[i] for r in rows} for i, f in enumerate(self.key)}
        return {
            (s.organization_id, s.date, s.shift): s
            for s in DutyShift.objects.filter(**lookup).select_related("leader").iterator(chunk_size=5000)
        }

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = {c.field: values[c.field] for c in self.columns}
        fields["leader"] = values["_leader"]
        fields["phone"] = fields["phone"] or ""
        return fields

    def export_values(self, obj: DutyShift) -> dict[str, Any]:
        # The leader as the member (compared by identity), shown by name in exports.
        return {c.field: getattr(obj, c.field) for c in self.columns}

    def export_rows(self, queryset):
        for row in super().export_rows(queryset):
            yield [cell.name if hasattr(cell, "group_id") else cell for cell in row]
