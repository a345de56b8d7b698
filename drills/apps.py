from django.utils.translation import gettext_lazy as _lazy

from emergency import areas

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


class DrillsConfig(areas.AreaConfig):
    name = "drills"
    verbose_name = _lazy("应急演练")
    landing_url = "drills:drill_list"
    menu = (
        (_lazy("全部演练"), "drills:drill_list"),
        (_lazy("演练达标情况"), "drills:compliance"),
        (_lazy("演练安排"), "drills:drillschedule_list"),
        (_lazy("新增演练"), "drills:drill_add"),
    )
    imports = ("imports.DrillImport",)
    dated = (("Drill", "held_on"),)
    cached = (("drill_compliance", "compliance.build_compliance"),)
    reminders = ("reminders.MISSING",)
    rules = ((_lazy("演练提醒"), "reminders.timing"),)
    after_migrate = ("apps.seed_requirements",)
