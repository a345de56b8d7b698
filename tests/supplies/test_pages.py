"""Every supplies page in scope (the permission matrix), the shared catalogue's keepers, and the
query count of every list pinned at two data sizes."""

import datetime

import pytest
from django.urls import reverse

from supplies.census import answer, open_returns
from supplies.models import MaintenanceRecord, StockMovement, SupplyAlert, SupplyCensus, SupplyItem
from supplies.movements import move_stock
from tests.permissions import assert_scope_matrix

from .helpers import make_item, make_standard, make_stock

DAY = datetime.date(2026, 1, 10)


def test_scope_matrix_on_stock(client, personas):
    t = personas.tree
    assert_scope_matrix(client, personas, make_stock(t.school_a1), make_stock(t.school_b1))


def test_scope_matrix_on_movements(client, personas):
    t = personas.tree
    inside = move_stock(make_stock(t.school_a1), "issue", 1, "演练", personas.officer_a)
    outside = move_stock(make_stock(t.school_b1), "issue", 1, "演练", personas.officer_b)
    assert_scope_matrix(client, personas, inside, outside, actions=("detail", "history"))


def test_scope_matrix_on_maintenance(client, personas):
    t = personas.tree

    def record(org):
        return MaintenanceRecord.objects.create(stock=make_stock(org), kind="test", done_on=DAY)

    assert_scope_matrix(client, personas, record(t.school_a1), record(t.school_b1))


def test_scope_matrix_on_reserve_standards(client, personas):
    t = personas.tree
    item = make_item()
    assert_scope_matrix(client, personas, make_standard(t.school_a1, item, 5), make_standard(t.school_b1, item, 5))


def test_scope_matrix_on_alerts(client, personas):
    t = personas.tree
    item = make_item()

    def alert(org):
        return SupplyAlert.objects.create(organization=org, kind="expired", item=item, detail="已过期", raised_on=DAY)

    assert_scope_matrix(client, personas, alert(t.school_a1), alert(t.school_b1), actions=("detail", "history"))


def test_scope_matrix_on_censuses_and_returns(client, personas):
    t = personas.tree

    def census(org):
        return SupplyCensus.objects.create(organization=org, title=f"{org.code}普查", opened_on=DAY, deadline=DAY)

    inside, outside = census(t.school_a1), census(t.school_b1)
    assert_scope_matrix(client, personas, inside, outside, actions=("detail", "edit", "history"))
    city = census(t.city)
    open_returns(city, personas.city_staff)
    assert_scope_matrix(
        client,
        personas,
        city.returns.get(organization=t.school_a1),
        city.returns.get(organization=t.school_b1),
        actions=("detail", "history"),
    )


def test_only_the_city_keeps_the_catalogue(client, personas):
    item = make_item()
    client.force_login(personas.officer_a)
    assert client.get(reverse("supplies:supplyitem_list")).status_code == 200
    assert client.get(item.get_absolute_url()).status_code == 200  # everyone reads it
    assert client.get(reverse("supplies:supplyitem_edit", args=[item.pk])).status_code == 403
    client.force_login(personas.district_staff)
    assert client.post(reverse("supplies:supplyitem_add"), {"name": "x", "category": "fire"}).status_code == 403
    client.force_login(personas.city_staff)
    response = client.post(
        reverse("supplies:supplyitem_add"), {"name": "防毒面具", "category": "protective", "unit": "个"}
    )
    assert response.status_code == 302
    assert SupplyItem.objects.get(name="防毒面具").check_interval_days == 180  # the category's default


def test_a_line_in_use_cannot_be_deleted(client, personas):
    line = make_stock(personas.tree.school_a1)
    move_stock(line, "issue", 1, "演练", personas.officer_a)
    client.force_login(personas.officer_a)
    response = client.post(reverse("supplies:stock_delete", args=[line.pk]), follow=True)
    assert "仍被其他记录引用" in response.content.decode()


def fill(personas, n: int) -> None:
    """n of everything at SA1 (and a census with its returns) for the list pages."""
    t = personas.tree
    for i in range(n):
        item = make_item(f"物资{i}", "fire", f"型号{i}", "个")
        line = make_stock(t.school_a1, item, 10, f"地点{i}", expires_on=DAY)
        move_stock(line, "issue", 1, "演练", personas.officer_a, refresh=False)
        MaintenanceRecord.objects.create(stock=line, kind="test", done_on=DAY)
        make_standard(t.city, item, 20)
        SupplyAlert.objects.create(
            organization=t.school_a1, kind="expired", item=item, stock=line, detail="过期", raised_on=DAY
        )
        census = SupplyCensus.objects.create(organization=t.city, title=f"普查{i}", opened_on=DAY, deadline=DAY)
        open_returns(census, personas.city_staff)
    if n:
        answer(census.returns.first(), {}, personas.city_staff)


# Every list page: session, user, user's organisation (scope), COUNT, one page of rows with what
# they show (select_related / annotate in `for_list`), and the bureaus for the 单位 filter.
LISTS = [
    ("supplies:stock_list", 6),
    ("supplies:stockmovement_list", 6),
    ("supplies:maintenancerecord_list", 6),
    ("supplies:reservestandard_list", 6),
    ("supplies:supplyalert_list", 6),
    ("supplies:supplycensus_list", 6),
    ("supplies:censusreturn_list", 6),
    # The catalogue has no scope and no 单位 filter: session, user, COUNT, page, and the user's
    # organisation to decide whether they may keep it.
    ("supplies:supplyitem_list", 5),
]


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("url_name,queries", LISTS)
def test_list_query_counts_are_pinned(client, personas, django_assert_num_queries, url_name, queries, size):
    fill(personas, size)
    assert StockMovement.objects.count() == size
    client.force_login(personas.city_staff)
    with django_assert_num_queries(queries):
        assert client.get(reverse(url_name)).status_code == 200
