from django.urls import path

from . import views

app_name = "drills"
urlpatterns = [
    path("", views.DrillList.as_view(), name="drill_list"),
    path("add/", views.DrillEdit.as_view(), name="drill_add"),
    path("<int:pk>/", views.DrillDetail.as_view(), name="drill_detail"),
    path("<int:pk>/edit/", views.DrillEdit.as_view(), name="drill_edit"),
    path("<int:pk>/delete/", views.DrillDelete.as_view(), name="drill_delete"),
    path("<int:pk>/history/", views.DrillHistory.as_view(), name="drill_history"),
    path("<int:pk>/flag-plan/", views.drill_flag_plan, name="drill_flag_plan"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("schedules/", views.DrillScheduleList.as_view(), name="drillschedule_list"),
    path("schedules/add/", views.DrillScheduleEdit.as_view(), name="drillschedule_add"),
    path("schedules/<int:pk>/", views.DrillScheduleDetail.as_view(), name="drillschedule_detail"),
    path("schedules/<int:pk>/edit/", views.DrillScheduleEdit.as_view(), name="drillschedule_edit"),
    path("schedules/<int:pk>/delete/", views.DrillScheduleDelete.as_view(), name="drillschedule_delete"),
    path("schedules/<int:pk>/history/", views.DrillScheduleHistory.as_view(), name="drillschedule_history"),
]
