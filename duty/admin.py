from django.contrib import admin

from .models import DutyLog, DutyShift, DutySwap, Holiday, Incident, IncidentReport


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The holiday calendar is kept here by an administrator; the roster builder reads it."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"


class SwapInline(admin.TabularInline):
    model = DutySwap
    fk_name = "shift"
    fields = ["position", "replaced", "replacement", "agreed_by", "reason"]
    extra = 0


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["date", "shift", "organization", "leader", "officer_1", "officer_2"]
    list_filter = ["shift"]
    date_hierarchy = "date"
    raw_id_fields = ["organization", "leader"]
    list_select_related = ["organization", "leader"]
    inlines = [SwapInline]


@admin.register(DutyLog)
class DutyLogAdmin(admin.ModelAdmin):
    list_display = ["received_at", "kind", "organization", "source"]
    list_filter = ["kind"]
    raw_id_fields = ["organization", "shift", "incident"]
    list_select_related = ["organization"]


class ReportInline(admin.TabularInline):
    model = IncidentReport
    fields = ["stage", "reported_at", "author", "text"]
    extra = 0


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "incident_type", "level", "occurred_at", "deaths", "injuries"]
    list_filter = ["incident_type", "level"]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]
    inlines = [ReportInline]
