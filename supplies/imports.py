"""应急物资 as an import kind (`supplies`): the template's columns, one row per stock line.

A row names its line by [单位, 物资名称, 规格型号, 存放地点] (the line without a batch number) and
its item in the shared catalogue by 物资名称 + 规格型号, which the import adds when it is new. A
quantity that differs from the ledger is written as a 盘点 movement, and a new line's quantity as
an 入库, so the ledger of movements always adds up to the stock."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.imports import (
    Choice,
    Column,
    Date,
    ImportContext,
    ImportSpec,
    Integer,
    Org,
    Row,
    Text,
    Validation,
    update_rows,
)

from .choices import DEFAULT_CHECK_INTERVAL_DAYS, MovementKind, SupplyCategory
from .models import Stock, StockMovement, SupplyItem

LINE_FIELDS = ["quantity", "produced_on", "expires_on", "last_checked_on", "keeper"]
# The engine takes a blank key cell for a missing key and then skips the row (and its duplicate
# check); 规格型号 and 存放地点 are optional parts of this key, so a blank one travels as BLANK.
BLANK = "\x00"


def plain(value: str) -> str:
    return "" if value == BLANK else value


class SupplyImport(ImportSpec):
    kind = "supplies"
    label = "应急物资"
    model = Stock
    key = ("organization", "item_name", "spec", "location")
    export_related = ("organization", "item")
    columns = [
        Org("单位代码", "organization", example="S0001"),
        Text("物资名称", "item_name", required=True, max_length=100, example="干粉灭火器"),
        Choice("物资类别", "category", SupplyCategory.choices, required=True, example="消防器材"),
        Text("规格型号", "spec", max_length=100, example="MFZ/ABC4"),
        Text("计量单位", "unit", max_length=20, example="具"),
        Integer("数量", "quantity", required=True, example=40),
        Text("存放地点", "location", max_length=100, example="教学楼一楼走廊"),
        Date("生产日期", "produced_on", past_only=True, example="2025-03-01"),
        Date("有效期至", "expires_on", example="2030-02-28"),
        Date("上次检查日期", "last_checked_on", past_only=True, example="2026-02-20"),
        Text("责任人", "keeper", max_length=50, example="张老师"),
    ]
    instructions = (
        "单位、物资名称、规格型号、存放地点相同的行是同一台账行；再次上传时数量不同，记为一次盘点。",
        "物资目录中已有的物资（物资名称+规格型号），物资类别和计量单位须与目录一致；目录中没有的会自动加入。",
        "同一地点分批存放的同种物资，请在网页上按批次登记入库；Excel 导入对应不分批次的台账行。",
    )

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        for name in ("spec", "location"):
            values[name] = values[name] or BLANK
        produced, expires = values.get("produced_on"), values.get("expires_on")
        if produced and expires and expires < produced:
            return [("有效期至", _("不能早于生产日期（%(d)s）") % {"d": produced.isoformat()})]
        return []

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        """Category and unit agree with the catalogue and within the file; a blank unit is the
        catalogue's."""
        catalogue = {
            (i.name, i.spec): i for i in SupplyItem.objects.filter(name__in={r.values["item_name"] for r in rows})
        }
        first_seen: dict[tuple, Row] = {}
        errors = []
        for row in rows:
            v = row.values
            key = (v["item_name"], plain(v["spec"]))
            known = catalogue.get(key)
            if known is None:
                earlier = first_seen.setdefault(key, row)
                if earlier is not row and earlier.values["category"] != v["category"]:
                    errors.append(
                        f"第{row.number}行 物资类别: " + _("与第%(n)d行同一物资的类别不一致") % {"n": earlier.number}
                    )
                continue
            if v["category"] != known.category:
                errors.append(
                    f"第{row.number}行 物资类别: "
                    + _("物资目录中“%(i)s”属于“%(c)s”") % {"i": known, "c": known.get_category_display()}
                )
            if not v["unit"]:
                v["unit"] = known.unit
            elif known.unit and v["unit"] != known.unit:
                errors.append(
                    f"第{row.number}行 计量单位: "
                    + _("物资目录中“%(i)s”的计量单位是“%(u)s”") % {"i": known, "u": known.unit}
                )
        return errors

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, Stock]:
        lines = Stock.objects.filter(
            organization_id__in={r.values["organization"].pk for r in rows},
            item__name__in={r.values["item_name"] for r in rows},
            batch="",
        ).select_related("organization", "item")
        return {
            (s.organization_id, s.item.name, s.item.spec or BLANK, s.location or BLANK): s
            for s in lines.iterator(chunk_size=5000)
        }

    def display(self, values: dict[str, Any], column: Column) -> str:
        return plain(super().display(values, column))

    def export_values(self, obj: Stock) -> dict[str, Any]:
        return {
            "organization": obj.organization,
            "item_name": obj.item.name,
            "category": obj.item.category,
            "spec": obj.item.spec,
            "unit": obj.item.unit,
            "quantity": obj.quantity,
            "location": obj.location,
            "produced_on": obj.produced_on,
            "expires_on": obj.expires_on,
            "last_checked_on": obj.last_checked_on,
            "keeper": obj.keeper,
        }

    def _items(self, rows: list[Row]) -> dict[tuple[str, str], SupplyItem]:
        """The catalogue entries the rows name, adding the new ones (concurrent imports adding the
        same item meet at the unique constraint and both use the one row)."""
        wanted = {(r.values["item_name"], plain(r.values["spec"])): r.values for r in rows}
        SupplyItem.objects.bulk_create(
            [
                SupplyItem(
                    name=name,
                    spec=spec,
                    category=v["category"],
                    unit=v["unit"] or "",
                    check_interval_days=DEFAULT_CHECK_INTERVAL_DAYS[v["category"]],
                )
                for (name, spec), v in wanted.items()
            ],
            ignore_conflicts=True,
        )
        items = SupplyItem.objects.filter(name__in={k[0] for k in wanted})
        return {(i.name, i.spec): i for i in items}

    def write(self, validation: Validation, user) -> None:
        actor = user if getattr(user, "pk", None) else None
        today = timezone.localdate()
        reason_new, reason_count = _("Excel导入建账"), _("Excel导入更正数量")
        items = self._items(validation.to_add + validation.to_update)
        new = [
            Stock(
                organization=row.values["organization"],
                item=items[(row.values["item_name"], plain(row.values["spec"]))],
                location=plain(row.values["location"]),
                quantity=row.values["quantity"],
                produced_on=row.values["produced_on"],
                expires_on=row.values["expires_on"],
                last_checked_on=row.values["last_checked_on"],
                keeper=row.values["keeper"],
                created_by=actor,
                updated_by=actor,
            )
            for row in validation.to_add
        ]
        Stock.objects.bulk_create(new, batch_size=2000)
        movements = [
            StockMovement(
                organization_id=line.organization_id,
                stock=line,
                kind=MovementKind.RECEIVE,
                change=line.quantity,
                balance=line.quantity,
                happened_on=today,
                reason=reason_new,
                is_opening=True,
                created_by=actor,
                updated_by=actor,
            )
            for line in new
            if line.quantity
        ]
        # Lines updated are locked first: a movement made meanwhile is counted, not overwritten.
        locked = {
            s.pk: s
            for s in Stock.objects.select_for_update()
            .filter(pk__in=[r.instance.pk for r in validation.to_update])
            .order_by("pk")  # the order every movement locks in
        }
        changed = []
        for row in validation.to_update:
            line = locked[row.instance.pk]
            before = line.quantity
            for name in LINE_FIELDS:
                setattr(line, name, row.values[name])
            line.updated_by, line.updated_at = actor, timezone.now()  # auto_now is for save() only
            changed.append(line)
            if line.quantity != before:
                movements.append(
                    StockMovement(
                        organization_id=line.organization_id,
                        stock=line,
                        kind=MovementKind.COUNT,
                        change=line.quantity - before,
                        balance=line.quantity,
                        happened_on=today,
                        reason=reason_count,
                        created_by=actor,
                        updated_by=actor,
                    )
                )
        update_rows(Stock, changed, [*LINE_FIELDS, "updated_by", "updated_at"])
        StockMovement.objects.bulk_create(movements, batch_size=2000)
