from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "duty"
urlpatterns = [
    *record_urls("shifts/", views, "DutyShift"),
    path("shifts/<int:pk>/swap/", views.dutyshift_swap, name="dutyshift_swap"),
    path("roster/", views.roster_month, name="roster_month"),
    path("roster/export/", views.roster_export, name="roster_export"),
    path("roster/responsibility/", views.responsibility_export, name="responsibility_export"),
    path("roster/build/", views.roster_build, name="roster_build"),
    path("coverage/", views.coverage_check, name="coverage"),
    *record_urls("log/", views, "DutyLog"),
    *record_urls("incidents/", views, "Incident"),
    path("incidents/<int:pk>/report/", views.incident_report, name="incident_report"),
    path("incidents/<int:pk>/receive/", views.incident_receive, name="incident_receive"),
]
