from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _lazy

FOCUS_PERIODS = [
    ("春节", ""),
    ("两会", ""),
    ("五一", "“五·一”"),
    ("十一", "“十一”"),
    ("重大活动", ""),
    ("北京奥运会", ""),
    ("春季开学", ""),
    ("秋季开学", ""),
    ("汛期", ""),
    ("寒暑假", ""),
]
DEPARTMENTS = ["教育", "公安", "交通", "卫生", "消防", "工商", "市场监管", "住建", "城管", "安监"]


def seed_managed_lists(sender, **kwargs) -> None:
    """The managed lists' first entries (the seed's sensitive periods, the departments that join
    inspections), added where missing after every migrate and test flush; kept in the admin."""
    from .models import Department, FocusPeriod

    for order, (name, narrative) in enumerate(FOCUS_PERIODS, start=1):
        FocusPeriod.objects.get_or_create(name=name, defaults={"narrative_name": narrative, "sort_order": order})
    for order, name in enumerate(DEPARTMENTS, start=1):
        Department.objects.get_or_create(name=name, defaults={"sort_order": order})


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _lazy("隐患排查整治")

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from drills.models import Drill
        from emergency import registry
        from emergency.dashboard import register_panel
        from emergency.summary import register_section

        from . import demo, summary, views
        from .imports import HazardImport
        from .models import Hazard, InspectionCampaign

        registry.register_area(
            registry.Area(
                "hazards",
                _lazy("隐患排查"),
                "hazards:hazard_list",
                links=(
                    (_lazy("隐患"), "hazards:hazard_list"),
                    (_lazy("排查行动"), "hazards:inspectioncampaign_list"),
                    (_lazy("隐患督办"), "hazards:supervision"),
                    (_lazy("督办与提醒"), "hazards:hazardnotice_list"),
                ),
            )
        )
        registry.register_import(HazardImport())
        registry.register_dated(Hazard, "found_on")
        registry.register_dated(InspectionCampaign, "start_date")
        registry.register_demo("hazards", demo.build)
        registry.register_bench("hazards", demo.Bench)
        register_section("hazards", summary.summarize)
        register_panel("hazards", summary.panel)
        registry.register_figures(*summary.FIGURES)
        registry.register_home_panel(views.home_panel)
        # On a drill's page: a hazard found in the drill is registered with the drill filled in.
        registry.register_record_action(
            Drill,
            registry.RecordAction(
                _lazy("登记演练中发现的隐患"), "hazards:hazard_add", "drill", "report-hazard", style="outline-danger"
            ),
        )
        post_migrate.connect(seed_managed_lists, sender=self)
        # Early in the morning, so the day's home pages already show what became overdue.
        settings.CELERY_BEAT_SCHEDULE["hazards-mark-overdue"] = {
            "task": "hazards.tasks.mark_overdue_hazards",
            "schedule": crontab(hour=1, minute=10),
        }
