from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _lazy("应急管理宣传")

    def ready(self) -> None:
        from emergency import registry
        from emergency.dashboard import register_panel
        from emergency.summary import register_section

        from . import demo, summary
        from .imports import OutreachImport
        from .models import OutreachEvent

        registry.register_area(
            registry.Area(
                "outreach",
                _lazy("应急宣传"),
                "outreach:outreachevent_list",
                links=(
                    (_lazy("宣传活动"), "outreach:outreachevent_list"),
                    (_lazy("宣传活动方案（宣传周）"), "outreach:outreachcampaign_list"),
                ),
            )
        )
        registry.register_import(OutreachImport())
        registry.register_dated(OutreachEvent, "held_on")
        registry.register_demo("outreach", demo.build)
        registry.register_bench("outreach", demo.Bench)
        register_section("outreach", summary.summarize)
        register_panel("outreach", summary.panel)
        registry.register_figures(*summary.FIGURES)
