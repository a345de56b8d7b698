from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _lazy

from emergency import areas
from emergency.registry import RecordAction

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


class HazardsConfig(areas.AreaConfig):
    name = "hazards"
    verbose_name = _lazy("隐患排查整治")
    menu_label = _lazy("隐患排查")
    landing_url = "hazards:hazard_list"
    menu = (
        (_lazy("隐患"), "hazards:hazard_list"),
        (_lazy("排查行动"), "hazards:inspectioncampaign_list"),
        (_lazy("隐患督办"), "hazards:supervision"),
        (_lazy("督办与提醒"), "hazards:hazardnotice_list"),
    )
    imports = ("imports.HazardImport",)
    dated = (("Hazard", "found_on"), ("InspectionCampaign", "start_date"))
    # On a drill's page: a hazard found in the drill is registered with the drill filled in.
    record_actions = (
        (
            "drills.Drill",
            RecordAction(
                _lazy("登记演练中发现的隐患"), "hazards:hazard_add", "drill", "report-hazard", "outline-danger"
            ),
        ),
    )
    reminders = ("reminders.DEADLINE_COMING", "reminders.DEADLINE_PASSED", "reminders.LONG_OVERDUE")
    rules = ((_lazy("隐患整改提醒"), "reminders.timing"),)
    # Early in the morning, so the day's home pages already show what became overdue.
    beat_jobs = (("hazards-mark-overdue", "hazards.tasks.mark_overdue_hazards", crontab(hour=1, minute=10)),)
    after_migrate = ("apps.seed_managed_lists",)
