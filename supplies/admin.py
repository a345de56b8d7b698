from django.contrib import admin

from .models import (
    MaintenanceRecord,
    ReserveStandard,
    Stock,
    StockMovement,
    SupplyAlert,
    SupplyCensus,
    SupplyItem,
)


@admin.register(SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = ["name", "spec", "category", "unit", "check_interval_days"]
    list_filter = ["category"]
    search_fields = ["name", "spec"]


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ["item", "organization", "location", "batch", "quantity", "expires_on"]
    raw_id_fields = ["organization", "item"]
    list_select_related = ["organization", "item"]
    search_fields = ["item__name", "organization__code", "organization__name"]
    # Quantities change only by movements, which keep who and why.
    readonly_fields = ["quantity"]


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["happened_on", "kind", "stock", "organization", "change", "balance", "created_by"]
    list_filter = ["kind"]
    raw_id_fields = ["organization", "stock", "counterpart", "census_return"]
    list_select_related = ["organization", "stock__item", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MaintenanceRecord)
class MaintenanceRecordAdmin(admin.ModelAdmin):
    list_display = ["done_on", "kind", "stock", "organization", "result", "next_due_on"]
    list_filter = ["kind", "result"]
    raw_id_fields = ["organization", "stock"]
    list_select_related = ["organization", "stock__item"]


@admin.register(ReserveStandard)
class ReserveStandardAdmin(admin.ModelAdmin):
    list_display = ["item", "minimum", "stage", "target", "organization"]
    raw_id_fields = ["organization", "item", "target"]


@admin.register(SupplyAlert)
class SupplyAlertAdmin(admin.ModelAdmin):
    list_display = ["kind", "item", "organization", "raised_on", "resolved_on"]
    list_filter = ["kind"]
    raw_id_fields = ["organization", "item", "stock"]


@admin.register(SupplyCensus)
class SupplyCensusAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "opened_on", "deadline", "status"]
    raw_id_fields = ["organization"]
