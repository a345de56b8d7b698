"""The daily job of the supplies area: refresh the alerts (expiry, reserve standards, inspections).

Run from Celery beat (the schedule is added in SuppliesConfig.ready()); safe to run twice, or
on two workers at once: `refresh_alerts` raises each open alert once and resolves the rest."""

from __future__ import annotations

from celery import shared_task

from emergency.models import Organization

from .alerts import refresh_alerts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_supply_alerts(org_id: int | None = None) -> dict:
    """Refresh the alerts of one organisation's subtree, or of every organisation."""
    root = Organization.objects.filter(pk=org_id).first() if org_id else None
    if org_id and root is None:
        return {"raised": 0, "resolved": 0, "still_open": 0}
    result = refresh_alerts(root)
    return {"raised": result.raised, "resolved": result.resolved, "still_open": result.still_open}
