"""The naming convention is code: `record_urls` makes a model's record pages and their names, and
the pages a record offers are the ones it made."""

from unittest import mock

import pytest
from django.urls import get_resolver, resolve, reverse

from drills import views as drill_views
from drills.models import Drill
from emergency.generic import OBJECT_ACTIONS, record_pages, record_urls
from emergency.models import url_name
from supplies.models import StockMovement


@pytest.fixture
def site_urls():
    get_resolver().url_patterns  # noqa: B018 (loading the URLconf runs every area's record_urls)
    return record_pages


@mock.patch.dict(record_pages)  # the site's own pages stay as its URLconf made them
def test_the_helper_names_a_models_pages_by_the_convention():
    patterns = record_urls(
        "schedules/",
        list=drill_views.DrillList,
        detail=drill_views.DrillDetail,
        edit=drill_views.DrillEdit,
        delete=drill_views.DrillDelete,
        history=drill_views.DrillHistory,
    )
    assert [(str(p.pattern), p.name) for p in patterns] == [
        ("schedules/", "drill_list"),
        ("schedules/add/", "drill_add"),
        ("schedules/<int:pk>/", "drill_detail"),
        ("schedules/<int:pk>/edit/", "drill_edit"),
        ("schedules/<int:pk>/delete/", "drill_delete"),
        ("schedules/<int:pk>/history/", "drill_history"),
    ]
    assert patterns[1].callback.view_class is patterns[3].callback.view_class is drill_views.DrillEdit


@mock.patch.dict(record_pages)
def test_the_views_of_a_module_are_found_by_their_names_and_a_view_given_by_action_stands_beside_them():
    from supplies import views as supply_views

    found = record_urls("drills/", drill_views, "Drill")
    assert [p.name for p in found] == [
        "drill_list",
        "drill_add",
        "drill_detail",
        "drill_edit",
        "drill_delete",
        "drill_history",
    ]
    movements = record_urls("movements/", supply_views, "Movement", add=supply_views.movement_add)
    assert [p.name for p in movements] == [
        "stockmovement_list",
        "stockmovement_add",
        "stockmovement_detail",
        "stockmovement_history",
    ]
    assert movements[1].callback is supply_views.movement_add


@mock.patch.dict(record_pages)
def test_the_helper_takes_the_views_of_one_model_and_known_actions_only():
    with pytest.raises(ValueError):
        record_urls(list=drill_views.DrillList, detail=drill_views.DrillScheduleDetail)
    with pytest.raises(ValueError):
        record_urls(list=drill_views.DrillList, export=drill_views.DrillList)


def test_every_page_the_helper_made_is_reversed_by_its_conventional_name(site_urls):
    assert Drill in site_urls and StockMovement in site_urls
    for model, actions in site_urls.items():
        for action in actions:
            url = reverse(url_name(model, action), args=[1] if action in OBJECT_ACTIONS else [])
            view = resolve(url).func
            assert getattr(view, "view_class", None) is None or view.view_class.model is model, (model, action)


def test_a_record_offers_the_pages_its_model_has(client, personas, site_urls):
    """A stock movement is a ledger line: an add page (a function view), no edit or delete."""
    assert site_urls[StockMovement] == ("list", "add", "detail", "history")
    client.force_login(personas.city_staff)
    page = client.get(reverse("supplies:stockmovement_list")).content.decode()
    assert reverse("supplies:stockmovement_add") in page
