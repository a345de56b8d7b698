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
