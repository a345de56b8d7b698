from django.utils.translation import gettext_lazy as _

from emergency import areas


class OutreachConfig(areas.AreaConfig):
    name = "outreach"
    verbose_name = _("应急管理宣传")
    menu_label = _("应急宣传")
    landing_url = "outreach:outreachevent_list"
    menu = (
        (_("宣传活动"), "outreach:outreachevent_list"),
        (_("宣传活动方案（宣传周）"), "outreach:outreachcampaign_list"),
    )
    imports = ("imports.OutreachImport",)
    dated = (("OutreachEvent", "held_on"),)
    demo = "demo.build"
    bench = "demo.Bench"
    summary_section = "summary.summarize"
    dashboard_panel = "summary.panel"
    figures = "summary.FIGURES"
