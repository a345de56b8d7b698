from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "supplies"

urlpatterns = [
    *record_urls("stock/", views, "Stock"),
    *record_urls("movements/", views, "Movement", add=views.movement_add),
    *record_urls("maintenance/", views, "Maintenance"),
    *record_urls("standards/", views, "ReserveStandard"),
    *record_urls("alerts/", views, "Alert"),
    path("alerts/refresh/", views.alert_refresh, name="supplyalert_refresh"),
    *record_urls("census/", views, "Census"),
    *record_urls("returns/", views, "CensusReturn"),
    path("returns/<int:pk>/confirm/", views.census_return_confirm, name="censusreturn_confirm"),
    *record_urls("items/", views, "SupplyItem"),
]
