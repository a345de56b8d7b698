"""Alerts on known data: expiring within 30 days, expired, below the reserve standard, inspection
overdue — raised for an organisation's subtree, resolved when the condition goes, and the daily
job is safe to run twice."""

import datetime

import pytest
from django.urls import reverse

from emergency.celery import app as celery_app
from emergency.models import Stage
from supplies.alerts import refresh_alerts, reserve_gaps
from supplies.models import Stock, SupplyAlert
from supplies.movements import move_stock
from supplies.tasks import refresh_supply_alerts
from tests.worker import celery_worker, wait_for  # noqa: F401

from .helpers import make_item, make_standard, make_stock

TODAY = datetime.date(2026, 6, 1)


def open_alerts():
    return sorted(
        (a.kind, a.organization.code, a.item.name, a.stock.location if a.stock else "")
        for a in SupplyAlert.objects.open().select_related("organization", "item", "stock")
    )


@pytest.fixture
def known(personas):
    """SA1: kits expiring in 10 days, medicine expired, an extinguisher overdue for inspection.
    SA2: fine. SB1: only 3 extinguishers against the city's standard of 10. City: its warehouse."""
    t = personas.tree
    kit = make_item("医用急救箱", "medical", "标准型", "个")
    medicine = make_item("急救药品包", "medical", "校园型", "套")
    extinguisher = make_item()  # fire: inspected every 30 days
    make_stock(t.school_a1, kit, 3, "校医室", expires_on=TODAY + datetime.timedelta(days=10), last_checked_on=TODAY)
    make_stock(t.school_a1, medicine, 4, "校医室", expires_on=TODAY - datetime.timedelta(days=1), last_checked_on=TODAY)
    make_stock(t.school_a1, extinguisher, 12, "教学楼", last_checked_on=TODAY - datetime.timedelta(days=31))
    make_stock(t.school_a2, extinguisher, 12, "教学楼", last_checked_on=TODAY - datetime.timedelta(days=30))
    make_stock(t.school_a2, kit, 3, "校医室", expires_on=TODAY + datetime.timedelta(days=31), last_checked_on=TODAY)
    make_stock(t.school_b1, extinguisher, 3, "教学楼", last_checked_on=TODAY)
    make_standard(t.city, extinguisher, 10)
    return t


def test_each_condition_raises_its_alert(known):
    result = refresh_alerts(today=TODAY)
    assert open_alerts() == [
        ("below_standard", "SB1", "干粉灭火器", ""),
        ("expired", "SA1", "急救药品包", "校医室"),
        ("expiring", "SA1", "医用急救箱", "校医室"),
        ("inspection_overdue", "SA1", "干粉灭火器", "教学楼"),
    ]
    assert result.raised == 4
    below = SupplyAlert.objects.get(kind="below_standard")
    assert below.detail == "储备标准10具，可用3具，缺7具"


def test_refreshing_twice_changes_nothing(known):
    refresh_alerts(today=TODAY)
    before = list(SupplyAlert.objects.values_list("pk", "kind", "detail", "resolved_on").order_by("pk"))
    again = refresh_alerts(today=TODAY)
    assert (again.raised, again.resolved, again.still_open) == (0, 0, 4)
    assert list(SupplyAlert.objects.values_list("pk", "kind", "detail", "resolved_on").order_by("pk")) == before


def test_alerts_resolve_when_the_condition_goes(known, personas):
    refresh_alerts(today=TODAY)
    medicine = Stock.objects.get(organization=known.school_a1, item__name="急救药品包")
    move_stock(medicine, "scrap", 4, "过期报废", personas.officer_a, refresh=False)
    b1 = Stock.objects.get(organization=known.school_b1)
    move_stock(b1, "receive", 7, "补齐", personas.officer_b, refresh=False)
    result = refresh_alerts(today=TODAY)
    assert result.resolved == 2
    assert [k for k, *_ in open_alerts()] == ["expiring", "inspection_overdue"]
    assert SupplyAlert.objects.filter(resolved_on=TODAY).count() == 2


def test_a_subtree_refresh_touches_only_that_subtree(known):
    refresh_alerts(known.district_a, today=TODAY)
    assert {code for _k, code, *_ in open_alerts()} == {"SA1"}
    refresh_alerts(known.school_b1, today=TODAY)
    assert {code for _k, code, *_ in open_alerts()} == {"SA1", "SB1"}  # the city's standard applies below it


def test_expired_stock_does_not_count_towards_the_reserve(personas):
    t = personas.tree
    extinguisher = make_item()
    make_stock(t.school_a1, extinguisher, 8, "一楼", last_checked_on=TODAY)
    make_stock(
        t.school_a1, extinguisher, 5, "二楼", expires_on=TODAY - datetime.timedelta(days=3), last_checked_on=TODAY
    )
    make_standard(t.city, extinguisher, 10)
    gaps = reserve_gaps(t.school_a1, TODAY)
    assert [(g.held, g.minimum) for g in gaps] == [(8, 10)]


def test_the_most_specific_standard_applies(personas):
    t = personas.tree
    t.school_a2.stage = Stage.KINDERGARTEN
    t.school_a2.save()
    lamp = make_item("应急照明灯", "lighting", "LED", "盏")
    for school in (t.school_a1, t.school_a2, t.school_b1):
        make_stock(school, lamp, 7, "教学楼", last_checked_on=TODAY)
    make_standard(t.city, lamp, 10)  # every school
    make_standard(t.city, lamp, 6, stage=Stage.KINDERGARTEN)  # kindergartens need fewer
    make_standard(t.district_b, lamp, 5, target=t.school_b1)  # this one school, set by its district
    gaps = {(g.organization_id, g.minimum) for g in reserve_gaps(None, TODAY)}
    assert gaps == {(t.school_a1.pk, 10)}


def test_the_daily_job_is_scheduled_and_refreshes_idempotently(known):
    celery_app.finalize()  # the apps' jobs join beat's schedule here
    assert celery_app.conf.beat_schedule["refresh-supply-alerts"]["task"] == "supplies.tasks.refresh_supply_alerts"
    first = refresh_supply_alerts.run()
    second = refresh_supply_alerts.run()
    assert second["raised"] == 0 and second["still_open"] == first["raised"] + first["still_open"]


def test_the_daily_job_runs_in_a_real_worker(known, celery_worker):  # noqa: F811
    refresh_supply_alerts.delay(known.city.pk)
    wait_for(lambda: SupplyAlert.objects.exists())
    assert SupplyAlert.objects.open().count() >= 1


def test_alert_pages_are_scoped_and_refreshable(client, known, personas):
    refresh_alerts(today=TODAY)
    client.force_login(personas.officer_b)
    body = client.get(reverse("supplies:supplyalert_list")).content.decode()
    assert "低于储备标准" in body and "急救药品包" not in body
    client.force_login(personas.leader)
    assert client.post(reverse("supplies:supplyalert_refresh")).status_code == 403
    client.force_login(personas.officer_a)
    response = client.post(reverse("supplies:supplyalert_refresh"), follow=True)
    assert "预警已刷新" in response.content.decode()


def test_home_page_lists_open_alerts_and_census_to_answer(client, known, personas):
    refresh_alerts(today=TODAY)
    client.force_login(personas.officer_a)
    body = client.get(reverse("home")).content.decode()
    assert "物资预警：已过期" in body and "物资预警：低于储备标准" not in body
