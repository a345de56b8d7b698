from django.utils.translation import gettext_lazy as _lazy

from emergency import areas


class OutreachConfig(areas.AreaConfig):
    name = "outreach"
    verbose_name = _lazy("应急管理宣传")
    menu_label = _lazy("应急宣传")
    landing_url = "outreach:outreachevent_list"
    menu = (
        (_lazy("宣传活动"), "outreach:outreachevent_list"),
        (_lazy("宣传活动方案（宣传周）"), "outreach:outreachcampaign_list"),
    )
    imports = ("imports.OutreachImport",)
    dated = (("OutreachEvent", "held_on"),)
    home_items = ""  # nothing to do next about outreach
