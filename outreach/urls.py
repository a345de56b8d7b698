from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("events/", views.EventList.as_view(), name="outreachevent_list"),
    path("events/add/", views.EventEdit.as_view(), name="outreachevent_add"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="outreachevent_detail"),
    path("events/<int:pk>/edit/", views.EventEdit.as_view(), name="outreachevent_edit"),
    path("events/<int:pk>/delete/", views.EventDelete.as_view(), name="outreachevent_delete"),
    path("events/<int:pk>/history/", views.EventHistory.as_view(), name="outreachevent_history"),
    path("campaigns/", views.CampaignList.as_view(), name="outreachcampaign_list"),
    path("campaigns/add/", views.CampaignEdit.as_view(), name="outreachcampaign_add"),
    path("campaigns/<int:pk>/", views.CampaignDetail.as_view(), name="outreachcampaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignEdit.as_view(), name="outreachcampaign_edit"),
    path("campaigns/<int:pk>/delete/", views.CampaignDelete.as_view(), name="outreachcampaign_delete"),
    path("campaigns/<int:pk>/history/", views.CampaignHistory.as_view(), name="outreachcampaign_history"),
]
