from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _lazy


class SuppliesConfig(AppConfig):
    name = "supplies"
    verbose_name = _lazy("应急物资")

    def ready(self) -> None:
        from celery.schedules import crontab

        from emergency import registry
        from emergency.dashboard import register_panel
        from emergency.summary import register_section

        from . import demo, models, summary
        from .imports import SupplyImport
        from .views import home_items

        registry.register_area(
            registry.Area(
                "supplies",
                _lazy("应急物资"),
                "supplies:stock_list",
                links=(
                    (_lazy("物资台账"), "supplies:stock_list"),
                    (_lazy("出入库记录"), "supplies:stockmovement_list"),
                    (_lazy("维护保养"), "supplies:maintenancerecord_list"),
                    (_lazy("物资预警"), "supplies:supplyalert_list"),
                    (_lazy("物资普查"), "supplies:supplycensus_list"),
                    (_lazy("普查确认"), "supplies:censusreturn_list"),
                    (_lazy("储备标准"), "supplies:reservestandard_list"),
                    (_lazy("物资目录"), "supplies:supplyitem_list"),
                ),
            )
        )
        registry.register_import(SupplyImport())
        registry.register_dated(models.StockMovement, "happened_on")
        registry.register_dated(models.MaintenanceRecord, "done_on")
        registry.register_demo("supplies", demo.build)
        registry.register_bench("supplies", demo.Bench)
        registry.register_home_panel(home_items)
        register_section("supplies", summary.summarize)
        register_panel("supplies", summary.panel)
        registry.register_figures(*summary.FIGURES)
        registry.register_rule(_lazy("物资临期预警天数"), lambda: models.expiry_warning_days())
        # Expiry and overdue inspections move with the calendar: refresh every night.
        settings.CELERY_BEAT_SCHEDULE["refresh-supply-alerts"] = {
            "task": "supplies.tasks.refresh_supply_alerts",
            "schedule": crontab(hour=1, minute=30),
        }
