"""Stock movements: the only way a stock line's quantity changes in the browser.

Every movement runs in one transaction holding the row lock (SELECT … FOR UPDATE) of each line
it touches, reads the quantity under that lock, refuses to go below zero, and writes the line and
its movement row together. Two people moving the same stock at once are served one after the
other; the second sees what the first left. A transfer locks both lines in id order, so two
opposite transfers cannot deadlock."""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.models import Organization

from .alerts import refresh_alerts
from .choices import MovementKind
from .models import CensusReturn, Stock, StockMovement

logger = logging.getLogger(__name__)


class MovementError(Exception):
    """A movement that cannot be made; the message says why, for the person making it."""


class InsufficientStock(MovementError):
    pass


def move_stock(
    stock: Stock | int,
    kind: str,
    quantity: int,
    reason: str,
    user,
    *,
    day: datetime.date | None = None,
    destination: Organization | None = None,
    destination_location: str | None = None,
    produced_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    census_return: CensusReturn | None = None,
    refresh: bool = True,
) -> StockMovement:
    """Make one movement and return its row (for a transfer, the outgoing one).

    `quantity` is the amount moved, or for 盘点 the quantity counted. A 入库 whose batch dates
    differ from a non-empty line's goes to that batch's own line at the same place. A 调拨 moves
    the quantity to `destination` (at `destination_location`, by default the same place name),
    onto the line of the same batch there, made if missing."""
    stock_id = stock.pk if isinstance(stock, Stock) else stock
    day = day or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise MovementError(_("请填写原因或用途"))
    if quantity < 0 or (quantity == 0 and kind != MovementKind.COUNT):
        raise MovementError(_("数量必须大于0"))
    if kind not in MovementKind.values:
        raise MovementError(_("未知的出入库类型"))
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        if kind == MovementKind.TRANSFER:
            movement = _transfer(stock_id, quantity, reason, actor, day, destination, destination_location)
        else:
            # Which line first, unlocked; then one lock on that line only: a movement never holds
            # one line while waiting for another.
            line = Stock.objects.select_related("organization").get(pk=stock_id)
            if kind == MovementKind.RECEIVE and _other_batch(line, produced_on, expires_on):
                line = _batch_line(line.organization, line, line.location, produced_on, expires_on, day)
            line = _locked([line.pk])[line.pk]
            if kind == MovementKind.RECEIVE and not line.quantity and (produced_on or expires_on):
                # An empty line refilled with a fresh batch takes that batch's dates.
                line.produced_on, line.expires_on = produced_on or line.produced_on, expires_on or line.expires_on
            change = {
                MovementKind.RECEIVE: quantity,
                MovementKind.ISSUE: -quantity,
                MovementKind.SCRAP: -quantity,
                MovementKind.COUNT: quantity - line.quantity,
            }[kind]
            _apply(line, change)
            movement = StockMovement.objects.create(
                organization_id=line.organization_id,
                stock=line,
                kind=kind,
                change=change,
                balance=line.quantity,
                happened_on=day,
                reason=reason,
                census_return=census_return,
                created_by=actor,
                updated_by=actor,
            )
        if refresh:
            orgs = {movement.organization_id}
            if movement.counterpart_id:
                orgs.add(Stock.objects.values_list("organization_id", flat=True).get(pk=movement.counterpart_id))
            # After commit: the alerts of the organisations touched follow the new quantities.
            transaction.on_commit(partial(_refresh_after_move, sorted(orgs)))
    return movement


def _refresh_after_move(orgs: list[int]) -> None:
    """The movement is committed whatever happens here; a failed refresh waits for the night's job."""
    try:
        refresh_alerts(orgs=orgs)
    except DatabaseError:
        logger.warning("supply alerts of %s not refreshed after a movement", orgs, exc_info=True)


def _apply(line: Stock, change: int) -> None:
    if line.quantity + change < 0:
        raise InsufficientStock(
            _("库存不足：%(item)s 现有 %(have)d%(unit)s，不能减少 %(want)d%(unit)s")
            % {"item": line, "have": line.quantity, "want": -change, "unit": line.item.unit}
        )
    line.quantity += change
    line.save(update_fields=["quantity", "produced_on", "expires_on", "updated_at"])


def _other_batch(line: Stock, produced_on, expires_on) -> bool:
    if not line.quantity:
        return False
    return (expires_on is not None and expires_on != line.expires_on) or (
        produced_on is not None and produced_on != line.produced_on
    )


def _batch_line(org: Organization, like: Stock, location: str, produced_on, expires_on, day) -> Stock:
    """The line at `org`/`location` holding `like`'s item of the batch with these dates, made if
    missing (named after its expiry date); not locked: the caller locks what it moves."""
    siblings = list(Stock.objects.filter(organization=org, item_id=like.item_id, location=location))
    for line in sorted(siblings, key=lambda s: s.batch != like.batch):
        if line.expires_on == expires_on and line.produced_on == produced_on:
            return line
    taken = {s.batch for s in siblings}
    batch = like.batch
    if batch in taken:
        base = f"{expires_on:%Y%m%d}" if expires_on else f"{day:%Y%m%d}"
        batch, n = base, 2
        while batch in taken:
            batch, n = f"{base}-{n}", n + 1
    line, _created = Stock.objects.get_or_create(
        organization=org,
        item_id=like.item_id,
        location=location,
        batch=batch,
        defaults={
            "produced_on": produced_on,
            "expires_on": expires_on,
            "keeper": like.keeper if org == like.organization else "",
        },
    )
    return line


def _locked(ids: list[int]) -> dict[int, Stock]:
    """Lock the lines, always in id order (the catalogue rows they join stay unlocked)."""
    rows = Stock.objects.select_related("item").select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {s.pk: s for s in rows}


def _transfer(stock_id, quantity, reason, actor, day, destination, destination_location) -> StockMovement:
    source = Stock.objects.select_related("item", "organization").get(pk=stock_id)
    if destination is None:
        raise MovementError(_("调拨必须填写调入单位"))
    if destination.pk == source.organization_id:
        raise MovementError(_("调入单位不能是本单位，同一单位内换存放地点请先出库再入库"))
    location = source.location if destination_location is None else destination_location.strip()
    target = _batch_line(destination, source, location, source.produced_on, source.expires_on, day)
    # Both lines locked in id order: A→B and B→A at the same moment wait for each other, never deadlock.
    locked = _locked([source.pk, target.pk])
    source, target = locked[source.pk], locked[target.pk]
    _apply(source, -quantity)
    _apply(target, quantity)
    common = {
        "kind": MovementKind.TRANSFER,
        "happened_on": day,
        "reason": reason,
        "created_by": actor,
        "updated_by": actor,
    }
    outgoing = StockMovement.objects.create(
        organization_id=source.organization_id,
        stock=source,
        change=-quantity,
        balance=source.quantity,
        counterpart=target,
        **common,
    )
    StockMovement.objects.create(
        organization_id=target.organization_id,
        stock=target,
        change=quantity,
        balance=target.quantity,
        counterpart=source,
        **common,
    )
    return outgoing
