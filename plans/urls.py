from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.EmergencyPlanList.as_view(), name="emergencyplan_list"),
    path("review/", views.EmergencyPlanReview.as_view(), name="emergencyplan_review"),
    path("add/", views.EmergencyPlanEdit.as_view(), name="emergencyplan_add"),
    path("<int:pk>/", views.EmergencyPlanDetail.as_view(), name="emergencyplan_detail"),
    path("<int:pk>/edit/", views.EmergencyPlanEdit.as_view(), name="emergencyplan_edit"),
    path("<int:pk>/revise/", views.EmergencyPlanRevise.as_view(), name="emergencyplan_revise"),
    path("<int:pk>/delete/", views.EmergencyPlanDelete.as_view(), name="emergencyplan_delete"),
    path("<int:pk>/history/", views.EmergencyPlanHistory.as_view(), name="emergencyplan_history"),
]
