from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "drills"
urlpatterns = [
    *record_urls("", views, "Drill"),
    path("<int:pk>/flag-plan/", views.drill_flag_plan, name="drill_flag_plan"),
    path("compliance/", views.compliance_page, name="compliance"),
    *record_urls("schedules/", views, "DrillSchedule"),
]
