"""The English catalogue is complete, and a user who chose English sees English navigation, dashboard
panels and page titles."""

import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emergency.dashboard import column_label

from .conftest import YEAR

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"

# (English label, its Chinese msgid) of the navigation bar, from templates/base.html and the areas' apps.py
NAVIGATION = [
    ("Duty and reports", "值班与信息报送"),
    ("Emergency plans", "应急预案"),
    ("Hazards", "隐患排查"),
    ("Outreach", "应急宣传"),
    ("Emergency supplies", "应急物资"),
    ("Dashboard", "领导驾驶舱"),
    ("Annual summary", "年度总结"),
]


def test_the_english_catalogue_is_complete_and_checks():
    # msgfmt (which `make install` compiles the catalogue with) counts untranslated and fuzzy entries;
    # --check: placeholders of python-format entries match their msgid, plural forms are complete.
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("page", ["home", "emergency:dashboard"])
def test_pages_in_english_show_english_navigation(client, personas, page):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(personas.leader)
    response = client.get(reverse(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="en"' in body
    # The navigation bar only: the dashboard's panels are labelled elsewhere
    navigation = body[body.index("<nav") : body.index("</nav>")]
    for english, chinese in NAVIGATION:
        assert f">{english}<" in navigation and chinese not in navigation, english


def test_dashboard_title_is_english(client, personas):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(personas.leader)
    body = client.get(reverse("emergency:dashboard")).content.decode()
    assert "Emergency management overview" in body and "应急管理工作情况" not in body


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ideographs and full-width punctuation

# (panel title, metric labels) in English and in Chinese, for three of the areas' panels
PANELS = {
    "Emergency plans": [
        "Plans in force",
        "Plans overdue for revision",
        "Plans due for revision within 90 days",
        "Plans flagged for revision by a drill",
    ],
    "Drills": ["Drills held", "Participants", "Drill compliance rate"],
    "Hazards": ["Hazards found", "Hazards rectified", "Rectification rate", "Overdue hazards"],
}
PANELS_ZH = {
    "应急预案": ["现行预案数", "逾期未修订应急预案数", "90天内到期应急预案数", "演练发现问题需修订的应急预案数"],
    "应急演练": ["应急演练次数", "参演人次", "演练达标率"],
    "隐患排查整治": ["发现隐患数", "已整改隐患数", "隐患整改率", "逾期未整改隐患数"],
}


def choose(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def shown(response) -> dict[str, list[str]]:
    return {panel.title: [m.label for m in panel.metrics] for panel in response.context["panels"]}


def panel_words(response) -> list[str]:
    """Every word the panels put on the page: titles, metric labels and units, the district table's
    column headers, and the charts' titles, series and axes (the chart comparing the children has
    their names on its axis: those are data)."""
    words = []
    for panel in response.context["panels"]:
        words.append(panel.title)
        words += [w for m in panel.metrics for w in (m.label, m.unit)]
        words += [column_label(key) for key in panel.columns]
        for chart in panel.charts:
            words += [chart.title, *chart.categories, *(name for name, _data in chart.series)]
    for chart in response.context["charts"]:
        words += [chart["title"], *(s["name"] for s in chart["series"])]
    return words


def test_dashboard_panels_in_english_have_no_chinese_labels(client, personas, known_tree):
    choose(client, "en")
    client.force_login(personas.leader)
    response = client.get(reverse("emergency:dashboard"), {"year": YEAR})
    panels = shown(response)
    for title, labels in PANELS.items():
        assert panels[title] == labels, title
    words = panel_words(response)
    assert "Organisation" in words and "Drills per month" in words and "Jan" in words and f"{YEAR}" in words
    assert [w for w in words if CJK.search(str(w))] == []
    body = response.content.decode()
    assert "Plans in force" in body and "Rectification rate (%)" in body  # a metric and a district table header
    assert "现行预案数" not in body and "隐患整改率" not in body


@pytest.mark.alone
def test_the_cache_keeps_the_dashboard_of_each_language_apart(transactional_db, client, personas, known_tree):
    client.force_login(personas.leader)
    url = reverse("emergency:dashboard")
    choose(client, "en")
    assert shown(client.get(url, {"year": YEAR}))["Hazards"] == PANELS["Hazards"]
    choose(client, "zh-hans")  # the same figures, committed data unchanged: another entry of the cache
    chinese = client.get(url, {"year": YEAR})
    for title, labels in PANELS_ZH.items():
        assert shown(chinese)[title] == labels, title
    assert "各月应急演练次数" in chinese.content.decode() and "Plans in force" not in chinese.content.decode()
    for language, panels in (("en", PANELS), ("zh-hans", PANELS_ZH)):
        choose(client, language)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url, {"year": YEAR})
        # session, user, organisation, the years with records (the year list) and two snapshots: from the cache
        assert len(queries) == 6, language
        assert {title: shown(again)[title] for title in panels} == panels


def test_the_navigation_in_english_has_no_chinese(client, personas):
    choose(client, "en")
    client.force_login(personas.admin)  # sees every area
    body = client.get(reverse("home")).content.decode()
    menu = body[body.index('<ul class="navbar-nav') : body.index(reverse("set_language"))]
    for english in ("Hazards", "Inspection campaigns", "Outreach events", "Stock ledger", "Supply catalogue"):
        assert f">{english}<" in menu, english
    assert CJK.findall(menu) == []


def test_an_add_page_in_english_reads_add_and_the_name(client, personas):
    choose(client, "en")
    client.force_login(personas.city_staff)  # the city keeps the supply catalogue
    body = client.get(reverse("supplies:supplyitem_add")).content.decode()
    assert "<title>Add Supply item" in body and ">Add Supply item</h1>" in body and "AddSupply" not in body
    listing = client.get(reverse("supplies:supplyitem_list")).content.decode()
    assert ">Add Supply item</a>" in listing
    choose(client, "zh-hans")
    assert ">新增物资品种</h1>" in client.get(reverse("supplies:supplyitem_add")).content.decode()


def test_a_list_in_english_is_headed_by_the_plural_and_its_add_button_by_the_singular(client, personas):
    # Chinese names a model once; English needs two words, so the plural has its own entry ("plural" context)
    choose(client, "en")
    client.force_login(personas.city_staff)
    listing = client.get(reverse("emergency:organization_list")).content.decode()
    assert "<title>Organisations" in listing and ">Organisations</h1>" in listing
    assert ">Add Organisation</a>" in listing
    choose(client, "zh-hans")
    assert ">单位</h1>" in client.get(reverse("emergency:organization_list")).content.decode()
