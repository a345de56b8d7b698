from django.utils.translation import gettext_lazy as _lazy

from emergency import areas


class PlansConfig(areas.AreaConfig):
    name = "plans"
    verbose_name = _lazy("应急预案")
    landing_url = "plans:emergencyplan_list"
    menu = (
        (_lazy("全部预案"), "plans:emergencyplan_list"),
        (_lazy("修订提醒"), "plans:emergencyplan_review"),
        (_lazy("新增预案"), "plans:emergencyplan_add"),
    )
    imports = ("imports.EmergencyPlanImport",)
    reminders = ("reminders.REVISION_COMING", "reminders.REVISION_LATE")
    rules = ((_lazy("预案修订提醒"), "reminders.timing"),)
