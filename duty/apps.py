from django.utils.translation import gettext_lazy as _

from emergency import areas


class DutyConfig(areas.AreaConfig):
    name = "duty"
    verbose_name = _("值班与信息报送")
    landing_url = "duty:dutyshift_list"
    menu = (
        (_("月度值班表"), "duty:roster_month"),
        (_("值班班次"), "duty:dutyshift_list"),
        (_("排班"), "duty:roster_build"),
        (_("值班覆盖检查"), "duty:coverage"),
        (_("值班记录"), "duty:dutylog_list"),
        (_("突发事件信息报送"), "duty:incident_list"),
    )
    imports = ("imports.DutyShiftImport",)
    dated = (("DutyShift", "date"), ("Incident", "occurred_at"))
    demo = "demo.build"
    bench = "demo.Bench"
    home_items = "panels.home_items"
    summary_section = "summary.summarize"
    dashboard_panel = "summary.panel"
    figures = "summary.FIGURES"
    rules = ((_("班次时间"), "conf.describe_shift_times"), (_("事件初报时限"), "conf.describe_report_limits"))
