"""四、应急物资普查情况: the section of the annual summary for an organisation's subtree and a year.

Stock is counted as it stood on the last day of the year (or today, for the year still running):
the quantity now less every movement after that day, so a summary of a past year does not move
when this year's stock does."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from emergency import registry
from emergency.dashboard import Panel, metric, per_child, summed
from emergency.models import Organization, OrganizationKind
from emergency.registry import Figure, Period
from emergency.summary import Figure as SummaryFigure
from emergency.summary import (
    Outstanding,
    Rule,
    Section,
    Table,
    breakdown_by_child,
    breakdown_by_unit,
    detail_rows,
    labels,
    rate,
    year_range,
)

from .alerts import reserve_gaps
from .choices import AlertKind, MaintenanceKind, MovementKind, ReturnStatus, SupplyCategory
from .models import (
    CensusReturn,
    MaintenanceRecord,
    Stock,
    StockMovement,
    SupplyAlert,
    SupplyItem,
    alert_open_on,
    expired_on,
)

SCOPE_WORDS = {OrganizationKind.CITY: "全市教育系统", OrganizationKind.DISTRICT: "全区（县）教育系统"}


def reference_day(year: int) -> datetime.date:
    """The day a year's stock is counted on: 31 December, or today while the year runs."""
    return min(timezone.localdate(), datetime.date(year, 12, 31))


def lines_as_of(org: Organization, day: datetime.date):
    """The stock lines of `org`'s subtree, each with `held`: its quantity at the end of `day`."""
    return Stock.objects.in_subtree(org).held_on(day)


def on_day(org: Organization, period: Period):
    return lines_as_of(org, period.as_of)


STOCK = "supplies:stock_list"
FIGURES = (
    Figure(
        "supply_kinds",
        gettext_noop("应急物资种类数"),
        "种",
        Stock,
        lambda org, period: Q(held__gt=0),
        STOCK,
        lambda org, period: {"held_on": period.as_of.isoformat()},
        aggregate=lambda condition: Count("item", distinct=True, filter=condition),
        records=on_day,
    ),
    Figure(
        "expired_supplies",
        gettext_noop("过期物资数"),
        "批",
        Stock,
        lambda org, period: expired_on(period.as_of),
        STOCK,
        lambda org, period: {"expired_on": period.as_of.isoformat()},
        level="danger",
        records=on_day,
    ),
    Figure(
        "supply_alerts_below",
        gettext_noop("未解除的低于储备标准预警"),
        "条",
        SupplyAlert,
        lambda org, period: alert_open_on(period.as_of) & Q(kind=AlertKind.BELOW_STANDARD),
        "supplies:supplyalert_list",
        lambda org, period: {"open_on": period.as_of.isoformat(), "kind": AlertKind.BELOW_STANDARD},
        level="warning",
    ),
)


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    day = reference_day(year)
    section = Section(4, "应急物资")
    period = Period.of(year)
    figures = registry.figures
    lines = lines_as_of(org, day).filter(held__gt=0)
    expired = figures["expired_supplies"].condition(org, period)
    totals = lines.aggregate(
        lines=Count("id"),
        kinds=figures["supply_kinds"].measure(org, period),
        quantity=Coalesce(Sum("held"), 0),
        units=Count("organization", distinct=True),
        expired_lines=figures["expired_supplies"].measure(org, period),
        expired_quantity=Coalesce(Sum("held", filter=expired), 0),
    )
    by_category = {
        r["item__category"]: r
        for r in lines.values("item__category")
        .annotate(kinds=Count("item", distinct=True), quantity=Sum("held"))
        .order_by()
    }
    maintenance = MaintenanceRecord.objects.in_subtree(org).filter(done_on__gte=start, done_on__lt=end)
    maintenance_by_kind = dict(maintenance.values_list("kind").annotate(n=Count("id")).order_by())
    maintenance_total = sum(maintenance_by_kind.values())
    movements = StockMovement.objects.in_subtree(org).filter(happened_on__gte=start, happened_on__lt=end)
    moved = movements.aggregate(
        received=Coalesce(Sum("change", filter=Q(kind=MovementKind.RECEIVE, is_opening=False)), 0),
        scrapped=Coalesce(-Sum("change", filter=Q(kind=MovementKind.SCRAP)), 0),
        transferred=Coalesce(Sum("change", filter=Q(kind=MovementKind.TRANSFER, change__gt=0)), 0),
    )
    gaps = reserve_gaps(org, day, lines=lines_as_of(org, day))
    below_units = len({g.organization_id for g in gaps})
    returns = CensusReturn.objects.in_subtree(org).filter(census__opened_on__gte=start, census__opened_on__lt=end)
    census = returns.aggregate(
        units=Count("id"),
        answered=Count("id", filter=~Q(status=ReturnStatus.PENDING)),
        corrected=Count("id", filter=Q(status=ReturnStatus.CORRECTED)),
        censuses=Count("census", distinct=True),
    )
    census_rate = rate(census["answered"], census["units"])

    section.figures = [
        figures["supply_kinds"].row(totals["kinds"]),
        SummaryFigure("supply_quantity", "应急物资数量", totals["quantity"], "件"),
        *(
            SummaryFigure(
                f"supply_quantity_{value}", f"{label}数量", (by_category.get(value) or {}).get("quantity") or 0, "件"
            )
            for value, label in SupplyCategory.choices
        ),
        SummaryFigure("supply_units", "储备应急物资的单位数", totals["units"], "个"),
        figures["expired_supplies"].row(totals["expired_lines"]),
        SummaryFigure("expired_supply_quantity", "过期物资数量", totals["expired_quantity"], "件"),
        SummaryFigure("maintenance_count", "维护保养次数", maintenance_total, "次"),
        SummaryFigure("supplies_received", "入库补充物资数量", moved["received"], "件"),
        SummaryFigure("supplies_scrapped", "报废更新物资数量", moved["scrapped"], "件"),
        SummaryFigure("units_below_standard", "未达储备标准单位数", below_units, "个"),
        SummaryFigure("census_units", "物资普查应确认单位数", census["units"], "个"),
        SummaryFigure("census_answered", "物资普查已确认单位数", census["answered"], "个"),
        SummaryFigure("census_rate", "物资普查确认率", census_rate, "%"),
    ]

    section.tables.append(
        Table(
            "应急物资数量（按类别）",
            ["物资类别", "种类数", "数量"],
            [
                [
                    str(label),
                    (by_category.get(value) or {}).get("kinds") or 0,
                    (by_category.get(value) or {}).get("quantity") or 0,
                ]
                for value, label in SupplyCategory.choices
            ],
            sums={"数量": "supply_quantity"},
        )
    )
    measures = {
        "台账行数": Count("id"),
        "物资数量": Sum("held"),
        "过期批次": Count("id", filter=expired),
    }
    section.tables.append(breakdown_by_child(lines, org, measures, "应急物资（按下级单位）"))
    section.tables.append(
        breakdown_by_child(
            maintenance,
            org,
            {
                "维护保养次数": Count("id"),
                **{str(label): Count("id", filter=Q(kind=v)) for v, label in MaintenanceKind.choices},
            },
            "维护保养（按下级单位）",
        )
    )
    if census["units"]:
        section.tables.append(
            breakdown_by_child(
                returns,
                org,
                {
                    "应确认单位数": Count("id"),
                    "已确认单位数": Count("id", filter=~Q(status=ReturnStatus.PENDING)),
                    "更正单位数": Count("id", filter=Q(status=ReturnStatus.CORRECTED)),
                },
                "物资普查确认情况（按下级单位）",
            )
        )
    section.tables.append(_gap_table(gaps))
    section.tables.append(breakdown_by_unit(lines, measures, "应急物资（按单位）"))
    section.tables.append(
        Table(
            "应急物资台账",
            [
                "单位代码",
                "单位名称",
                "物资名称",
                "物资类别",
                "规格型号",
                "计量单位",
                "存放地点",
                "批次号",
                "数量",
                "生产日期",
                "有效期至",
                "上次检查日期",
            ],
            _ledger(lines),
            kind="detail",
            total=totals["lines"],
        )
    )
    section.rules = [
        Rule(
            "各类别物资数量之和等于应急物资数量",
            tuple(f"supply_quantity_{value}" for value in SupplyCategory.values),
            ("supply_quantity",),
        ),
        Rule("过期物资数量不超过应急物资数量", ("expired_supply_quantity",), ("supply_quantity",), at_most=True),
        Rule("物资普查已确认单位数不超过应确认单位数", ("census_answered",), ("census_units",), at_most=True),
    ]
    section.paragraphs = _narrative(
        org, totals, by_category, maintenance_by_kind, moved, below_units, census, census_rate
    )
    if maintenance_total:
        section.key_work.append(f"做好应急设施的维护和检测工作，全年维护保养检测{maintenance_total}次")
    section.outstanding = _outstanding(totals, below_units)
    return section


def _ledger(lines):
    categories = labels(SupplyCategory.choices)
    rows = lines.order_by("organization__path", "item__category", "item__name").values_list(
        "organization__code",
        "organization__name",
        "item__name",
        "item__category",
        "item__spec",
        "item__unit",
        "location",
        "batch",
        "held",
        "produced_on",
        "expires_on",
        "last_checked_on",
    )
    for code, unit, item, category, *rest in detail_rows(rows):
        yield [code, unit, item, categories.get(category, category), *rest]


def _gap_table(gaps) -> Table:
    orgs = {
        o.pk: o for o in Organization.objects.filter(pk__in={g.organization_id for g in gaps}).select_related("parent")
    }
    items = SupplyItem.objects.in_bulk({g.item_id for g in gaps})
    rows = [
        [
            orgs[g.organization_id].code,
            orgs[g.organization_id].name,
            orgs[g.organization_id].parent.name if orgs[g.organization_id].parent_id else "",
            str(items[g.item_id]),
            g.minimum,
            g.held,
            g.minimum - g.held,
        ]
        for g in sorted(gaps, key=lambda g: (orgs[g.organization_id].path, g.item_id))
    ]
    return Table(
        "未达储备标准的单位", ["单位代码", "单位名称", "上级单位", "物资", "储备标准", "可用数量", "缺口"], rows
    )


def _narrative(org, totals, by_category, maintenance_by_kind, moved, below_units, census, census_rate) -> list[str]:
    scope = SCOPE_WORDS.get(org.kind, "本校")
    sentence = f"对{scope}应急救援物资、装备进行了统计排查"
    if census["units"]:
        sentence += (
            f"，组织开展了应急物资普查，{census['units']}个单位中{census['answered']}个已确认或更正本单位物资数量"
            f"（确认率{census_rate}%"
            + (f"，其中{census['corrected']}个单位更正了数量）" if census["corrected"] else "）")
        )
    parts = "、".join(
        f"{label}{by_category[value]['quantity']}件"
        for value, label in SupplyCategory.choices
        if value in by_category and by_category[value]["quantity"]
    )
    kinds_sentence = f"共登记{totals['units']}个单位的应急物资{totals['kinds']}种、{totals['quantity']}件（套）"
    if parts:
        kinds_sentence += f"，其中{parts}"
    count = sum(maintenance_by_kind.values())
    detail = "、".join(
        f"{label}{maintenance_by_kind[value]}次"
        for value, label in MaintenanceKind.choices
        if maintenance_by_kind.get(value)
    )
    done = []
    if count:
        done.append(f"全年维护保养检测{count}次" + (f"（{detail}）" if detail else ""))
    if moved["received"]:
        done.append(f"入库补充物资{moved['received']}件")
    if moved["scrapped"]:
        done.append(f"报废更新物资{moved['scrapped']}件")
    paragraphs = [f"{sentence}，建立了应急物资储备数据库，{kinds_sentence}。"]
    if done:
        paragraphs.append(f"按规定进行了经常性维护、保养、补充和更新，{'，'.join(done)}。")
    gaps = []
    if below_units:
        gaps.append(f"对照储备标准，尚有{below_units}个单位的储备未达标准，需补充配齐")
    if totals["expired_lines"]:
        gaps.append(f"截至年底尚有过期物资{totals['expired_lines']}批、{totals['expired_quantity']}件，需及时报废更新")
    # The seed closes on equipment kept in good order: said as done only when nothing is expired or short.
    if gaps:
        paragraphs.append("；".join(gaps) + "，以保证应急救援器材和装备的完好。")
    else:
        paragraphs.append("保证了应急救援器材和装备的完好。")
    return paragraphs


def _outstanding(totals, below_units: int) -> list[Outstanding]:
    items = []
    if totals["expired_lines"]:
        items.append(
            Outstanding(
                f"{totals['expired_lines']}批、{totals['expired_quantity']}件应急物资已过有效期",
                "及时报废更新过期物资，定期检查应急物资有效期",
            )
        )
    if below_units:
        items.append(Outstanding(f"{below_units}个单位的应急物资储备未达标准", "对照储备标准补充配齐应急物资"))
    return items


def panel(org: Organization, year: int) -> Panel:
    """物资: kinds held and lines expired at the as-of date, alerts below the reserve standard open
    then (two queries)."""
    period = Period.of(year)
    figures = registry.figures
    # Grouped by item rather than COUNT(DISTINCT item): PostgreSQL sorts a province's 1.2 million
    # lines for a distinct count but hashes them into a few dozen items.
    expired = figures["expired_supplies"]
    held = lines_as_of(org, period.as_of).filter(held__gt=0)
    per_item = held.values("item").annotate(expired=expired.measure(org, period))
    by_item = {row.pop("item"): row for row in per_item.order_by()}
    alerts = figures["supply_alerts_below"]
    below = SupplyAlert.objects.in_subtree(org).aggregate(n=alerts.measure(org, period))["n"]
    result = Panel(_("应急物资"))
    result.metrics = [
        metric(org, period, "supply_kinds", len(by_item)),
        metric(org, period, "expired_supplies", summed(by_item)["expired"]),
        metric(org, period, "supply_alerts_below", below),
    ]
    result.columns = ["expired_supplies"]
    for code, row in per_child(held, org, n=expired.measure(org, period)).items():
        result.by_child.setdefault(code, {})["expired_supplies"] = row["n"]
    return result
