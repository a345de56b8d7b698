"""Which years have records, and the year the dashboard, the compliance report, the roster and the
summary form open on: the latest with records, never later than today."""

import datetime

from django.urls import reverse
from django.utils import timezone

from emergency.years import record_span
from tests.drills.helpers import make_drill


def test_pages_open_on_the_latest_year_that_has_records(client, personas):
    tree = personas.tree
    make_drill(tree.school_a1, "2007-04-10")
    make_drill(tree.school_a1, "2008-09-10")
    make_drill(tree.school_a1, (timezone.localdate() + datetime.timedelta(days=40)).isoformat())  # planned ahead
    this_year = timezone.localdate().year
    client.force_login(personas.city_staff)

    dashboard = client.get(reverse("emergency:dashboard"))
    assert dashboard.context["year"] == 2008
    assert dashboard.context["years"] == [this_year, 2008, 2007]
    assert '<option value="2008" selected>' in dashboard.content.decode()
    report = client.get(reverse("drills:compliance")).context["form"].data
    assert (report["start"], report["end"]) == ("2008-01", "2008-12")
    assert client.get(reverse("duty:roster_month"), {"org": "C"}).context["month_value"] == "2008-09"
    assert client.get(reverse("emergency:summaryrun_list")).context["form"]["year"].initial == 2008


def test_without_records_pages_open_on_the_current_year(client, personas):
    today = timezone.localdate()
    span = record_span()
    assert (span.years, span.latest_year, span.latest_month) == ([today.year], today.year, today.replace(day=1))
    client.force_login(personas.city_staff)
    assert client.get(reverse("emergency:dashboard")).context["year"] == today.year
    report = client.get(reverse("drills:compliance")).context["form"].data
    assert (report["start"], report["end"]) == (f"{today.year}-01", f"{today:%Y-%m}")


def test_the_years_are_read_in_one_query(personas, django_assert_num_queries):
    make_drill(personas.tree.school_a1, "2019-05-10")
    with django_assert_num_queries(1):
        assert record_span().years[-1] == 2019
