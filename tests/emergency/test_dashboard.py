"""The leadership dashboard: known figures, scope, and a query count that does not grow with data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emergency.dashboard import CHILDREN_PER_PAGE
from emergency.models import Organization, Role
from tests.factories import make_org, make_user
from tests.worker import celery_worker, wait_for  # noqa: F401

from .conftest import YEAR, group


def metric(response, key):
    for panel in response.context["panels"]:
        for m in panel.metrics:
            if m.key == key:
                return m.value
    raise KeyError(key)


def test_group_rate_on_a_known_tree(client, personas, known_tree):
    client.force_login(personas.leader)
    response = client.get(reverse("emergency:dashboard"), {"year": YEAR})
    assert metric(response, "group_rate") == 40.0  # DA and SA1 of five units below the city
    rows = {row["name"]: row for row in response.context["table"].data}
    assert set(rows) == {"区县A教育局", "区县B教育局"}
    assert rows["区县A教育局"]["group_rate"] == 50.0  # SA1 of SA1 and SA2: DA's own figure, the units below it
    drill = f'class="district-link" href="/dashboard/?org={known_tree.district_a.pk}&amp;year={YEAR}"'
    assert drill in response.content.decode()
    listed = f'href="/drills/?org={known_tree.district_a.pk}&amp;year={YEAR}"'  # a figure links to its list
    assert listed in response.content.decode()


def test_a_district_leader_sees_only_the_district(client, personas, known_tree):
    district_leader = make_user("district_leader", known_tree.district_a, Role.LEADER)
    client.force_login(district_leader)
    response = client.get(reverse("emergency:dashboard"), {"year": YEAR})
    assert response.context["org"] == known_tree.district_a
    assert [row["name"] for row in response.context["table"].data] == ["A区第一小学", "A区第二小学"]
    assert metric(response, "group_rate") == 50.0
    assert client.get(reverse("emergency:dashboard"), {"org": known_tree.district_b.pk}).status_code == 404
    assert client.get(reverse("emergency:dashboard"), {"org": known_tree.city.pk}).status_code == 404


def test_drilling_down_to_a_district_shows_its_schools(client, personas, known_tree):
    client.force_login(personas.leader)
    response = client.get(reverse("emergency:dashboard"), {"org": known_tree.district_a.pk, "year": YEAR})
    assert [row["name"] for row in response.context["table"].data] == ["A区第一小学", "A区第二小学"]
    assert response.context["parent"] == known_tree.city


def test_children_are_sorted_and_paged_on_the_server(client, personas, known_tree):
    for d in range(25):
        district = make_org(f"XD{d:02d}", parent=known_tree.city, name=f"新区{d:02d}")
        if d == 7:
            group(make_org("XD07S0", parent=district))  # its one unit below: 100 %
    client.force_login(personas.leader)
    url = reverse("emergency:dashboard")

    def names(**params):
        table = client.get(url, {"year": YEAR, **params}).context["table"]
        return [row.record["name"] for row in table.paginated_rows]

    assert len(names()) == CHILDREN_PER_PAGE and len(names(page=2)) == 27 - CHILDREN_PER_PAGE
    assert names(sort="-group_rate")[:2] == ["新区07", "区县A教育局"]  # 100 %, 50 %
    assert names(sort="name")[0] == "区县A教育局" and names(sort="-name")[0] == "新区24"
    chart = client.get(url, {"year": YEAR, "page": 2}).context["charts"][0]
    assert chart["key"] == "children_compared" and chart["categories"] == names(page=2)


@pytest.mark.parametrize("districts", [0, 12])
def test_query_count_does_not_grow_with_the_tree(client, personas, known_tree, django_assert_num_queries, districts):
    for d in range(districts):
        district = make_org(f"XD{d}", parent=known_tree.city)
        for s in range(5):
            school = make_org(f"XD{d}S{s}", parent=district)
            group(school)
    client.force_login(personas.leader)
    # 3: session, user, user's organisation; 2: the database snapshot, for the panels and for the to-do
    # lines (a test's own open transaction has written, so both are built); 2: the organisation and the
    # user they are built for (a worker builds them from ids); 1: the district table's children (read
    # with the panels); 1: the first and last day records are dated (the year list, emergency.years);
    # per panel: 体系建设 2 (units, groups per child), 预案 1 (per child, added up for the totals), 演练 4
    # (both years per child, by month, compliance's requirements and districts judged by the database),
    # 隐患 2 (found both years and closed/open/overdue per child; found by category and state), 物资 3
    # (totals, units below standard, per child), 值班 3 (the bureau's roster, incidents, per child), 宣传 1
    # (both years per child); the to-do panels 6 (plans, drill schedules, hazards, supply alerts, census,
    # incidents).
    with django_assert_num_queries(31):
        assert client.get(reverse("emergency:dashboard"), {"year": YEAR}).status_code == 200


@pytest.mark.alone
def test_panels_come_from_the_cache_until_a_write_commits(transactional_db, client, personas, known_tree):
    client.force_login(personas.leader)
    url = reverse("emergency:dashboard")
    first = client.get(url, {"year": YEAR})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"year": YEAR})
    assert metric(first, "group_rate") == metric(again, "group_rate") == 40.0
    # session, user, organisation, the years that have records (the year list), the panels' snapshot
    # (the children's rows come with the panels), the to-do lines' snapshot
    assert len(queries) == 6
    group(known_tree.school_a2)  # committed at once: no test transaction here
    assert metric(client.get(url, {"year": YEAR}), "group_rate") == 60.0
    client.cookies["django_language"] = "en"  # labels are translated when built: another entry
    english = client.get(url, {"year": YEAR})
    assert english.status_code == 200 and metric(english, "group_rate") == 60.0


def test_slow_panels_are_shown_as_last_built_while_a_worker_builds_them_again(
    client,
    personas,
    known_tree,
    celery_worker,  # noqa: F811
    settings,
):
    settings.FIGURES_BUILD_BUDGET = 0  # every build is "slow", as a province's are
    client.force_login(personas.leader)
    url = reverse("emergency:dashboard")
    first = client.get(url, {"year": YEAR})  # nothing to show yet: built in the request
    assert metric(first, "group_rate") == 40.0 and not first.context["figures"].refreshing
    group(known_tree.school_a2)  # committed at once: no test transaction here
    stale = client.get(url, {"year": YEAR})
    assert metric(stale, "group_rate") == 40.0 and stale.context["figures"].refreshing
    assert "正在重新统计" in stale.content.decode()
    assert stale.context["figures"].built_at == first.context["figures"].built_at

    def refreshed():
        response = client.get(url, {"year": YEAR})
        return None if response.context["figures"].refreshing else response

    # Any transaction ending on the server (another test's) makes the worker's new value old again.
    fresh = wait_for(refreshed, timeout=90)
    assert metric(fresh, "group_rate") == 60.0 and fresh.context["figures"].built_at > first.context["figures"].built_at
    assert "正在重新统计" not in fresh.content.decode()


def test_slow_panels_are_built_in_the_request_when_the_broker_refuses_the_refresh(
    transactional_db, client, personas, known_tree, settings, monkeypatch
):
    from kombu.exceptions import OperationalError

    from emergency.tasks import refresh_figures

    def refused(*args, **kwargs):
        raise OperationalError("the broker has gone away")

    settings.FIGURES_BUILD_BUDGET = 0
    client.force_login(personas.leader)
    url = reverse("emergency:dashboard")
    client.get(url, {"year": YEAR})
    monkeypatch.setattr(refresh_figures, "delay", refused)
    group(known_tree.school_a2)
    response = client.get(url, {"year": YEAR})
    assert metric(response, "group_rate") == 60.0 and not response.context["figures"].refreshing


def test_panels_built_side_by_side_match_one_by_one_and_close_their_connections(transactional_db, known_tree):
    from django.db import transaction

    from emergency.dashboard import build_figures

    def open_connections():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    group(known_tree.school_a2)
    before = open_connections()
    side_by_side = build_figures(known_tree.city.pk, YEAR)
    assert open_connections() == before
    with transaction.atomic():  # inside a transaction: one by one, on its own connection
        one_by_one = build_figures(known_tree.city.pk, YEAR)
    assert side_by_side == one_by_one
    assert [p.title for p in side_by_side[0]][:2] == ["体系建设", "应急预案"]  # in registration order


def test_the_dashboard_serves_without_its_cache(transactional_db, client, personas, known_tree, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: Redis is down
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client.force_login(personas.leader)
    response = client.get(reverse("emergency:dashboard"), {"year": YEAR})
    assert response.status_code == 200 and metric(response, "group_rate") == 40.0


@pytest.mark.alone
def test_one_request_builds_the_panels_the_others_wait_for_them(transactional_db, known_tree, monkeypatch):
    import threading

    from django.db import connections

    from emergency import cache, dashboard

    builds = []
    waiting = threading.Semaphore(0)
    wait_for_the_build = cache._wait_for

    def waits(*args):
        waiting.release()
        return wait_for_the_build(*args)

    def slow_build(org_pk, year):
        builds.append(org_pk)
        for _ in range(2):  # until both other requests have found this one building
            assert waiting.acquire(timeout=30)
        return [dashboard.Panel(f"{Organization.objects.get(pk=org_pk).code} {year}")], []

    monkeypatch.setitem(cache.builders, "dashboard", slow_build)
    monkeypatch.setattr(cache, "_wait_for", waits)
    results = []

    def request():
        try:
            results.append(dashboard.built_panels(known_tree.city, YEAR).value)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds == [known_tree.city.pk]
    assert [[p.title for p in built] for built, _rows in results] == [[f"C {YEAR}"]] * 3


def test_to_do_lines_are_kept_per_organisation_and_role_until_a_write_commits(transactional_db, personas):
    import datetime

    from emergency import dashboard
    from tests.hazards.helpers import make_hazard

    colleague = make_user("city_staff_2", personas.tree.city, Role.STAFF)

    def overdue(user):
        return {item.text: item.count for item in dashboard.user_todo(user)}.get("逾期未整改隐患数", 0)

    assert overdue(personas.city_staff) == 0
    make_hazard(personas.tree.school_a1, deadline=datetime.date(2020, 1, 1))  # committed at once
    assert overdue(colleague) == overdue(personas.city_staff) == 1


def test_a_rate_with_nothing_to_divide_by_shows_a_dash_not_zero(client, personas, known_tree):
    from tests.hazards.helpers import make_hazard

    client.force_login(personas.leader)
    url = reverse("emergency:dashboard")
    city = client.get(url, {"year": YEAR})
    assert metric(city, "rectification_rate") is None  # no hazard anywhere: nothing was left unrectified either
    assert 'data-metric="rectification_rate">—</a>' in city.content.decode()
    make_hazard(known_tree.school_a1, found_on=datetime.date(YEAR, 3, 1))  # open: none of one rectified
    district = client.get(url, {"org": known_tree.district_a.pk, "year": YEAR})
    rows = {row["name"]: row for row in district.context["table"].data}
    assert rows["A区第一小学"]["rectification_rate"] == 0.0
    assert rows["A区第二小学"]["rectification_rate"] is None and rows["A区第二小学"]["hazards_overdue"] == 0
    assert metric(district, "rectification_rate") == 0.0
