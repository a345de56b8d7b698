from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "plans"
urlpatterns = [
    *record_urls("", views, "EmergencyPlan"),
    path("review/", views.EmergencyPlanReview.as_view(), name="emergencyplan_review"),
    path("<int:pk>/revise/", views.EmergencyPlanRevise.as_view(), name="emergencyplan_revise"),
]
