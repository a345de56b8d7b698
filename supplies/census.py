"""物资普查: opening a census (one return per organisation asked) and answering it (confirm the
counts as they stand, or correct some — each correction a 盘点 movement that points back here)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.models import Organization, OrganizationKind

from .choices import MovementKind, ReturnStatus
from .models import CensusReturn, Stock, SupplyCensus
from .movements import move_stock


def open_returns(census: SupplyCensus, user) -> int:
    """A return for every school below the organising bureau and every office there that keeps
    stock (the bureau's own warehouse included); returns the number made. Safe to repeat."""
    org = census.organization
    lines = dict(Stock.objects.in_subtree(org).values_list("organization_id").annotate(n=Count("id")).order_by())
    asked = Organization.objects.subtree_of(org).filter(Q(kind=OrganizationKind.SCHOOL) | Q(pk__in=list(lines)))
    actor = user if getattr(user, "pk", None) else None
    made = CensusReturn.objects.bulk_create(
        [
            CensusReturn(
                census=census,
                organization_id=pk,
                lines=lines.get(pk, 0),
                created_by=actor,
                updated_by=actor,
            )
            for pk in asked.values_list("pk", flat=True).iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(made)


def answer(census_return: CensusReturn, counted: dict[int, int], user, note: str = "") -> int:
    """Take an organisation's answer: `counted` maps its stock lines to the quantities found.
    Lines whose count differs are corrected by 盘点; returns how many were corrected."""
    with transaction.atomic():
        ret = CensusReturn.objects.select_for_update().select_related("census").get(pk=census_return.pk)
        lines = Stock.objects.filter(organization_id=ret.organization_id)
        corrected = 0
        reason = _("物资普查更正（%(c)s）") % {"c": ret.census.title}
        for line in lines.filter(pk__in=list(counted)).select_related("item"):
            if counted[line.pk] != line.quantity:
                move_stock(line, MovementKind.COUNT, counted[line.pk], reason, user, census_return=ret)
                corrected += 1
        ret.corrections += corrected
        ret.status = ReturnStatus.CORRECTED if ret.corrections else ReturnStatus.CONFIRMED
        ret.lines = lines.count()
        ret.confirmed_on = timezone.localdate()
        ret.confirmed_by = user if getattr(user, "pk", None) else None
        ret.updated_by = ret.confirmed_by
        ret.note = note.strip()[:200]
        ret.save()
    census_return.refresh_from_db()
    return corrected
