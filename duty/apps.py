from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _lazy("值班与信息报送")

    def ready(self) -> None:
        from emergency import registry
        from emergency.dashboard import register_panel
        from emergency.summary import register_section

        from . import conf, demo, panels, summary
        from .choices import IncidentLevel, ShiftKind
        from .imports import DutyShiftImport
        from .models import DutyShift, Incident

        registry.register_area(
            registry.Area(
                "duty",
                _lazy("值班与信息报送"),
                "duty:dutyshift_list",
                links=(
                    (_lazy("月度值班表"), "duty:roster_month"),
                    (_lazy("值班班次"), "duty:dutyshift_list"),
                    (_lazy("排班"), "duty:roster_build"),
                    (_lazy("值班覆盖检查"), "duty:coverage"),
                    (_lazy("值班记录"), "duty:dutylog_list"),
                    (_lazy("突发事件信息报送"), "duty:incident_list"),
                ),
            )
        )
        registry.register_import(DutyShiftImport())
        registry.register_dated(DutyShift, "date")
        registry.register_dated(Incident, "occurred_at")
        registry.register_demo("duty", demo.build)
        registry.register_bench("duty", demo.Bench)
        register_section("duty", summary.summarize)
        register_panel("duty", summary.panel)
        registry.register_figures(*summary.FIGURES)
        registry.register_rule(
            _lazy("班次时间"),
            lambda: "；".join(f"{ShiftKind(k).label} {a:%H:%M}–{b:%H:%M}" for k, (a, b) in conf.shift_times().items()),
        )
        registry.register_rule(
            _lazy("事件初报时限"),
            lambda: "；".join(
                f"{IncidentLevel(k).label} {conf.describe_limit(v)}" for k, v in conf.report_limits().items()
            ),
        )
        registry.register_home_panel(panels.home_items)
