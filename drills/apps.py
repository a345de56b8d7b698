from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _lazy

STAGES = ["kindergarten", "primary", "junior", "senior", "nine_year", "complete", "vocational", "special"]
BASIS = "教育部办公厅《中小学幼儿园应急疏散演练指南》（教基一厅〔2014〕2号）"


def seed_requirements(sender, **kwargs) -> None:
    """The requirement per 学段 with the national guideline's defaults (中小学每月、幼儿园每季度至少一次
    应急疏散演练), added where missing after every migrate and test flush; changed later in the admin."""
    from .models import DrillRequirement

    for stage in STAGES:
        DrillRequirement.objects.get_or_create(
            stage=stage,
            defaults={
                "period": "quarter" if stage == "kindergarten" else "month",
                "min_count": 1,
                "drill_types": ["evacuation", "fire", "earthquake"],
                "exempt_months": [],
                "basis": BASIS,
            },
        )


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _lazy("应急演练")

    def ready(self) -> None:
        from emergency import cache, registry
        from emergency.dashboard import register_panel
        from emergency.summary import register_section

        from . import compliance, demo, summary
        from .imports import DrillImport
        from .models import Drill
        from .views import home_panel

        registry.register_area(
            registry.Area(
                "drills",
                _lazy("应急演练"),
                "drills:drill_list",
                links=(
                    (_lazy("全部演练"), "drills:drill_list"),
                    (_lazy("演练达标情况"), "drills:compliance"),
                    (_lazy("演练安排"), "drills:drillschedule_list"),
                    (_lazy("新增演练"), "drills:drill_add"),
                ),
            )
        )
        registry.register_import(DrillImport())
        registry.register_dated(Drill, "held_on")
        registry.register_demo("drills", demo.build)
        registry.register_bench("drills", demo.Bench)
        registry.register_home_panel(home_panel)
        register_section("drills", summary.summarize)
        register_panel("drills", summary.panel)
        registry.register_figures(*summary.FIGURES)
        cache.register("drill_compliance", compliance.build_compliance)
        post_migrate.connect(seed_requirements, sender=self)
