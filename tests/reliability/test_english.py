"""English mode is complete: every page the resolver knows, opened in English as a staff member and as
a school officer, shows no Chinese but the records' own data (organisation and people's names, the
records' text) and the language switch, whose 中文 is meant to be read by those who want it."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation

from emergency import registry
from emergency.models import ChoiceSynonym, Organization, SummaryRun, User

from .site import routes
from .test_access import World, shared, targets

AREAS = {"emergency", "plans", "drills", "hazards", "supplies", "duty", "outreach"}

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
LANGUAGE_SWITCH = re.compile(r"<form[^>]*action=\"/i18n/setlang/\".*?</form>", re.S)
PERSONAS = ("city_staff", "officer_a")


def record_data(world: World) -> list[str]:
    """The text the fixtures put into records, and the workbooks' own words (their sheet names,
    column headers and the synonyms of choices, written in Chinese in the files): what a page may
    show in Chinese, longest first."""
    texts = set(Organization.objects.values_list("name", flat=True))
    texts |= {"填写说明"} | set(ChoiceSynonym.objects.values_list("synonym", flat=True))
    texts |= {c.header for spec in registry.import_specs.values() for c in spec.columns}
    texts |= {u.get_full_name() for u in User.objects.all()}
    # Reference data shared by every organisation (key periods, departments, drill requirements),
    # seeded in Chinese by the migrations, and the annual summaries' titles: a Chinese document.
    reference = [m for m in apps.get_models() if m.__module__.split(".")[0] in AREAS and shared(m)]
    for model in [*reference, SummaryRun]:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                texts |= {str(v) for v in model._default_manager.values_list(field.attname, flat=True) if v}
    for pair in world.cache.values():
        for obj in pair:
            for field in obj._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField) and not field.choices:
                    texts.add(str(getattr(obj, field.attname) or ""))
    return sorted((t for t in texts if HAN.search(t)), key=len, reverse=True)


def chinese_left(body: str, data: list[str]) -> list[str]:
    body = LANGUAGE_SWITCH.sub("", body)
    for text in data:
        body = body.replace(text, "")
    return HAN.findall(body)


def test_every_page_in_english_has_no_chinese_but_the_records_data(personas, settings):
    settings.IMPORT_BACKGROUND_ROWS = 100_000
    world = World(personas)
    pages = {
        who: [t.url for r in routes() for t in targets(r, world, who) if t.sees.get(who, True)] for who in PERSONAS
    }
    data = record_data(world)
    problems, seen = [], 0
    with translation.override(None):  # a request activates its language; later tests get theirs back
        seen, problems = walk(personas, pages, data)
    assert seen > 50, seen  # the walk reached the lists, forms, details, dashboards and settings
    assert not problems, "\n".join(problems)


def walk(personas, pages, data) -> tuple[int, list[str]]:
    problems, seen = [], 0
    for who in PERSONAS:
        client = Client(raise_request_exception=False)
        client.cookies["django_language"] = "en"
        client.force_login(getattr(personas, who))
        for url in pages[who]:
            response = client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            seen += 1
            if words := chinese_left(response.content.decode(), data):
                problems.append(f"{who} {url}: {' '.join(dict.fromkeys(words))}")
    return seen, problems
