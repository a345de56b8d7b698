"""The permission matrix every area's tests call (the NetBox `utilities/testing/views.py` idea):
anonymous → login, out of scope → 404, read-only roles → 403 on writes, in scope → 200."""

from __future__ import annotations

from django.db import models
from django.urls import NoReverseMatch, reverse

from emergency.generic import url_name

WRITE_ACTIONS = {"edit", "delete"}
# Who sees a record of school SA1 (inside) and of school SB1 (outside), per persona.
SEES = {
    "admin": (True, True),
    "city_staff": (True, True),
    "leader": (True, True),
    "district_staff": (True, False),
    "officer_a": (True, False),
    "officer_b": (False, True),
}


def object_urls(obj: models.Model, actions) -> dict[str, str]:
    urls = {}
    for action in actions:
        try:
            urls[action] = reverse(url_name(type(obj), action), args=[obj.pk])
        except NoReverseMatch:
            continue
    return urls


def assert_scope_matrix(
    client,
    personas,
    inside: models.Model,
    outside: models.Model,
    actions=("detail", "edit", "history", "delete"),
    list_url: str | None = None,
) -> int:
    """Check every persona against a record inside SA1 and one inside SB1; returns the checks made."""
    checks = 0
    model = type(inside)
    if list_url is None:
        list_url = reverse(url_name(model, "list"))
    client.logout()
    for obj in (inside, outside):
        for url in object_urls(obj, actions).values():
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
            checks += 1
    assert client.get(list_url).status_code == 302
    for name, user in personas.all().items():
        client.force_login(user)
        listing = client.get(list_url)
        assert listing.status_code == 200, (name, list_url)
        body = listing.content.decode()
        for obj, visible in zip((inside, outside), SEES[name], strict=True):
            assert (obj.get_absolute_url() in body) == visible, (name, obj, "list")
            for action, url in object_urls(obj, actions).items():
                response = client.get(url)
                if not visible:
                    expected = 404
                elif action in WRITE_ACTIONS and not user.can_write:
                    expected = 403
                else:
                    expected = 200
                assert response.status_code == expected, (name, action, url, response.status_code)
                checks += 1
                if action in WRITE_ACTIONS and expected != 200:
                    # A write by POST is refused the same way and changes nothing.
                    assert client.post(url, {}).status_code == expected, (name, action, "POST")
                    assert model._default_manager.filter(pk=obj.pk).exists()
                    checks += 1
        client.logout()
    return checks


# Who manages an account of school SA1 (inside) and of school SB1 (outside), per persona; None:
# manages nobody, so the account list is refused (403) and every account is out of reach (404).
MANAGES = {
    "admin": (True, True),
    "city_staff": (True, True),
    "leader": None,
    "district_staff": (True, False),
    "officer_a": None,
    "officer_b": None,
}


def assert_account_matrix(client, personas, inside, outside, actions=("detail", "edit", "history")) -> int:
    """The scope matrix of the account pages: anonymous → login, the list to someone managing nobody
    → 403, an account outside one's reach → 404, inside → 200; returns the checks made."""
    checks = 0
    list_url = reverse("emergency:user_list")
    client.logout()
    for url in [list_url, *object_urls(inside, actions).values()]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        checks += 1
    for name, user in personas.all().items():
        client.force_login(user)
        reach = MANAGES[name]
        listing = client.get(list_url)
        assert listing.status_code == (403 if reach is None else 200), (name, listing.status_code)
        for obj, visible in zip((inside, outside), reach or (False, False), strict=True):
            if reach is not None:
                assert (obj.get_absolute_url() in listing.content.decode()) == visible, (name, obj, "list")
            for action, url in object_urls(obj, actions).items():
                expected = 200 if visible else 404
                assert client.get(url).status_code == expected, (name, action, url)
                checks += 1
                if action == "edit" and expected != 200:
                    assert client.post(url, {"role": "admin"}).status_code == expected, (name, "POST", url)
                    obj.refresh_from_db()
                    assert obj.role != "admin"
                    checks += 1
        client.logout()
    return checks
