"""Charts and tables that do not mislead: a chart without data says so instead of drawing a pie of
equal parts, and on a 390 px phone the district table scrolls sideways with readable columns."""

import pytest

from tests.emergency.conftest import YEAR, known_tree  # noqa: F401

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_a_chart_without_data_says_so_instead_of_drawing_equal_parts(page, personas, known_tree):  # noqa: F811
    login(page, "leader")
    page.goto(f"/dashboard/?year={YEAR}")  # the known tree has no hazards
    pie = page.locator('[data-chart="hazards_by_state"]')
    pie.wait_for(state="attached")
    assert pie.get_attribute("data-ready") == "empty"
    assert pie.inner_text().strip() == "暂无数据"
    assert pie.locator("svg").count() == 0
    page.wait_for_selector('[data-chart="drills_by_month"][data-ready]')
    screenshot(page, "dashboard-no-data")


def test_on_a_phone_the_district_table_scrolls_and_no_column_is_one_character_wide(
    browser,
    live_server,
    personas,
    known_tree,  # noqa: F811
):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        login(page, "leader")
        page.goto(f"/dashboard/?year={YEAR}")
        page.wait_for_selector("#district-table")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll
        wrapper = page.locator(".table-responsive:has(#district-table)")
        widths = wrapper.evaluate("w => [w.clientWidth, w.scrollWidth, getComputedStyle(w).overflowX]")
        assert widths[1] > widths[0] and widths[2] == "auto"  # the table scrolls sideways inside its box
        font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#district-table th')).fontSize)")
        narrowest = page.evaluate(
            "Math.min(...[...document.querySelectorAll('#district-table th, #district-table td')]"
            ".map(c => c.getBoundingClientRect().width))"
        )
        assert narrowest >= 3 * font, narrowest
        screenshot(page, "dashboard-phone")
    finally:
        context.close()
