from django.contrib import admin

from .models import OutreachCampaign, OutreachEvent


@admin.register(OutreachCampaign)
class OutreachCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "starts_on", "ends_on", "plan"]
    raw_id_fields = ["organization", "plan"]


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organization",
        "held_on",
        "form",
        "participants",
        "banners",
        "posters",
        "boards",
        "leaflets",
    ]
    list_filter = ["form"]
    raw_id_fields = ["organization", "campaign"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
