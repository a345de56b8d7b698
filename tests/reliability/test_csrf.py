"""Every state change needs the CSRF token: a POST without it is refused on every URL of the
project (the URLs and their objects from the access test's walk of the URLconf)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from .conftest import FIGURES
from .site import routes
from .state import fingerprint
from .test_access import PUBLIC, World, targets, tree  # noqa: F401 (tree: the access test's codes)


def test_every_post_needs_the_csrf_token(personas):
    """A POST without the token is refused before any view runs, for every URL (signed in or not)."""
    world = World(personas)
    problems, checks = [], 0
    who = ("city_staff", "officer_a", "leader")
    plan = {(r.name, name): targets(r, world, name) for r in routes() for name in who}
    state = fingerprint()
    for route in routes():
        url_name = route.name.rpartition(":")[2]
        for name in who:
            client = Client(enforce_csrf_checks=True, raise_request_exception=False)
            if url_name not in PUBLIC:
                client.force_login(getattr(personas, name))
            for target in plan[route.name, name]:
                response = client.post(target.url, {"narrative": "x", "year": 2026})
                checks += 1
                if response.status_code != 403:
                    problems.append(f"{name} POST {target.url} without CSRF token: {response.status_code}")
    assert fingerprint() == state, "a POST without the CSRF token changed the database"
    # The same client with the token gets past the check: the 403s above were the token's doing.
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer_a)
    edit = reverse("emergency:organization_edit", args=[personas.tree.school_a1.pk])
    client.get(edit)
    response = client.post(edit, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "name": ""})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    FIGURES["CSRF checks (POST without token)"] = checks
    assert not problems, "\n".join(problems)
