"""Excel exports never hand a reader a formula: text that a spreadsheet would run (starting with
= + - @, tab or carriage return) is written as text with a leading quote (the ASVS rule), in every
list's export. Lists are found by walking the URLs, so each area's list is covered as it lands."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from emergency import registry
from emergency.imports import Text

from .conftest import FIGURES
from .records import import_clean_rows, make
from .site import routes

PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def list_routes(with_kind: bool):
    found = [r for r in routes() if r.is_list and bool(r.view_class.import_kind in registry.import_specs) == with_kind]
    assert found or not with_kind
    return found


def text_fields(model, names=None) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.editable
        and (names is None or f.name in names)
    ]


def poison(records, fields) -> set[str]:
    """Give every text field of every record a value a spreadsheet would run; returns the values."""
    values = set()
    for n, obj in enumerate(records):
        prefix = PREFIXES[n % len(PREFIXES)]
        changes = {}
        for field in fields:
            value = f"{prefix}{n}{field.name}|cmd '/c calc'!A0"
            changes[field.name] = value[: field.max_length] if field.max_length else value
        type(obj)._default_manager.filter(pk=obj.pk).update(**changes)
        values.update(changes.values())
    return values


def exported_cells(client, url):
    client.raise_request_exception = False  # a crash is a 500 to report, not a traceback through openpyxl
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200, (url, response.status_code)
    book = load_workbook(io.BytesIO(response.content))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def formula_problems(cells, payloads, url) -> tuple[list[str], int]:
    problems = [f"{url}: {c.coordinate} is a formula: {c.value!r}" for c in cells if c.data_type == "f"]
    # A carriage return travels as _x000D_ (the OOXML escape, which Excel and WPS read back as one);
    # openpyxl leaves the escape in the text of inline strings, so it is undone here.
    wanted = set(payloads)
    found = set()
    for cell in cells:
        text = unescape(str(cell.value))
        if text in wanted:
            problems.append(f"{url}: {cell.coordinate} {text!r} written without the leading quote")
        elif text.startswith("'") and text[1:] in wanted:
            if cell.data_type != "s":
                problems.append(f"{url}: {cell.coordinate} is typed {cell.data_type!r}, not text")
            found.add(text[1:])
    problems += [f"{url}: {p!r} missing from the export" for p in sorted(wanted - found)]
    return problems, len(found)


@pytest.mark.parametrize("route", list_routes(with_kind=True), ids=lambda r: r.name)
def test_export_writes_formula_text_as_text(route, client, personas):
    """Every list with an import kind (the organisation list among them): its export's text columns."""
    spec = registry.import_specs[route.view_class.import_kind]
    records = import_clean_rows(spec, personas.district_staff)
    fields = text_fields(spec.model, {c.field for c in spec.columns if isinstance(c, Text)})
    assert fields, f"{spec.kind} has no text column to check"
    payloads = poison(records, fields)
    client.force_login(personas.admin)
    url = reverse(route.name)
    problems, checked = formula_problems(exported_cells(client, url), payloads, url)
    FIGURES["export cells checked for formula injection"] += checked
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", list_routes(with_kind=False), ids=lambda r: r.name)
def test_lists_without_an_import_kind_export_safely(route, client, personas):
    """Lists without an import kind export their table's columns; the same rule holds there."""
    t = personas.tree
    # One per organisation: some records are one to an organisation (the leadership group).
    orgs = (t.city, t.district_a, t.district_b, t.school_a1, t.school_a2, t.school_b1)
    records = [make(route.model, org, personas.city_staff) for org in orgs]
    payloads = poison(records, text_fields(route.model))
    client.force_login(personas.admin)
    url = reverse(route.name)
    problems, checked = formula_problems(exported_cells(client, url), payloads, url)
    FIGURES["export cells checked for formula injection"] += checked
    # Only what the table shows is exported, and some lists select (overdue hazards only, …).
    assert not [p for p in problems if "missing from the export" not in p], "\n".join(problems)
    page = client.get(url).content.decode()
    if any(escape(p) in page for p in payloads if not p.startswith(("\t", "\r"))):
        assert checked, f"{url}: the page shows the records' text, but none of it reached the export"


@pytest.mark.parametrize("route", list_routes(with_kind=True), ids=lambda r: r.name)
def test_export_survives_control_characters(route, transactional_db, personas):
    """Text pasted from Word carries control characters (vertical tab, form feed) that forms and
    imports let through; the export must still open, without them.

    The export runs in a thread of its own: openpyxl failing inside lxml's writer leaves the
    interpreter's recursion count off in the thread it fails in, and pytest then cannot parse
    source to report any later failure (CPython 3.11 "AST constructor recursion depth mismatch")."""
    spec = registry.import_specs[route.view_class.import_kind]
    records = import_clean_rows(spec, personas.district_staff, count=1)
    fields = text_fields(spec.model, {c.field for c in spec.columns if isinstance(c, Text)})
    type(records[0])._default_manager.filter(pk=records[0].pk).update(
        **{f.name: f"第一段\x0b第二段\x0c{n}"[: f.max_length] for n, f in enumerate(fields)}
    )
    answer = {}

    def export():
        client = Client(raise_request_exception=False)
        client.force_login(personas.admin)
        response = client.get(reverse(route.name), {"export": "xlsx"})
        answer.update(status=response.status_code, content=response.content)
        connection.close()

    worker = threading.Thread(target=export)
    worker.start()
    worker.join(timeout=120)
    if answer.get("status") != 200:
        pytest.fail(f"{reverse(route.name)}?export=xlsx answered {answer.get('status')}", pytrace=False)
    book = load_workbook(io.BytesIO(answer["content"]))
    values = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [v for v in values if "\x0b" in v or "\x0c" in v]
    assert any("第一段" in v for v in values)
