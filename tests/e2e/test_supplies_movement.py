"""A school officer records a movement on a stock line in a real browser and sees the stock change."""

import pytest

from supplies.models import Stock

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_school_officer_issues_stock_and_sees_it_go_down(page, personas):
    from tests.supplies.helpers import make_stock

    line = make_stock(personas.tree.school_a1, quantity=24)
    login(page, "officer_a")
    page.goto("/supplies/stock/")
    page.click("text=干粉灭火器")
    assert page.inner_text("#stock-quantity") == "24具"
    page.select_option("#movement-form select[name=kind]", "issue")
    page.fill("#movement-form input[name=quantity]", "5")
    page.fill("#movement-form input[name=reason]", "消防演练使用")
    with page.expect_navigation():
        page.click("#movement-form button[type=submit]")
    assert page.inner_text("#stock-quantity") == "19具"
    assert "已登记出库" in page.content()
    assert "消防演练使用" in page.inner_text("#movements")
    screenshot(page, "supplies-after-movement")
    line.refresh_from_db()
    assert line.quantity == 19
    assert line.movements.get().created_by == personas.officer_a

    # Taking more than there is is refused on the page and changes nothing.
    page.select_option("#movement-form select[name=kind]", "issue")
    page.fill("#movement-form input[name=quantity]", "50")
    page.fill("#movement-form input[name=reason]", "多领")
    with page.expect_navigation():
        page.click("#movement-form button[type=submit]")
    assert "库存不足" in page.content()
    assert Stock.objects.get(pk=line.pk).quantity == 19
