"""Every URL of the site, as every persona, with hostile query parameters: never a server error.

Out-of-range years, months and dates, numbers too long for any column, a NUL byte: each page
parses its parameters through one validated form, so a bad value is a 400 page or a filter
ignored. The URLs and their objects come from the same walk of the URLconf as the access test."""

from __future__ import annotations

from django.test import Client

from .conftest import FIGURES
from .site import routes
from .test_access import World, targets

HOSTILE = ["0", "-1", "1", "9999", "10000", "1e5", "99999999999999999999", "9999-12", "9999-12-31", "0001-01-01",
           "2026-13", "\x00", "abc"]  # fmt: skip
# Every parameter a page of the site reads, and every filter of its lists.
PARAMETERS = {"year", "month", "org", "date", "start", "end", "window", "page", "sort", "group", "drill", "stock",
              "shift", "s-sort", "s-page", "from", "to", "period", "type"}  # fmt: skip


def parameters_of(route) -> set[str]:
    filterset = getattr(route.view_class, "filterset_class", None)
    return PARAMETERS | set(getattr(filterset, "base_filters", {}))


def hostile_query_parameters_give_no_server_error(personas, half: int) -> None:
    """Every other route, from the first (`half` 0) or the second (1): the two halves are two test
    files, which two pytest-xdist workers run side by side."""
    world = World(personas)
    people = list(personas.all())
    clients = {}
    for name, user in personas.all().items():
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    errors, requests = [], 0
    for route in routes()[half::2]:
        if route.name == "logout":
            continue
        names = parameters_of(route)
        exports = ({}, {"export": "xlsx"}) if route.is_list else ({},)
        # Each value as another persona in turn: every persona meets every page, in a minute.
        for number, value in enumerate(HOSTILE):
            persona = people[(number + len(route.name)) % len(people)]
            client = clients[persona]
            url = next((t.url for t in targets(route, world, persona) if t.sees.get(persona, True)), None)
            if url is None or client.get(url).status_code == 405:
                break  # nothing this persona may open, or a POST-only action that reads no query
            for extra in exports:
                response = client.get(url, {**dict.fromkeys(names, value), **extra})
                requests += 1
                if response.status_code >= 500:
                    errors.append(f"{persona} {url} ={value!r} {extra}: {response.status_code}")
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
    FIGURES["hostile query requests"] += requests
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(sorted(set(errors)))


def test_hostile_query_parameters_never_give_a_server_error_on_the_first_half_of_the_urls(personas):
    hostile_query_parameters_give_no_server_error(personas, 0)
