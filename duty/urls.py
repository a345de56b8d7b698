from django.urls import path

from . import views

app_name = "duty"
urlpatterns = [
    path("shifts/", views.DutyShiftList.as_view(), name="dutyshift_list"),
    path("shifts/add/", views.DutyShiftEdit.as_view(), name="dutyshift_add"),
    path("shifts/<int:pk>/", views.DutyShiftDetail.as_view(), name="dutyshift_detail"),
    path("shifts/<int:pk>/edit/", views.DutyShiftEdit.as_view(), name="dutyshift_edit"),
    path("shifts/<int:pk>/delete/", views.DutyShiftDelete.as_view(), name="dutyshift_delete"),
    path("shifts/<int:pk>/history/", views.DutyShiftHistory.as_view(), name="dutyshift_history"),
    path("shifts/<int:pk>/swap/", views.dutyshift_swap, name="dutyshift_swap"),
    path("roster/", views.roster_month, name="roster_month"),
    path("roster/export/", views.roster_export, name="roster_export"),
    path("roster/responsibility/", views.responsibility_export, name="responsibility_export"),
    path("roster/build/", views.roster_build, name="roster_build"),
    path("coverage/", views.coverage_check, name="coverage"),
    path("log/", views.DutyLogList.as_view(), name="dutylog_list"),
    path("log/add/", views.DutyLogEdit.as_view(), name="dutylog_add"),
    path("log/<int:pk>/", views.DutyLogDetail.as_view(), name="dutylog_detail"),
    path("log/<int:pk>/edit/", views.DutyLogEdit.as_view(), name="dutylog_edit"),
    path("log/<int:pk>/delete/", views.DutyLogDelete.as_view(), name="dutylog_delete"),
    path("log/<int:pk>/history/", views.DutyLogHistory.as_view(), name="dutylog_history"),
    path("incidents/", views.IncidentList.as_view(), name="incident_list"),
    path("incidents/add/", views.IncidentEdit.as_view(), name="incident_add"),
    path("incidents/<int:pk>/", views.IncidentDetail.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.IncidentEdit.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/delete/", views.IncidentDelete.as_view(), name="incident_delete"),
    path("incidents/<int:pk>/history/", views.IncidentHistory.as_view(), name="incident_history"),
    path("incidents/<int:pk>/report/", views.incident_report, name="incident_report"),
    path("incidents/<int:pk>/receive/", views.incident_receive, name="incident_receive"),
]
