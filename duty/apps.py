from django.utils.translation import gettext_lazy as _lazy

from emergency import areas


class DutyConfig(areas.AreaConfig):
    name = "duty"
    verbose_name = _lazy("值班与信息报送")
    landing_url = "duty:dutyshift_list"
    menu = (
        (_lazy("月度值班表"), "duty:roster_month"),
        (_lazy("值班班次"), "duty:dutyshift_list"),
        (_lazy("排班"), "duty:roster_build"),
        (_lazy("值班覆盖检查"), "duty:coverage"),
        (_lazy("值班记录"), "duty:dutylog_list"),
        (_lazy("突发事件信息报送"), "duty:incident_list"),
    )
    imports = ("imports.DutyShiftImport",)
    dated = (("DutyShift", "date"), ("Incident", "occurred_at"))
    rules = (
        (_lazy("班次时间"), "conf.describe_shift_times"),
        (_lazy("事件初报时限"), "conf.describe_report_limits"),
        (_lazy("值班提醒"), "reminders.timing"),
    )
    reminders = ("reminders.SHIFTS_TOMORROW",)
    events = (("incident_report", _lazy("突发事件信息报送")),)
