"""Every count on the dashboard and in the to-do panel opens a list of exactly that many records,
for the demo city, one of its districts and one school, in 2008 and in the year the dashboard opens
on; each figure's aggregate equals its queryset; and the dashboard and the compiled summary give the
same figure the same number."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from emergency import registry
from emergency.demo import CITY_CODE, DEMO_YEAR
from emergency.models import LeadershipGroup, Organization, OrganizationKind, SummaryRun, User
from emergency.tasks import compile_summary

LINK = re.compile(r'<a ([^>]*data-metric="[^"]+"[^>]*)>([\d,.]+)</a>')
OF = re.compile(r'data-of="([^"]+)">([\d,]+) / ([\d,]+)<')
TODO_LINE = re.compile(r'<a href="([^"]+)">([^<]+)</a><span class="badge[^"]*">(\d+)</span>')
LISTED = re.compile(r"共 ([\d,]+) 条")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo")
        city = Organization.objects.get(code=CITY_CODE)
        district = Organization.objects.filter(parent=city).order_by("code").first()
        # The school with the most hazards: it has records in every area.
        school = (
            Organization.objects.filter(kind=OrganizationKind.SCHOOL, path__startswith=district.path)
            .annotate(n=Count("hazard"))
            .order_by("-n", "code")
            .first()
        )
        yield city, district, school
        call_command("flush", interactive=False, verbosity=0)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def attribute(attributes: str, name: str) -> str:
    return re.search(rf'{name}="([^"]*)"', attributes).group(1).replace("&amp;", "&")


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    found = LISTED.search(response.content.decode())
    assert found, url
    return number(found.group(1))


def dashboard(client, org, year):
    params = {"org": org.pk, **({"year": year} if year else {})}
    response = client.get(reverse("emergency:dashboard"), params)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("year", [DEMO_YEAR, None])  # None: the year the dashboard opens on
@pytest.mark.parametrize("level", ["city", "district", "school"])
def test_every_count_on_the_dashboard_opens_exactly_its_records(client, demo, year, level):
    org = dict(zip(("city", "district", "school"), demo, strict=True))[level]
    client.force_login(User.objects.get(username="city_leader"))
    response = dashboard(client, org, year)
    period = registry.Period.of(response.context["year"])
    body = response.content.decode()
    checked = 0
    for attributes, shown in LINK.findall(body):
        key, href = attribute(attributes, "data-metric"), attribute(attributes, "href")
        figure = registry.figures.get(key)
        if isinstance(figure, registry.Figure) and figure.counts_records:
            assert listed(client, href) == number(shown), (key, href)
            checked += 1
    for key, part, _whole in OF.findall(body):  # a rate's card opens its numerator's list
        figure = registry.figures[key]
        numerator = registry.figures[figure.numerator]
        if numerator.counts_records:
            assert listed(client, numerator.url(org, period)) == number(part), key
    # The cards' aggregates equal each figure's own queryset, counted here on its own.
    for panel in response.context["panels"]:
        for metric in panel.metrics:
            figure = registry.figures.get(metric.key)
            if isinstance(figure, registry.Figure) and figure.counts_records:
                assert figure.queryset(org, period).count() == metric.value, metric.key
            assert metric.as_of == period.said
    assert checked >= 10
    if level == "school":
        assert response.context["table"] is None and 'id="district-table"' not in body
        assert "group_rate" not in body  # no rates over children a school does not have
    else:
        assert 'id="district-table"' in body


@pytest.mark.django_db
def test_a_school_dashboard_shows_its_own_leadership_group(client, demo):
    _city, _district, school = demo
    client.force_login(User.objects.get(username="city_leader"))
    body = dashboard(client, school, DEMO_YEAR).content.decode()
    own = re.search(r'data-metric="own_group">(\d+)<', body)
    groups = LeadershipGroup.objects.filter(organization=school, established_on__lte=datetime.date(DEMO_YEAR, 12, 31))
    assert own and int(own.group(1)) == groups.count() == 1
    assert "领导小组成立率" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["city_staff", "city_leader", "district_staff", "school_officer"])
def test_every_to_do_line_opens_exactly_its_records(client, demo, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    body = dashboard(client, user.organization, None).content.decode()
    todo = body[body.index('id="todo"') :]
    todo = todo[: todo.index("</ul>")]
    lines = TODO_LINE.findall(todo)
    assert lines
    for href, text, count in lines:
        href = href.replace("&amp;", "&")
        if "/roster/" in href:
            continue  # hours of roster gaps, shown on the roster month: not a count of records
        assert listed(client, href) == int(count), (text, href)


@pytest.mark.django_db
def test_the_overdue_hazards_card_of_the_running_year_is_the_to_do_line(client, demo):
    city, _district, _school = demo
    client.force_login(User.objects.get(username="city_staff"))
    body = dashboard(client, city, timezone.localdate().year).content.decode()
    card = number(re.search(r'data-metric="hazards_overdue">([\d,]+)<', body).group(1))
    overdue = registry.figures["hazards_overdue"]
    line = re.search(rf"<a href=\"[^\"]+\">{overdue.name}</a><span class=\"badge[^\"]*\">(\d+)<", body)
    assert card == int(line.group(1)) == overdue.queryset(city, registry.Period.now()).count()


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["city", "district"])
def test_the_dashboard_and_the_summary_agree_figure_by_figure(client, demo, level):
    org = dict(zip(("city", "district", "school"), demo, strict=True))[level]
    run = SummaryRun.objects.create(organization=org, year=DEMO_YEAR)
    compile_summary.apply(args=[run.pk], throw=True)
    run.refresh_from_db()
    summary = {f["key"]: f["value"] for f in run.figures}
    client.force_login(User.objects.get(username="city_leader"))
    response = dashboard(client, org, DEMO_YEAR)
    shown = {m.key: m.value for panel in response.context["panels"] for m in panel.metrics}
    shared = sorted(set(shown) & set(summary))
    assert len(shared) >= 10, shared
    assert {key: shown[key] for key in shared} == {key: summary[key] for key in shared}
    assert "截至2008年12月31日" in response.content.decode()
