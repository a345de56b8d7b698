"""Outreach pages in scope, the event form, and list query counts pinned at two data sizes."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from emergency.models import Attachment
from outreach.models import OutreachEvent
from tests.permissions import assert_scope_matrix

from .helpers import make_campaign, make_event, make_plan


def test_scope_matrix_on_events(client, personas):
    t = personas.tree
    assert_scope_matrix(client, personas, make_event(t.school_a1), make_event(t.school_b1))


def test_scope_matrix_on_campaigns(client, personas):
    t = personas.tree
    assert_scope_matrix(client, personas, make_campaign(t.school_a1), make_campaign(t.school_b1))


def test_school_records_an_event_in_the_city_campaign(client, personas):
    t = personas.tree
    week = make_campaign(t.city, plan=make_plan(t.city))
    client.force_login(personas.officer_a)
    form_page = client.get(reverse("outreach:outreachevent_add")).content.decode()
    assert "2026年应急管理宣传周" in form_page  # the bureau's campaign is offered to the school
    response = client.post(
        reverse("outreach:outreachevent_add"),
        {
            "organization": "",
            "name": "防震主题班会",
            "held_on": "2026-03-24",
            "form": "class_meeting",
            "topics": ["earthquake", "fire"],
            "campaign": week.pk,
            "participants": 420,
            "banners": 1,
            "posters": 3,
            "boards": 0,
            "leaflets": 50,
        },
    )
    assert response.status_code == 302
    event = OutreachEvent.objects.get()
    assert (event.organization, event.campaign, event.topics) == (t.school_a1, week, ["earthquake", "fire"])
    assert "防震、防火" in client.get(event.get_absolute_url()).content.decode()
    # The city's campaign page stays the city's: the school cannot open it.
    assert client.get(week.get_absolute_url()).status_code == 404


def test_campaign_of_another_district_cannot_be_chosen(client, personas):
    t = personas.tree
    other = make_campaign(t.district_b, name="区县B宣传周")
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("outreach:outreachevent_add"),
        {"name": "班会", "held_on": "2026-03-24", "form": "class_meeting", "campaign": other.pk, "participants": 1},
    )
    assert response.status_code == 200 and not OutreachEvent.objects.exists()


def test_event_in_the_future_is_refused(client, personas):
    client.force_login(personas.officer_a)
    later = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("outreach:outreachevent_add"), {"name": "班会", "held_on": later, "form": "class_meeting"}
    )
    assert "不能晚于今天" in response.content.decode()


def test_campaign_page_counts_the_events_the_viewer_may_see(client, personas):
    t = personas.tree
    week = make_campaign(t.city, plan=make_plan(t.city))
    make_event(t.school_a1, campaign=week, banners=2, leaflets=100, participants=300)
    make_event(t.school_b1, campaign=week, banners=5, leaflets=10, participants=200)
    client.force_login(personas.city_staff)
    totals = client.get(week.get_absolute_url()).context["totals"]
    assert (totals["events"], totals["banners"], totals["leaflets"], totals["participants"]) == (2, 7, 110, 500)


def test_event_photos_are_attachments(client, personas):
    event = make_event(personas.tree.school_a1)
    ct = ContentType.objects.get_for_model(OutreachEvent)
    client.force_login(personas.officer_a)
    assert "附件与照片" in client.get(event.get_absolute_url()).content.decode()
    photo = ContentFile(b"\x89PNG fake", name="班会.png")
    client.post(reverse("emergency:attachment_add", args=[ct.pk, event.pk]), {"kind": "photo", "file": photo})
    assert Attachment.objects.get().record == event


# session, user, user's organisation (scope), COUNT, one page of rows with their organisation (and
# the campaign's plan and event count, annotated), and the bureaus for the 单位 filter.
@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("url_name", ["outreach:outreachevent_list", "outreach:outreachcampaign_list"])
def test_list_query_counts_are_pinned(client, personas, django_assert_num_queries, url_name, size):
    t = personas.tree
    plan = make_plan(t.city)
    for i in range(size):
        week = make_campaign(t.city, name=f"宣传活动{i}", plan=plan)
        make_event(t.school_a1, name=f"活动{i}", campaign=week)
    client.force_login(personas.city_staff)
    with django_assert_num_queries(6):
        assert client.get(reverse(url_name)).status_code == 200
