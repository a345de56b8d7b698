"""A leader opens the dashboard, clicks a district and lands on its schools."""

import pytest

from tests.emergency.conftest import YEAR, known_tree  # noqa: F401

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_leader_drills_down_from_the_city_to_a_district(page, personas, known_tree):  # noqa: F811
    login(page, "leader")
    page.goto(f"/dashboard/?year={YEAR}")
    assert "市教育局" in page.inner_text("#dashboard-title")
    screenshot(page, "dashboard-city")
    page.click("#district-table >> text=区县A教育局")
    page.wait_for_selector("#district-table >> text=A区第一小学")
    assert "区县A教育局" in page.inner_text("#dashboard-title")
    assert "区县B教育局" not in page.inner_text("#district-table")
    screenshot(page, "dashboard-district")
    page.click("#district-table >> text=A区第一小学")
    page.wait_for_url("**/organizations/*/")
    assert "A区第一小学" in page.inner_text("h1")
