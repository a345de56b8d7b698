from django.contrib import admin

from .models import (
    CampaignDepartment,
    CampaignReport,
    Department,
    FocusPeriod,
    Hazard,
    HazardNotice,
    HazardTransition,
    InspectionCampaign,
)


@admin.register(FocusPeriod)
class FocusPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "narrative_name", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


class SignoffInline(admin.TabularInline):
    model = CampaignDepartment
    fields = ["department", "signed_by", "signed_on"]
    extra = 0


@admin.register(InspectionCampaign)
class InspectionCampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "focus_period", "start_date", "end_date"]
    list_filter = ["kind", "focus_period"]
    search_fields = ["title"]
    raw_id_fields = ["organization", "scope"]
    list_select_related = ["organization", "focus_period"]
    inlines = [SignoffInline]


@admin.register(CampaignReport)
class CampaignReportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "organization", "reported_on"]
    raw_id_fields = ["organization", "campaign"]
    list_select_related = ["organization", "campaign"]


class TransitionInline(admin.TabularInline):
    model = HazardTransition
    fields = ["at", "action", "from_status", "to_status", "user", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    list_display = ["description", "organization", "category", "level", "found_on", "deadline", "status"]
    list_filter = ["status", "level", "category"]
    search_fields = ["description"]
    raw_id_fields = ["organization", "campaign"]
    readonly_fields = ["status", "closed_on", "overdue_since"]
    list_select_related = ["organization"]
    inlines = [TransitionInline]


@admin.register(HazardNotice)
class HazardNoticeAdmin(admin.ModelAdmin):
    list_display = ["hazard", "organization", "kind", "created_at", "acknowledged_at"]
    list_filter = ["kind"]
    raw_id_fields = ["organization", "hazard", "issuer"]
    list_select_related = ["organization", "hazard"]
