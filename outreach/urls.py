from emergency.generic import record_urls

from . import views

app_name = "outreach"

urlpatterns = [
    *record_urls(
        "events/",
        list=views.EventList,
        detail=views.EventDetail,
        edit=views.EventEdit,
        delete=views.EventDelete,
        history=views.EventHistory,
    ),
    *record_urls(
        "campaigns/",
        list=views.CampaignList,
        detail=views.CampaignDetail,
        edit=views.CampaignEdit,
        delete=views.CampaignDelete,
        history=views.CampaignHistory,
    ),
]
