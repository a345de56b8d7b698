"""隐患 as an import kind ("hazards"): the columns of its template.

Two things go beyond the column types: 排查行动 is named by its title and resolved among the
campaigns the row's organisation takes part in, and 状态 may only set the states an import is
allowed to set (IMPORT_STATES); later steps of the loop need a person and happen in the browser."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.imports import Choice, Date, ImportContext, ImportSpec, Org, Row, Text, Validation

from .choices import IMPORT_STATES, HazardAction, HazardCategory, HazardLevel, HazardStatus
from .models import Hazard, HazardTransition, InspectionCampaign

IMPORT_COMMENT = "Excel导入"


class HazardImport(ImportSpec):
    kind = "hazards"
    label = "隐患"
    model = Hazard
    key = ("organization", "found_on", "description")
    export_related = ("organization", "campaign")
    columns = [
        Org("单位代码", "organization", example="D01S001"),
        Text("排查行动", "campaign", max_length=200, help="排查行动的名称；可留空", example="春节前学校安全自查"),
        Date("发现日期", "found_on", required=True, past_only=True, example="2026-03-05"),
        Choice("隐患类别", "category", HazardCategory.choices, required=True, example="消防安全"),
        Choice(
            "隐患等级",
            "level",
            HazardLevel.choices,
            help="从下拉列表选择；留空为一般隐患；重大隐患必须填写整改期限",
            example="一般隐患",
        ),
        Text("隐患描述", "description", required=True, max_length=500, example="教学楼二楼灭火器压力不足"),
        Text("隐患位置", "location", max_length=200, example="教学楼二楼东侧"),
        Text("整改责任人", "responsible", max_length=50, example="王老师"),
        Text("整改措施", "measures", max_length=2000, example="更换灭火器并建立月检记录"),
        Date("整改期限", "deadline", example="2026-03-20"),
        Date("整改完成日期", "rectified_on", past_only=True, example=""),
        Choice(
            "状态",
            "status",
            HazardStatus.choices,
            help="导入只能设为“待整改”或“整改中”；留空：新隐患为待整改，已有隐患不变",
            example="待整改",
        ),
    ]
    instructions = (
        "状态：导入只能把新隐患设为“待整改”或“整改中”（留空为待整改），或把已有的“待整改”隐患改为“整改中”；"
        "“待复查”和“已销号”只能在系统中通过“提交复查”“复查销号”办理，导入不能设置。已有隐患的状态列留空或与系统一致时不变。",
        "排查行动：填排查行动的名称，须是本行单位自己组织的，或上级单位组织且范围包括本行单位的；"
        "上下级有同名行动时取最近一级单位组织的。可留空。",
        "隐患等级为“重大隐患”时必须填写整改期限；整改期限和整改完成日期不能早于发现日期。",
        "已销号的隐患不能通过导入修改。",
    )

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        errors = []
        found_on, deadline, done = values["found_on"], values["deadline"], values["rectified_on"]
        if values["level"] == HazardLevel.MAJOR and deadline is None:
            errors.append(("整改期限", _("重大隐患必须填写整改期限")))
        if deadline and deadline < found_on:
            errors.append(("整改期限", _("不能早于发现日期")))
        if done and done < found_on:
            errors.append(("整改完成日期", _("不能早于发现日期")))
        return errors

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        errors = self._resolve_campaigns(rows)
        ctx.hazards = self._stored(rows)
        labels = dict(HazardStatus.choices)
        compare = [c.field for c in self.columns if c.field not in self.key and c.field != "status"]
        for row in rows:
            values, stored = row.values, ctx.hazards.get(row.key)
            wanted = values["status"]
            where = f"第{row.number}行 状态: "
            if stored is None:
                values["status"] = wanted or HazardStatus.PENDING
                if values["status"] not in IMPORT_STATES:
                    errors.append(
                        where
                        + _("导入只能把新隐患设为“待整改”或“整改中”，“%(s)s”须在系统中办理") % {"s": labels[wanted]}
                    )
                continue
            current = stored.status
            values["status"] = wanted or current
            allowed = {current} | ({HazardStatus.RECTIFYING} if current == HazardStatus.PENDING else set())
            if values["status"] not in allowed:
                errors.append(
                    where
                    + _("隐患现为“%(c)s”，导入不能改为“%(s)s”") % {"c": labels[current], "s": labels[values["status"]]}
                )
            elif current == HazardStatus.CLOSED:
                fresh, now = self.prepare(values), self.export_values(stored)
                if any(_differs(now[f], fresh[f]) for f in compare):
                    errors.append(f"第{row.number}行: " + _("隐患已销号，不能通过导入修改"))
        return errors

    def _resolve_campaigns(self, rows: list[Row]) -> list[str]:
        """Replace each 排查行动 title by the campaign the row's organisation takes part in; the
        nearest organiser wins when a district and the city both run one of that name."""
        titles = {r.values["campaign"] for r in rows if r.values["campaign"]}
        by_title = defaultdict(list)
        campaigns = InspectionCampaign.objects.filter(title__in=titles).select_related("organization")
        for campaign in campaigns.prefetch_related("scope"):
            by_title[campaign.title].append(campaign)
        errors = []
        for row in rows:
            title = row.values["campaign"]
            if not title:
                row.values["campaign"] = None
                continue
            org = row.values["organization"]
            candidates = [c for c in by_title.get(title, ()) if c.covers(org)]
            if not candidates:
                errors.append(
                    f"第{row.number}行 排查行动: "
                    + _("“%(t)s”不存在，或不是%(o)s或其上级单位组织、范围包括%(o)s的排查行动") % {"t": title, "o": org}
                )
                continue
            row.values["campaign"] = max(candidates, key=lambda c: c.organization.depth)
        return errors

    def _stored(self, rows: list[Row]) -> dict[tuple, Hazard]:
        """The hazards already stored under the rows' natural keys, in one query."""
        if not rows:
            return {}
        lookup = {f"{f}__in": {k[i] for k in (r.key for r in rows)} for i, f in enumerate(self.key)}
        keys = {r.key for r in rows}
        found = {}
        for hazard in Hazard.objects.filter(**lookup).select_related("campaign").iterator(chunk_size=5000):
            key = (hazard.organization_id, hazard.found_on, hazard.description.strip())
            if key in keys:
                found[key] = hazard
        return found

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, Hazard]:
        return ctx.hazards

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = {c.field: values[c.field] for c in self.columns}
        fields["level"] = fields["level"] or HazardLevel.GENERAL
        fields["status"] = fields["status"] or HazardStatus.PENDING
        return fields

    def export_rows(self, queryset):
        position = next(i for i, c in enumerate(self.columns) if c.field == "campaign")
        for row in super().export_rows(queryset):
            row[position] = row[position].title if row[position] else ""
            yield row

    def write(self, validation: Validation, user) -> None:
        """New hazards with their registration (and start, when imported as 整改中) in their
        transitions; an existing 待整改 hazard imported as 整改中 gets its start step too."""
        now = timezone.now()
        new = []
        for row in validation.to_add:
            new.append(Hazard(**self.prepare(row.values), created_by=user, updated_by=user))
        Hazard.objects.bulk_create(new, batch_size=2000)
        steps = []
        for hazard in new:
            steps.append(self._step(hazard, HazardAction.REGISTER, "", HazardStatus.PENDING, user, now))
            if hazard.status == HazardStatus.RECTIFYING:
                steps.append(self._step(hazard, HazardAction.START, HazardStatus.PENDING, hazard.status, user, now))
        for row in validation.to_update:
            if "status" in row.changed:  # the only change of state check_rows lets through
                steps.append(
                    self._step(row.instance, HazardAction.START, row.instance.status, row.values["status"], user, now)
                )
        ImportSpec.write(self, Validation(to_update=validation.to_update), user)
        HazardTransition.objects.bulk_create(steps, batch_size=2000)

    @staticmethod
    def _step(hazard, action, source, target, user, at) -> HazardTransition:
        return HazardTransition(
            hazard=hazard, action=action, from_status=source, to_status=target, user=user, at=at, comment=IMPORT_COMMENT
        )


def _differs(current: Any, new: Any) -> bool:
    if hasattr(current, "pk") or hasattr(new, "pk"):
        return getattr(current, "pk", current) != getattr(new, "pk", new)
    if current in (None, "") and new in (None, ""):
        return False
    return current != new
