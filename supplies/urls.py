from django.urls import path

from emergency.generic import record_urls

from . import views

app_name = "supplies"

urlpatterns = [
    *record_urls(
        "stock/",
        list=views.StockList,
        detail=views.StockDetail,
        edit=views.StockEdit,
        delete=views.StockDelete,
        history=views.StockHistory,
    ),
    *record_urls(
        "movements/",
        list=views.MovementList,
        add=views.movement_add,
        detail=views.MovementDetail,
        history=views.MovementHistory,
    ),
    *record_urls(
        "maintenance/",
        list=views.MaintenanceList,
        detail=views.MaintenanceDetail,
        edit=views.MaintenanceEdit,
        delete=views.MaintenanceDelete,
        history=views.MaintenanceHistory,
    ),
    *record_urls(
        "standards/",
        list=views.ReserveStandardList,
        detail=views.ReserveStandardDetail,
        edit=views.ReserveStandardEdit,
        delete=views.ReserveStandardDelete,
        history=views.ReserveStandardHistory,
    ),
    *record_urls("alerts/", list=views.AlertList, detail=views.AlertDetail, history=views.AlertHistory),
    path("alerts/refresh/", views.alert_refresh, name="supplyalert_refresh"),
    *record_urls(
        "census/",
        list=views.CensusList,
        detail=views.CensusDetail,
        edit=views.CensusEdit,
        history=views.CensusHistory,
    ),
    *record_urls(
        "returns/",
        list=views.CensusReturnList,
        detail=views.CensusReturnDetail,
        history=views.CensusReturnHistory,
    ),
    path("returns/<int:pk>/confirm/", views.census_return_confirm, name="censusreturn_confirm"),
    *record_urls(
        "items/",
        list=views.SupplyItemList,
        detail=views.SupplyItemDetail,
        edit=views.SupplyItemEdit,
        delete=views.SupplyItemDelete,
        history=views.SupplyItemHistory,
    ),
]
