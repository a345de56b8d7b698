"""Buttons and menu items are shown by the rule the page's own view applies: nobody is offered a
page that would answer 403."""

import re

import pytest
from django.urls import reverse

# (list page, the page it offers to add from) for the areas' lists a leader reads.
LEADER_LISTS = [
    ("plans:emergencyplan_list", "plans:emergencyplan_add"),
    ("drills:drill_list", "drills:drill_add"),
    ("duty:dutyshift_list", "duty:dutyshift_add"),
    ("hazards:hazard_list", "hazards:hazard_add"),
    ("supplies:stock_list", "supplies:stock_add"),
    ("supplies:stockmovement_list", "supplies:stockmovement_add"),
    ("emergency:organization_list", "emergency:organization_add"),
    ("emergency:document_list", "emergency:document_add"),
]


def links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"?#]*)', page))


@pytest.mark.parametrize(("list_name", "add_name"), LEADER_LISTS)
def test_a_leader_is_offered_no_add_or_upload_and_the_add_page_still_refuses(client, personas, list_name, add_name):
    client.force_login(personas.leader)
    page = client.get(reverse(list_name)).content.decode()
    add = reverse(add_name)
    assert add not in links(page)
    assert "/upload/" not in page and "上传 Excel" not in page
    assert client.get(add).status_code == 403


def test_a_staff_member_is_offered_the_same_buttons(client, personas):
    client.force_login(personas.district_staff)
    page = client.get(reverse("plans:emergencyplan_list")).content.decode()
    assert reverse("plans:emergencyplan_add") in links(page) and "上传 Excel" in page


def test_the_menu_offers_a_leader_no_page_that_writes(client, personas):
    client.force_login(personas.leader)
    page = client.get(reverse("home")).content.decode()
    for name in ("plans:emergencyplan_add", "drills:drill_add", "duty:roster_build"):
        assert reverse(name) not in links(page)
        assert client.get(reverse(name)).status_code == 403
    assert reverse("plans:emergencyplan_list") in links(page)


def test_the_menu_offers_a_school_officer_the_pages_that_write(client, personas):
    client.force_login(personas.officer_a)
    page = client.get(reverse("home")).content.decode()
    assert {reverse("plans:emergencyplan_add"), reverse("duty:roster_build")} <= links(page)


def test_a_school_officer_is_not_offered_a_new_organisation(client, personas):
    client.force_login(personas.officer_a)
    page = client.get(reverse("emergency:organization_list")).content.decode()
    assert reverse("emergency:organization_add") not in links(page) and "新增单位" not in page
    assert client.get(reverse("emergency:organization_add")).status_code == 403
    client.force_login(personas.district_staff)
    assert "新增单位" in client.get(reverse("emergency:organization_list")).content.decode()


def test_a_school_officer_is_not_offered_a_new_census(client, personas):
    client.force_login(personas.officer_a)
    page = client.get(reverse("supplies:supplycensus_list")).content.decode()
    assert reverse("supplies:supplycensus_add") not in links(page)
    assert client.get(reverse("supplies:supplycensus_add")).status_code == 403
    client.force_login(personas.district_staff)
    assert reverse("supplies:supplycensus_add") in links(
        client.get(reverse("supplies:supplycensus_list")).content.decode()
    )


def test_only_the_catalogue_keepers_are_offered_a_new_supply_item(client, personas):
    client.force_login(personas.district_staff)
    assert reverse("supplies:supplyitem_add") not in links(
        client.get(reverse("supplies:supplyitem_list")).content.decode()
    )
    assert client.get(reverse("supplies:supplyitem_add")).status_code == 403
    client.force_login(personas.city_staff)
    assert reverse("supplies:supplyitem_add") in links(client.get(reverse("supplies:supplyitem_list")).content.decode())
