from emergency.generic import record_urls

from . import views

app_name = "outreach"

urlpatterns = [
    *record_urls("events/", views, "Event"),
    *record_urls("campaigns/", views, "Campaign"),
]
