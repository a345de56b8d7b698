from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _lazy


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _lazy("应急管理工作台")

    def ready(self) -> None:
        from . import cache, registry
        from .accounts import UserImport
        from .dashboard import ORGANISATION_FIGURES, build_figures, build_todo, organisation_panel, register_panel
        from .demo import build_leadership
        from .organizations import OrganizationImport
        from .summary import register_section, summarize_organisation
        from .tasks import refresh_figures

        settings.CELERY_BEAT_SCHEDULE["sweep-jobs"] = {
            "task": "emergency.tasks.sweep_jobs",
            "schedule": settings.JOB_LEASE_SECONDS / 2,
        }
        registry.register_import(OrganizationImport())
        registry.register_import(UserImport())
        registry.register_demo("emergency", build_leadership)
        register_section("emergency", summarize_organisation)
        register_panel("emergency", organisation_panel)
        registry.register_figures(*ORGANISATION_FIGURES)
        cache.register("dashboard", build_figures)
        cache.register("todo", build_todo)
        # The worker's task, given here: tasks imports the cache, so the cache must not import it.
        cache.register_refresher(refresh_figures)
