from django.contrib import admin

from .models import EmergencyPlan


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "organization", "category", "issued_on", "next_revision_on", "status"]
    list_filter = ["category", "status", "needs_revision"]
    search_fields = ["name", "organization__name", "organization__code"]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]
    date_hierarchy = "issued_on"
