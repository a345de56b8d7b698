from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _lazy

from emergency import areas


class SuppliesConfig(areas.AreaConfig):
    name = "supplies"
    verbose_name = _lazy("应急物资")
    landing_url = "supplies:stock_list"
    menu = (
        (_lazy("物资台账"), "supplies:stock_list"),
        (_lazy("出入库记录"), "supplies:stockmovement_list"),
        (_lazy("维护保养"), "supplies:maintenancerecord_list"),
        (_lazy("物资预警"), "supplies:supplyalert_list"),
        (_lazy("物资普查"), "supplies:supplycensus_list"),
        (_lazy("普查确认"), "supplies:censusreturn_list"),
        (_lazy("储备标准"), "supplies:reservestandard_list"),
        (_lazy("物资目录"), "supplies:supplyitem_list"),
    )
    imports = ("imports.SupplyImport",)
    dated = (("StockMovement", "happened_on"), ("MaintenanceRecord", "done_on"))
    rules = ((_lazy("物资临期预警天数"), "models.expiry_warning_days"), (_lazy("物资预警提醒"), "reminders.timing"))
    reminders = ("reminders.ALERTS",)
    # Expiry and overdue inspections move with the calendar: refresh every night.
    beat_jobs = (("refresh-supply-alerts", "supplies.tasks.refresh_supply_alerts", crontab(hour=1, minute=30)),)
