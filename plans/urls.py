from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "plans"
urlpatterns = [
    *record_urls(
        list=views.EmergencyPlanList,
        detail=views.EmergencyPlanDetail,
        edit=views.EmergencyPlanEdit,
        delete=views.EmergencyPlanDelete,
        history=views.EmergencyPlanHistory,
    ),
    path("review/", views.EmergencyPlanReview.as_view(), name="emergencyplan_review"),
    path("<int:pk>/revise/", views.EmergencyPlanRevise.as_view(), name="emergencyplan_revise"),
]
