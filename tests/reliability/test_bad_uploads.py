"""Every bad file of the corpus, fed to every import kind through the engine and through the upload
page: a clear Chinese message (第N行 列名 where a row is at fault) and not one row written.

Inputs that only look bad (full-width digits, reordered headers, blank rows, Excel serial dates …)
must read exactly like their clean twin instead."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from emergency import registry
from emergency.imports import Choice, Code, Text, validate
from emergency.models import ImportJob

from .conftest import FIGURES
from .make_bad_uploads import ACCEPT, FILE, LIMITS, ROWS, build_corpus, clean_file, is_chinese, write_corpus
from .records import good_base
from .state import record_counts

KINDS = sorted(registry.import_specs)
MIN_CORPUS = 30
# Cases with a test of their own below, so that one engine gap does not hide the rest of the corpus.
OWN_TEST = {"control_characters": "test_control_characters_are_refused_before_the_write"}
# Words that would mean a Python error reached the person uploading.
LEAKS = ("Traceback", "Error", "Exception", "errno", "/work/", "<", "None")


@pytest.fixture
def limits(settings):
    for name, value in LIMITS.items():
        setattr(settings, name, value)


def rows_shown(spec, result) -> list[list[str]]:
    return [[spec.display(row.values, column) for column in spec.columns] for row in result.rows]


def judge(spec, upload, result, clean) -> list[str]:
    """What is wrong with the engine's answer to one file; empty when it is right."""
    where = f"[{spec.kind}] {upload.name} ({upload.about})"
    problems = [f"{where}: message not Chinese: {e!r}" for e in result.errors if not is_chinese(e)]
    problems += [f"{where}: message leaks internals: {e!r}" for e in result.errors if any(w in e for w in LEAKS)]
    if upload.expect == ACCEPT:
        if not result.ok:
            problems.append(f"{where}: acceptable input refused: {result.errors[:5]}")
        elif rows_shown(spec, result) != rows_shown(spec, clean(upload.same_as)):
            problems.append(
                f"{where}: read differently from its clean twin: {rows_shown(spec, result)} "
                f"!= {rows_shown(spec, clean(upload.same_as))}"
            )
        return problems
    if result.ok:
        return [*problems, f"{where}: accepted ({len(result.rows)} rows), should be refused"]
    for row, header in upload.faults:
        named = [e for e in result.errors if e.startswith(f"第{row}行") and (header is None or header in e)]
        if not named:
            problems.append(f"{where}: no error names 第{row}行 {header or ''}; got {result.errors[:6]}")
    if upload.expect == FILE and len(result.errors) != 1:
        problems.append(f"{where}: a refused file should give one message, got {result.errors[:6]}")
    return problems


def judge_page(client, spec, upload, data, result) -> list[str]:
    """The same file through the upload page: the form refuses it, or the job page lists the errors."""
    where = f"[{spec.kind}] page {upload.name}"
    jobs = ImportJob.objects.count()
    client.raise_request_exception = False  # a crash is a 500 to report with the others
    response = client.post(
        reverse("emergency:import_upload", args=[spec.kind]), {"file": SimpleUploadedFile(upload.name, data)}
    )
    if response.status_code == 200:
        messages = [str(m) for m in response.context["form"].errors.get("file", [])]
        if upload.expect == ACCEPT or not messages or not all(is_chinese(m) for m in messages):
            return [f"{where}: form answered {messages!r} (expected {upload.expect})"]
        if ImportJob.objects.count() != jobs:
            return [f"{where}: a refused file left an import job"]
        return []
    if response.status_code != 302:
        return [f"{where}: upload answered {response.status_code}"]
    job = ImportJob.objects.latest("pk")
    page = client.get(response["Location"])
    body = page.content.decode()
    if page.status_code != 200:
        return [f"{where}: job page answered {page.status_code}"]
    if upload.expect == ACCEPT:
        if job.status != "ready" or job.to_add != len(result.to_add) or "校验通过" not in body:
            return [f"{where}: acceptable file not ready for confirmation ({job.status}: {job.errors[:3]})"]
        return []
    if job.status != "failed" or job.errors != result.errors[:500]:
        return [f"{where}: job {job.status} with {job.errors[:3]}, engine said {result.errors[:3]}"]
    if escape(result.errors[0]) not in body or "未写入任何数据" not in body:
        return [f"{where}: the job page does not show the errors"]
    # A refused file cannot be confirmed into the database either.
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    return [] if job.status == "failed" else [f"{where}: a refused job was confirmed ({job.status})"]


def corpus(spec, personas):
    uploader = personas.district_staff
    code, variant = good_base(spec, uploader)
    return build_corpus(
        spec, today=timezone.localdate(), own_code=code, outside_code=personas.tree.school_b1.code, variant=variant
    )


def run_corpus(client, spec, uploader, uploads, folder) -> list[str]:
    """Every file through the engine and the upload page; returns the problems, asserts nothing written."""

    def clean(data: bytes):
        return validate(spec, "clean.xlsx", data, uploader)

    before = record_counts()
    client.force_login(uploader)
    problems = []
    for upload, path in zip(uploads, write_corpus(uploads, folder), strict=True):
        data = path.read_bytes()
        try:
            result = validate(spec, path.name, data, uploader)
        except Exception as exc:  # noqa: BLE001  (a crash is reported with the other problems)
            problems.append(
                f"[{spec.kind}] {upload.name} ({upload.about}): validate raised {exc.__class__.__name__}: {exc}"
            )
            continue
        problems += judge(spec, upload, result, clean)
        problems += judge_page(client, spec, upload, data, result)
    after = record_counts()
    bad = sum(u.expect != ACCEPT for u in uploads)
    FIGURES["bad files tried (files x kinds)"] += bad
    FIGURES["odd-but-acceptable files tried"] += len(uploads) - bad
    FIGURES["rows written by bad or previewed files (must be 0)"] += sum(after.values()) - sum(before.values())
    assert after == before, "a refused or previewed file wrote rows"
    return problems


@pytest.mark.parametrize("kind", KINDS)
def test_every_bad_file_is_refused_clearly_and_writes_nothing(kind, client, personas, limits, tmp_path):
    spec = registry.import_specs[kind]
    uploads = [u for u in corpus(spec, personas) if u.case not in OWN_TEST]
    bad = [u for u in uploads if u.expect != ACCEPT]
    assert len(bad) >= MIN_CORPUS, f"{kind}: only {len(bad)} bad files"
    assert {u.expect for u in uploads} == {FILE, ROWS, ACCEPT}
    problems = run_corpus(client, spec, personas.district_staff, uploads, tmp_path / kind)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_control_characters_are_refused_before_the_write(kind, client, personas, limits, tmp_path):
    """NUL and the other control characters arrive in text cells as Excel's _x0000_ escapes (text
    pasted from Word brings vertical tabs). A NUL passes validation and then fails the write
    (PostgreSQL refuses it: an unhandled DataError after a clean preview); the others are stored and
    then break every Excel export of the list. Each must be a row error naming the cell."""
    spec = registry.import_specs[kind]
    uploads = [u for u in corpus(spec, personas) if u.case in OWN_TEST]
    if not uploads:
        pytest.fail(f"{kind} has no free-text column; the case does not apply, remove the kind from this test")
    problems = run_corpus(client, spec, personas.district_staff, uploads, tmp_path / kind)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_corpus_script_writes_every_kind(tmp_path, db):
    from .make_bad_uploads import main

    assert main([str(tmp_path)]) == 0
    for kind in KINDS:
        assert len(list((tmp_path / kind).iterdir())) >= MIN_CORPUS


@pytest.mark.parametrize("kind", KINDS)
def test_columns_fit_the_database(kind):
    """A value the engine accepts must fit its field, or the write fails after a clean preview."""
    spec = registry.import_specs[kind]
    problems = []
    for column in spec.columns:
        try:
            field = spec.model._meta.get_field(column.field)
        except FieldDoesNotExist:  # a column may be prepared into another field
            continue
        base = getattr(field, "base_field", field)
        limit = getattr(base, "max_length", None)
        if isinstance(column, Text | Code) and limit and column.max_length > limit:
            problems.append(f"{column.header}: up to {column.max_length} characters, the field holds {limit}")
        if isinstance(column, Choice):
            values = {v for v, _label in column.choices}
            allowed = {v for v, _label in (base.choices or [])}
            if allowed and not values <= allowed:
                problems.append(f"{column.header}: choices {values - allowed} not allowed by the field")
    assert not problems, problems


def test_a_file_of_one_kind_is_refused_by_every_other(personas, limits):
    """A good file uploaded under the wrong kind (a drills file on the plans page): every pair of
    kinds, refused on its header row, nothing written."""
    uploader = personas.district_staff
    files = {}
    for kind, spec in registry.import_specs.items():
        code, variant = good_base(spec, uploader)
        files[kind] = clean_file(spec, today=timezone.localdate(), own_code=code, variant=variant)
    before = record_counts()
    problems, tried = [], 0
    for kind, data in files.items():
        for other, spec in registry.import_specs.items():
            if other == kind:
                continue
            result = validate(spec, f"{kind}.xlsx", data, uploader)
            tried += 1
            if result.ok or not all(e.startswith("第1行") and is_chinese(e) for e in result.errors):
                problems.append(f"{kind} file as {other}: {result.ok} {result.errors[:3]}")
    FIGURES["wrong-kind files tried (kind x other kind)"] = tried
    assert record_counts() == before
    assert not problems, "\n".join(problems)
