"""物资普查: the bureau opens one with a deadline, each school confirms or corrects its counts, and
the census page shows who has answered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supplies.models import CensusReturn, Stock, StockMovement, SupplyCensus

from .helpers import make_item, make_stock


@pytest.fixture
def stock(personas):
    t = personas.tree
    kit = make_item("医用急救箱", "medical", "标准型", "个")
    return {
        "a1_extinguisher": make_stock(t.school_a1, quantity=12),
        "a1_kit": make_stock(t.school_a1, kit, 3, "校医室"),
        "city": make_stock(t.city, kit, 50, "储备库"),
        "b1": make_stock(t.school_b1, quantity=6),
    }


def open_census(client, user, **data):
    today = timezone.localdate()
    client.force_login(user)
    fields = {
        "organization": "",
        "title": "年度应急物资普查",
        "opened_on": today.isoformat(),
        "deadline": (today + datetime.timedelta(days=30)).isoformat(),
        "notes": "请各单位核对台账",
    }
    fields.update(data)
    return client.post(reverse("supplies:supplycensus_add"), fields)


def test_opening_a_census_asks_every_school_and_every_office_with_stock(client, personas, stock):
    response = open_census(client, personas.city_staff)
    census = SupplyCensus.objects.get()
    assert response.status_code == 302
    asked = set(census.returns.values_list("organization__code", flat=True))
    assert asked == {"C", "SA1", "SA2", "SB1"}  # the districts keep no stock: not asked
    assert census.returns.get(organization__code="SA1").lines == 2


def test_a_district_census_covers_only_its_district(client, personas, stock):
    open_census(client, personas.district_staff, title="区县A物资普查")
    assert set(CensusReturn.objects.values_list("organization__code", flat=True)) == {"SA1", "SA2"}


def test_schools_cannot_open_a_census(client, personas, stock):
    assert open_census(client, personas.officer_a).status_code == 403
    assert not SupplyCensus.objects.exists()


def test_school_confirms_its_counts_as_they_stand(client, personas, stock):
    open_census(client, personas.city_staff)
    answer = CensusReturn.objects.get(organization__code="SA1")
    client.force_login(personas.officer_a)
    assert "物资普查待确认单位" in client.get(reverse("home")).content.decode()
    page = client.get(answer.get_absolute_url()).content.decode()
    assert "确认本单位物资数量" in page and "医用急救箱" in page
    a1 = stock["a1_extinguisher"]
    kit = stock["a1_kit"]
    client.post(
        reverse("supplies:censusreturn_confirm", args=[answer.pk]), {f"line-{a1.pk}": "12", f"line-{kit.pk}": "3"}
    )
    answer.refresh_from_db()
    assert (answer.status, answer.corrections, answer.confirmed_by) == ("confirmed", 0, personas.officer_a)
    assert not StockMovement.objects.exists()
    assert "物资普查待确认单位" not in client.get(reverse("home")).content.decode()


def test_school_corrects_a_count_as_a_stocktake(client, personas, stock):
    open_census(client, personas.city_staff)
    answer = CensusReturn.objects.get(organization__code="SA1")
    a1, kit = stock["a1_extinguisher"], stock["a1_kit"]
    client.force_login(personas.officer_a)
    client.post(
        reverse("supplies:censusreturn_confirm", args=[answer.pk]),
        {f"line-{a1.pk}": "10", f"line-{kit.pk}": "3", f"line-{stock['b1'].pk}": "0"},  # SB1's line is ignored
    )
    answer.refresh_from_db()
    assert (answer.status, answer.corrections) == ("corrected", 1)
    correction = StockMovement.objects.get()
    assert (correction.kind, correction.change, correction.balance, correction.census_return) == (
        "count",
        -2,
        10,
        answer,
    )
    assert "年度应急物资普查" in correction.reason
    assert Stock.objects.get(pk=stock["b1"].pk).quantity == 6


def test_census_page_shows_who_has_answered(client, personas, stock, django_assert_max_num_queries):
    from supplies.census import answer

    open_census(client, personas.city_staff)
    census = SupplyCensus.objects.get()
    answer(CensusReturn.objects.get(organization__code="SA1"), {}, personas.officer_a)
    answer(CensusReturn.objects.get(organization__code="SB1"), {stock["b1"].pk: 5}, personas.officer_b)
    client.force_login(personas.city_staff)
    with django_assert_max_num_queries(12):
        response = client.get(census.get_absolute_url())
    assert (response.context["total"], response.context["confirmed"], response.context["corrected"]) == (4, 1, 1)
    assert response.context["rate"] == 50.0
    rows = {r["name"]: (r["total"], r["answered"]) for r in response.context["by_child"]}
    assert rows == {"市教育局（本级）": (1, 0), "区县A教育局": (2, 1), "区县B教育局": (1, 1)}
    assert [r.organization.code for r in response.context["waiting"]] == ["C", "SA2"]
    # The list of returns shows each school's answer, in the viewer's scope.
    client.force_login(personas.district_staff)
    body = client.get(reverse("supplies:censusreturn_list") + f"?census={census.pk}").content.decode()
    assert "A区第一小学" in body and "B区第一小学" not in body


def test_a_closed_census_takes_no_more_answers(client, personas, stock):
    open_census(client, personas.city_staff)
    census = SupplyCensus.objects.get()
    census.status = "closed"
    census.save()
    answer = CensusReturn.objects.get(organization__code="SA1")
    client.force_login(personas.officer_a)
    client.post(reverse("supplies:censusreturn_confirm", args=[answer.pk]), {f"line-{stock['a1_kit'].pk}": "1"})
    answer.refresh_from_db()
    assert answer.status == "pending"
    assert Stock.objects.get(pk=stock["a1_kit"].pk).quantity == 3


def test_another_school_cannot_answer_for_mine(client, personas, stock):
    open_census(client, personas.city_staff)
    answer = CensusReturn.objects.get(organization__code="SA1")
    client.force_login(personas.officer_b)
    assert client.post(reverse("supplies:censusreturn_confirm", args=[answer.pk]), {}).status_code == 404
    client.force_login(personas.leader)
    assert client.post(reverse("supplies:censusreturn_confirm", args=[answer.pk]), {}).status_code == 403
    answer.refresh_from_db()
    assert answer.status == "pending"
