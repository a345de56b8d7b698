"""Supply alerts: which conditions hold now, and bringing the stored alerts in line with them.

`refresh_alerts` is what the daily Celery job runs (and what a movement runs for the
organisations it touched): it raises an alert for each condition not yet open, resolves the open
ones that no longer hold, and leaves the rest alone — so running it twice changes nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.models import Organization, OrganizationKind

from .choices import AlertKind
from .models import ReserveStandard, Stock, SupplyAlert, SupplyItem, expiry_warning_days


@dataclass(frozen=True)
class Condition:
    kind: str
    organization_id: int
    item_id: int
    stock_id: int | None
    quantity: int
    due_on: datetime.date | None
    detail: str

    @property
    def key(self) -> tuple:
        return (self.kind, self.organization_id, self.item_id, self.stock_id)


@dataclass(frozen=True)
class Gap:
    """An organisation holding less usable stock of an item than its reserve standard asks."""

    organization_id: int
    item_id: int
    held: int
    minimum: int
    standard_id: int


def _scope(root: Organization | None, orgs: Iterable[int] | None, field: str = "organization") -> Q:
    if orgs is not None:
        return Q(**{f"{field}_id__in": list(orgs)})
    if root is not None:
        return Q(**{f"{field}__path__startswith": root.path})
    return Q()


def _ancestor_paths(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def reserve_gaps(
    root: Organization | None,
    today: datetime.date,
    orgs: Iterable[int] | None = None,
    lines: QuerySet | None = None,
) -> list[Gap]:
    """Every (organisation, item) in scope below the reserve standard that applies to it, on
    `today`: by current quantities, or by `lines` annotated with `held` (the summary's year end).

    Three queries: the organisations, the standards set above or inside the scope, and the usable
    quantities grouped by organisation and item."""
    organisations = Organization.objects.all()
    if orgs is not None:
        organisations = organisations.filter(pk__in=list(orgs))
    elif root is not None:
        organisations = organisations.subtree_of(root)
    targets = list(organisations.values("pk", "path", "kind", "stage"))
    if not targets:
        return []
    setter_paths = {p for t in targets for p in _ancestor_paths(t["path"])}
    standards = list(ReserveStandard.objects.filter(organization__path__in=setter_paths).select_related("organization"))
    if not standards:
        return []
    by_setter: dict[str, list[ReserveStandard]] = defaultdict(list)
    for s in standards:
        by_setter[s.organization.path].append(s)
    applicable: dict[tuple[int, int], ReserveStandard] = {}
    ranks: dict[tuple[int, int], tuple[int, int, int]] = {}
    for org in targets:
        for depth, setter in enumerate(_ancestor_paths(org["path"])):
            for s in by_setter.get(setter, ()):
                if s.target_id:
                    fits = s.target_id == org["pk"]
                elif s.stage:
                    fits = org["kind"] == OrganizationKind.SCHOOL and org["stage"] == s.stage
                else:
                    fits = org["kind"] == OrganizationKind.SCHOOL
                if not fits:
                    continue
                key = (org["pk"], s.item_id)
                # Most specific first; among equals the nearest setter (deeper), then the larger minimum.
                rank = (s.specificity, depth, s.minimum)
                if key not in ranks or rank > ranks[key]:
                    ranks[key], applicable[key] = rank, s
    # Usable stock of the items standards name, where standards apply.
    amount = "quantity" if lines is None else "held"
    lines = Stock.objects.all() if lines is None else lines
    held = {
        (r["organization_id"], r["item_id"]): r["n"]
        for r in lines.filter(organization_id__in={k[0] for k in applicable}, item_id__in={k[1] for k in applicable})
        .usable(today)
        .values("organization_id", "item_id")
        .annotate(n=Sum(amount))
        .order_by()
    }
    return [
        Gap(org_id, item_id, held.get((org_id, item_id), 0), s.minimum, s.pk)
        for (org_id, item_id), s in sorted(applicable.items())
        if held.get((org_id, item_id), 0) < s.minimum
    ]


def current_conditions(
    root: Organization | None, today: datetime.date, orgs: Iterable[int] | None = None
) -> dict[tuple, Condition]:
    """Every condition that holds on `today` in scope, keyed as the open alerts are."""
    orgs = list(orgs) if orgs is not None else None
    found: dict[tuple, Condition] = {}
    horizon = today + datetime.timedelta(days=expiry_warning_days())
    lines = (
        Stock.objects.filter(_scope(root, orgs))
        .holding()
        .values_list(
            "pk",
            "organization_id",
            "item_id",
            "quantity",
            "expires_on",
            "last_checked_on",
            "created_at",
            "item__check_interval_days",
            "item__unit",
        )
    )
    for pk, org_id, item_id, quantity, expires_on, checked, created, interval, unit in lines.iterator(2000):
        condition = None
        if expires_on and expires_on < today:
            condition = Condition(
                AlertKind.EXPIRED,
                org_id,
                item_id,
                pk,
                quantity,
                expires_on,
                _("%(n)d%(u)s已于%(d)s过期，请报废更新") % {"n": quantity, "u": unit, "d": expires_on.isoformat()},
            )
        elif expires_on and expires_on <= horizon:
            condition = Condition(
                AlertKind.EXPIRING,
                org_id,
                item_id,
                pk,
                quantity,
                expires_on,
                _("%(n)d%(u)s将于%(d)s过期") % {"n": quantity, "u": unit, "d": expires_on.isoformat()},
            )
        if condition:
            found[condition.key] = condition
        if expires_on and expires_on < today:
            continue  # an expired item is to be scrapped, not inspected
        since = checked or timezone.localdate(created)
        due = since + datetime.timedelta(days=interval)
        if due < today:
            text = (
                _("上次检查%(d)s，应于%(due)s前再次检查") % {"d": checked.isoformat(), "due": due.isoformat()}
                if checked
                else _("登记后从未检查，应于%(due)s前检查") % {"due": due.isoformat()}
            )
            overdue = Condition(AlertKind.INSPECTION_OVERDUE, org_id, item_id, pk, quantity, due, text)
            found[overdue.key] = overdue
    gaps = reserve_gaps(root, today, orgs)
    units = dict(SupplyItem.objects.filter(pk__in={g.item_id for g in gaps}).values_list("pk", "unit"))
    for g in gaps:
        unit = units.get(g.item_id, "")
        condition = Condition(
            AlertKind.BELOW_STANDARD,
            g.organization_id,
            g.item_id,
            None,
            g.held,
            None,
            _("储备标准%(m)d%(u)s，可用%(h)d%(u)s，缺%(d)d%(u)s")
            % {"m": g.minimum, "h": g.held, "d": g.minimum - g.held, "u": unit},
        )
        found[condition.key] = condition
    return found


@dataclass
class RefreshResult:
    raised: int = 0
    resolved: int = 0
    still_open: int = 0


def refresh_alerts(
    root: Organization | None = None, *, orgs: Iterable[int] | None = None, today: datetime.date | None = None
) -> RefreshResult:
    """Bring the open alerts of `root`'s subtree (or of exactly `orgs`, or of everything) in line
    with the conditions holding on `today`. Safe to run any number of times, also concurrently:
    open alerts are locked while compared, and a duplicate insert is ignored by the unique index."""
    today = today or timezone.localdate()
    orgs = list(orgs) if orgs is not None else None
    result = RefreshResult()
    with transaction.atomic():
        wanted = current_conditions(root, today, orgs)
        open_alerts = {
            (a.kind, a.organization_id, a.item_id, a.stock_id): a
            # Locked in id order, so two refreshes of overlapping scopes queue rather than deadlock.
            for a in SupplyAlert.objects.open().filter(_scope(root, orgs)).select_for_update().order_by("pk")
        }
        gone = [a.pk for key, a in open_alerts.items() if key not in wanted]
        result.resolved = SupplyAlert.objects.filter(pk__in=gone).update(resolved_on=today)
        changed = []
        for key, alert in open_alerts.items():
            c = wanted.get(key)
            if c and (alert.detail, alert.quantity, alert.due_on) != (c.detail, c.quantity, c.due_on):
                alert.detail, alert.quantity, alert.due_on = c.detail, c.quantity, c.due_on
                changed.append(alert)
        SupplyAlert.objects.bulk_update(changed, ["detail", "quantity", "due_on"], batch_size=2000)
        new = [
            SupplyAlert(
                organization_id=c.organization_id,
                kind=c.kind,
                item_id=c.item_id,
                stock_id=c.stock_id,
                quantity=c.quantity,
                due_on=c.due_on,
                detail=c.detail,
                raised_on=today,
            )
            for key, c in wanted.items()
            if key not in open_alerts
        ]
        SupplyAlert.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        result.raised = len(new)
        result.still_open = len(open_alerts) - len(gone)
    return result
