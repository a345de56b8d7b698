from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "hazards"
urlpatterns = [
    *record_urls("", views, "Hazard"),
    path("<int:pk>/act/<slug:action>/", views.hazard_transition, name="hazard_transition"),
    path("<int:pk>/supervise/", views.notice_add, name="hazardnotice_add"),
    path("supervision/", views.SupervisionList.as_view(), name="supervision"),
    path("notices/", views.HazardNoticeList.as_view(), name="hazardnotice_list"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="hazardnotice_acknowledge"),
    *record_urls("campaigns/", views, "InspectionCampaign"),
    path("campaigns/<int:pk>/report/", views.campaign_report, name="campaign_report"),
    path("campaigns/signoffs/<int:pk>/", views.campaign_signoff, name="campaign_signoff"),
]
