from celery.schedules import crontab
from django.conf import settings
from django.utils.translation import gettext_lazy as _lazy

from . import areas


class EmergencyConfig(areas.AreaConfig):
    """The core declares its own parts as an area does: the tree and the accounts, the leadership
    group's figures and summary section, and the figure cache's values."""

    name = "emergency"
    verbose_name = _lazy("应急管理工作台")
    imports = ("organizations.OrganizationImport", "accounts.UserImport")
    demo = "demo.build_leadership"
    bench = home_items = ""  # the tree comes with the bench city; the core's to-do lines are the areas'
    summary_section = "summary.summarize_organisation"
    dashboard_panel = "dashboard.organisation_panel"
    figures = "dashboard.ORGANISATION_FIGURES"
    cached = (("dashboard", "dashboard.build_figures"), ("todo", "dashboard.build_todo"))
    beat_jobs = (
        ("sweep-jobs", "emergency.tasks.sweep_jobs", settings.JOB_LEASE_SECONDS / 2),
        # Early enough that the morning's messages are there when people arrive.
        ("send-reminders", "emergency.tasks.send_reminders", crontab(hour=7, minute=0)),
        ("deliver-messages", "emergency.tasks.deliver_messages", 60.0),
        ("purge-messages", "emergency.tasks.purge_messages", crontab(hour=3, minute=20)),
    )

    def ready(self) -> None:
        super().ready()
        from . import cache
        from .tasks import refresh_figures

        # The worker's task, given here: tasks imports the cache, so the cache must not import it.
        cache.register_refresher(refresh_figures)
