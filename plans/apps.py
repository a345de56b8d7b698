from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _lazy("应急预案")

    def ready(self) -> None:
        from emergency import registry
        from emergency.dashboard import register_panel
        from emergency.summary import register_section

        from . import demo, summary
        from .imports import EmergencyPlanImport
        from .views import home_panel

        registry.register_area(
            registry.Area(
                "plans",
                _lazy("应急预案"),
                "plans:emergencyplan_list",
                links=(
                    (_lazy("全部预案"), "plans:emergencyplan_list"),
                    (_lazy("修订提醒"), "plans:emergencyplan_review"),
                    (_lazy("新增预案"), "plans:emergencyplan_add"),
                ),
            )
        )
        registry.register_import(EmergencyPlanImport())
        registry.register_demo("plans", demo.build)
        registry.register_bench("plans", demo.Bench)
        registry.register_home_panel(home_panel)
        register_section("plans", summary.summarize)
        register_panel("plans", summary.panel)
        registry.register_figures(*summary.FIGURES)
