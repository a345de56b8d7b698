"""Stock arithmetic: every movement changes the line by what it says, keeps who and why, and
never takes stock below zero; transfers stay in the mover's scope."""

import datetime

import pytest
from django.urls import reverse

from supplies.models import Stock, StockMovement
from supplies.movements import InsufficientStock, MovementError, move_stock

from .helpers import make_item, make_stock


@pytest.fixture
def line(personas):
    return make_stock(personas.tree.school_a1, quantity=10)


def test_receive_issue_scrap_and_count_add_up(line, personas):
    user = personas.officer_a
    assert move_stock(line, "receive", 5, "上级配发", user).balance == 15
    assert move_stock(line, "issue", 3, "演练使用", user).balance == 12
    assert move_stock(line, "scrap", 2, "压力不足报废", user).balance == 10
    counted = move_stock(line, "count", 7, "月末盘点", user)
    assert (counted.change, counted.balance) == (-3, 7)
    line.refresh_from_db()
    assert line.quantity == 7
    changes = list(line.movements.order_by("id").values_list("kind", "change", "balance"))
    assert changes == [("receive", 5, 15), ("issue", -3, 12), ("scrap", -2, 10), ("count", -3, 7)]
    assert sum(c for _k, c, _b in changes) == 7 - 10


def test_every_movement_keeps_who_and_why(line, personas):
    movement = move_stock(line, "issue", 1, "借给体育组", personas.officer_a, day=datetime.date(2026, 3, 2))
    assert (movement.created_by, movement.reason, movement.happened_on) == (
        personas.officer_a,
        "借给体育组",
        datetime.date(2026, 3, 2),
    )
    assert movement.organization == personas.tree.school_a1
    with pytest.raises(MovementError, match="原因"):
        move_stock(line, "issue", 1, "  ", personas.officer_a)


def test_stock_never_goes_below_zero(line, personas):
    with pytest.raises(InsufficientStock, match="现有 10"):
        move_stock(line, "issue", 11, "超量出库", personas.officer_a)
    with pytest.raises(InsufficientStock):
        move_stock(line, "scrap", 11, "超量报废", personas.officer_a)
    line.refresh_from_db()
    assert line.quantity == 10 and not line.movements.exists()
    assert move_stock(line, "issue", 10, "全部出库", personas.officer_a).balance == 0


def test_zero_or_negative_quantities_are_refused(line, personas):
    for kind, quantity in (("receive", 0), ("issue", 0), ("issue", -1), ("count", -1)):
        with pytest.raises(MovementError):
            move_stock(line, kind, quantity, "错误", personas.officer_a)
    assert move_stock(line, "count", 0, "全部丢失", personas.officer_a).balance == 0


def test_transfer_moves_stock_between_organisations_with_a_row_on_each_side(personas):
    t = personas.tree
    source = make_stock(t.city, quantity=50, location="市局储备库", expires_on=datetime.date(2030, 1, 1))
    out = move_stock(source, "transfer", 20, "为学校补充", personas.city_staff, destination=t.school_a1)
    target = out.counterpart
    assert (target.organization, target.location, target.quantity) == (t.school_a1, "市局储备库", 20)
    assert target.expires_on == datetime.date(2030, 1, 1)  # the batch keeps its dates
    source.refresh_from_db()
    assert source.quantity == 30
    incoming = StockMovement.objects.get(stock=target)
    assert (incoming.change, incoming.counterpart, incoming.organization) == (20, source, t.school_a1)
    assert out.direction == "调出" and incoming.direction == "调入"
    # A second transfer to the same place lands on the same line.
    move_stock(source, "transfer", 5, "再补充", personas.city_staff, destination=t.school_a1)
    target.refresh_from_db()
    assert target.quantity == 25
    assert Stock.objects.filter(organization=t.school_a1).count() == 1


def test_transfer_to_own_organisation_is_refused(line, personas):
    with pytest.raises(MovementError, match="本单位"):
        move_stock(line, "transfer", 1, "x", personas.officer_a, destination=personas.tree.school_a1)


def test_a_new_batch_received_gets_its_own_line(personas):
    water = make_item("饮用水", "living", "550ml×24瓶", "箱")
    old = make_stock(personas.tree.city, water, 100, "储备库", expires_on=datetime.date(2026, 6, 1))
    movement = move_stock(old, "receive", 40, "新批次", personas.city_staff, expires_on=datetime.date(2027, 5, 1))
    assert movement.stock != old
    assert (movement.stock.batch, movement.stock.quantity, movement.stock.expires_on) == (
        "20270501",
        40,
        datetime.date(2027, 5, 1),
    )
    old.refresh_from_db()
    assert old.quantity == 100
    # The same batch again adds to that batch's line.
    again = move_stock(old, "receive", 10, "同批次补货", personas.city_staff, expires_on=datetime.date(2027, 5, 1))
    assert again.stock == movement.stock and again.balance == 50


def test_movement_form_records_and_redirects_to_the_line(client, line, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("supplies:stockmovement_add"),
        {"stock": line.pk, "kind": "issue", "quantity": 4, "happened_on": "2026-01-05", "reason": "演练消耗"},
    )
    assert response.status_code == 302 and response["Location"] == line.get_absolute_url()
    line.refresh_from_db()
    assert line.quantity == 6
    page = client.get(line.get_absolute_url()).content.decode()
    assert "演练消耗" in page and "officer_a" in page


def test_movement_form_shows_insufficient_stock(client, line, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("supplies:stockmovement_add"),
        {"stock": line.pk, "kind": "issue", "quantity": 40, "happened_on": "2026-01-05", "reason": "多领"},
    )
    assert response.status_code == 200 and "库存不足" in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 10


def test_transfer_out_of_scope_is_refused_by_the_form(client, line, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("supplies:stockmovement_add"),
        {
            "stock": line.pk,
            "kind": "transfer",
            "quantity": 1,
            "happened_on": "2026-01-05",
            "reason": "送给别校",
            "destination": "SB1",
        },
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Stock.objects.filter(organization=personas.tree.school_b1).exists()


def test_district_staff_transfers_between_its_schools(client, personas):
    t = personas.tree
    line = make_stock(t.school_a1, quantity=8)
    client.force_login(personas.district_staff)
    client.post(
        reverse("supplies:stockmovement_add"),
        {
            "stock": line.pk,
            "kind": "transfer",
            "quantity": 3,
            "happened_on": "2026-01-05",
            "reason": "校际调剂",
            "destination": "SA2",
            "destination_location": "器材室",
        },
    )
    assert Stock.objects.get(organization=t.school_a2).quantity == 3
    assert Stock.objects.get(organization=t.school_a2).location == "器材室"


def test_movements_of_another_school_are_404_and_leaders_cannot_move(client, line, personas):
    url = reverse("supplies:stockmovement_add") + f"?stock={line.pk}"
    client.force_login(personas.officer_b)
    assert client.get(url).status_code == 404
    data = {"stock": line.pk, "kind": "issue", "quantity": 1, "happened_on": "2026-01-05", "reason": "x"}
    assert client.post(reverse("supplies:stockmovement_add"), data).status_code == 404
    client.force_login(personas.leader)
    assert client.get(url).status_code == 403
    assert client.post(reverse("supplies:stockmovement_add"), data).status_code == 403
    line.refresh_from_db()
    assert line.quantity == 10


def test_a_new_line_opens_with_a_receipt(client, personas):
    item = make_item()
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("supplies:stock_add"),
        {"organization": "", "item": item.pk, "location": "食堂", "batch": "", "quantity": 6, "keeper": "王老师"},
    )
    assert response.status_code == 302
    line = Stock.objects.get(location="食堂")
    assert line.organization == personas.tree.school_a1
    opening = line.movements.get()
    assert (opening.kind, opening.change, opening.balance, opening.is_opening) == ("receive", 6, 6, True)
    # Editing a line cannot change its quantity: that takes a movement.
    client.post(
        reverse("supplies:stock_edit", args=[line.pk]),
        {"organization": "SA1", "item": item.pk, "location": "食堂", "batch": "", "quantity": 99, "keeper": "王老师"},
    )
    line.refresh_from_db()
    assert line.quantity == 6


def test_maintenance_sets_the_last_check_and_next_due(client, personas):
    line = make_stock(personas.tree.school_a1, last_checked_on=None)
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("supplies:maintenancerecord_add") + f"?stock={line.pk}",
        {"stock": line.pk, "kind": "test", "done_on": "2026-01-10", "result": "good", "done_by": "张师傅"},
    )
    assert response.status_code == 302
    record = line.maintenance.get()
    assert record.next_due_on == datetime.date(2026, 2, 9)  # fire equipment: every 30 days
    assert record.organization == personas.tree.school_a1
    line.refresh_from_db()
    assert line.last_checked_on == datetime.date(2026, 1, 10)
    assert line.next_check_due == datetime.date(2026, 2, 9)
