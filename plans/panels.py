"""The home page's to-do lines about plans: the dashboard's figures of plans to revise."""

from __future__ import annotations

from emergency import registry
from emergency.registry import HomeItem


def home_items(user) -> list[HomeItem]:
    """Plans in the user's scope to revise as of today: late, due soon, or flagged by a drill (one
    query), the dashboard's figures."""
    return registry.todo_lines(
        user, ("plans_overdue", "danger"), ("plans_due", "warning"), ("plans_flagged", "warning")
    )
