"""The English catalogue is complete, and a user who chose English sees English navigation."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"

# (English label, its Chinese msgid) of the navigation bar, from templates/base.html and the areas' apps.py
NAVIGATION = [
    ("Duty and reports", "值班与信息报送"),
    ("Emergency plans", "应急预案"),
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
