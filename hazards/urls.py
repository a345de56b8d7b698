from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("", views.HazardList.as_view(), name="hazard_list"),
    path("add/", views.HazardEdit.as_view(), name="hazard_add"),
    path("<int:pk>/", views.HazardDetail.as_view(), name="hazard_detail"),
    path("<int:pk>/edit/", views.HazardEdit.as_view(), name="hazard_edit"),
    path("<int:pk>/delete/", views.HazardDelete.as_view(), name="hazard_delete"),
    path("<int:pk>/history/", views.HazardHistory.as_view(), name="hazard_history"),
    path("<int:pk>/act/<slug:action>/", views.hazard_transition, name="hazard_transition"),
    path("<int:pk>/supervise/", views.notice_add, name="hazardnotice_add"),
    path("supervision/", views.SupervisionList.as_view(), name="supervision"),
    path("notices/", views.HazardNoticeList.as_view(), name="hazardnotice_list"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="hazardnotice_acknowledge"),
    path("campaigns/", views.InspectionCampaignList.as_view(), name="inspectioncampaign_list"),
    path("campaigns/add/", views.InspectionCampaignEdit.as_view(), name="inspectioncampaign_add"),
    path("campaigns/<int:pk>/", views.InspectionCampaignDetail.as_view(), name="inspectioncampaign_detail"),
    path("campaigns/<int:pk>/edit/", views.InspectionCampaignEdit.as_view(), name="inspectioncampaign_edit"),
    path("campaigns/<int:pk>/delete/", views.InspectionCampaignDelete.as_view(), name="inspectioncampaign_delete"),
    path("campaigns/<int:pk>/history/", views.InspectionCampaignHistory.as_view(), name="inspectioncampaign_history"),
    path("campaigns/<int:pk>/report/", views.campaign_report, name="campaign_report"),
    path("campaigns/signoffs/<int:pk>/", views.campaign_signoff, name="campaign_signoff"),
]
