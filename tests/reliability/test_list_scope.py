"""Out of scope is never in a list or an export: every record list and its Excel export, for every
role, on a record inside and one outside the role's scope (made as in the access test)."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from emergency.models import User
from tests.permissions import MANAGES

from .conftest import FIGURES
from .site import routes
from .test_access import MARK_IN, MARK_OUT, World, reach, shared, tree  # noqa: F401 (tree: the access test's codes)


def test_lists_and_exports_never_show_records_out_of_scope(client, personas):
    """Every record list and its Excel export, for every role, also when filtered by the other
    school's 单位代码, by its organisation or by a keyword from its record: nothing of it shows."""
    client.raise_request_exception = False
    world = World(personas)
    t = personas.tree
    problems, checks = [], 0
    lists = [r for r in routes() if r.is_list]
    assert lists
    listed: dict[str, str] = {}  # the administrator's page of each list, which shows every record it lists
    for route in lists:
        inside, outside = world.pair(route.model)
        url = reverse(route.name)
        everyone = shared(route.model)
        for name, user in personas.all().items():
            client.force_login(user)
            sees = (True, True) if everyone else reach(route.model, name)
            if route.model is User and MANAGES[name] is None:
                checks += 1
                if client.get(url).status_code != 403:
                    problems.append(f"{name} {url}: the account list shown to someone who manages nobody")
                continue
            for obj, visible, mark, org in (
                (inside, sees[0], MARK_IN, t.school_a1),
                (outside, sees[1], MARK_OUT, t.school_b1),
            ):
                # The keyword is part of the mark, so that the search box echoing it is not the record.
                filters = [{}]
                if not visible:
                    filters += [{"org_code": org.code}, {"org": org.pk}, {"q": mark[3:]}]
                for params in filters:
                    page = client.get(url, params)
                    export = client.get(url, {**params, "export": "xlsx"})
                    checks += 2
                    if page.status_code != 200 or export.status_code != 200:
                        problems.append(f"{name} {url} {params}: {page.status_code}/{export.status_code}")
                        continue
                    body = page.content.decode()
                    cells = " ".join(
                        str(c)
                        for ws in load_workbook(io.BytesIO(export.content), read_only=True).worksheets
                        for row in ws.iter_rows(values_only=True)
                        for c in row
                        if c is not None
                    )
                    link = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
                    if link and not visible and link in body:
                        problems.append(f"{name} {url} {params}: link to out-of-scope {obj!r} shown")
                    if link and visible and not params and link in listed.setdefault(url, body) and link not in body:
                        # Only lists that show the record to the administrator (some lists select).
                        problems.append(f"{name} {url}: link to {obj!r} missing")
                    if not visible and (mark in body or mark in cells):
                        problems.append(f"{name} {url} {params}: out-of-scope record's text in the page or export")
    FIGURES["list and export scope checks"] = checks
    assert not problems, "\n".join(problems)
