from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from emergency import areas


class SuppliesConfig(areas.AreaConfig):
    name = "supplies"
    verbose_name = _("应急物资")
    landing_url = "supplies:stock_list"
    menu = (
        (_("物资台账"), "supplies:stock_list"),
        (_("出入库记录"), "supplies:stockmovement_list"),
        (_("维护保养"), "supplies:maintenancerecord_list"),
        (_("物资预警"), "supplies:supplyalert_list"),
        (_("物资普查"), "supplies:supplycensus_list"),
        (_("普查确认"), "supplies:censusreturn_list"),
        (_("储备标准"), "supplies:reservestandard_list"),
        (_("物资目录"), "supplies:supplyitem_list"),
    )
    imports = ("imports.SupplyImport",)
    dated = (("StockMovement", "happened_on"), ("MaintenanceRecord", "done_on"))
    demo = "demo.build"
    bench = "demo.Bench"
    home_items = "panels.home_items"
    summary_section = "summary.summarize"
    dashboard_panel = "summary.panel"
    figures = "summary.FIGURES"
    rules = ((_("物资临期预警天数"), "models.expiry_warning_days"), (_("物资预警提醒"), "reminders.timing"))
    reminders = ("reminders.ALERTS",)
    # Expiry and overdue inspections move with the calendar: refresh every night.
    beat_jobs = (("refresh-supply-alerts", "supplies.tasks.refresh_supply_alerts", crontab(hour=1, minute=30)),)
