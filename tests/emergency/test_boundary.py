"""The boundary between the core and the areas, checked on every run: the core (`emergency`) imports
no area, the composition root (settings, urls) excepted; areas import each other only drills → plans
(a drill exercises a plan) and hazards → drills (a hazard is found in a drill). Python imports are
checked by import-linter (the contracts are in pyproject.toml, with one against circles among the
core's modules), templates' `{% url %}` links here.

Templates: an area's templates (templates/<area>/) link to their own area, to the core and along the
two arrows; the core's templates (base.html, emergency/, generic/, registration/, the error pages)
link to no area by name: the navigation, home items and record actions reach areas only through
URL names the areas registered (`registry.Area`, `RecordAction`), rendered from variables."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
AREAS = ("plans", "drills", "hazards", "supplies", "duty", "outreach")
PACKAGES = ("emergency", *AREAS)
# Besides its own and the core's: the areas an area's templates may link to.
TEMPLATE_ARROWS = {"drills": {"plans"}, "hazards": {"drills"}}
URL_TAG = re.compile(r"""\{%\s*url\s+["']([\w-]+):""")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_the_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imports", "broken", "named"),
    [
        ("emergency/probe.py", "import hazards.models", "The core imports no area", "emergency.probe"),
        (
            "emergency/management/commands/probe.py",
            "from supplies.models import Stock",
            "The core imports no area",
            "emergency.management.commands.probe",
        ),
        ("plans/probe.py", "from drills.models import Drill", "Areas import each other only", "plans.probe"),
        ("hazards/probe.py", "from plans.models import EmergencyPlan", "Areas import each other only", "hazards.probe"),
        # The cache asking for the worker's task itself again: tasks imports the cache.
        ("emergency/cache.py", "from . import tasks", "no circle", "No cycles are allowed in emergency"),
    ],
)
def test_a_forbidden_import_breaks_the_contracts(tmp_path, module, imports, broken, named):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert lint_imports(tmp_path).returncode == 0  # the copy alone keeps them
    with (tmp_path / module).open("a") as source:
        source.write(f"\n{imports}\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
    assert named in result.stdout  # the copy was analysed, not the tree


def cross_area_links(templates: Path) -> list[str]:
    """Every `{% url 'app:…' %}` in `templates` that links across the boundary, as file: app."""
    found = []
    for path in sorted(templates.rglob("*.html")):
        folder = path.relative_to(templates).parts[0]
        area = folder if folder in AREAS else None  # anything else is the core's
        allowed = {"emergency", "admin"} | ({area} | TEMPLATE_ARROWS.get(area, set()) if area else set())
        for app in URL_TAG.findall(path.read_text()):
            if app not in allowed:
                found.append(f"{path.relative_to(templates)}: {app}")
    return found


def test_templates_link_across_areas_only_along_the_arrows():
    assert cross_area_links(ROOT / "templates") == []


def test_a_template_linking_against_an_arrow_is_found(tmp_path):
    (tmp_path / "drills").mkdir()
    (tmp_path / "hazards").mkdir()
    (tmp_path / "generic").mkdir()
    (tmp_path / "drills" / "drill_detail.html").write_text(
        "{% url 'plans:emergencyplan_list' %}{% url \"hazards:hazard_add\" %}"
    )
    (tmp_path / "hazards" / "hazard_detail.html").write_text("{% url 'drills:drill_list' %}{% url 'emergency:home' %}")
    (tmp_path / "generic" / "object_list.html").write_text("{% url  'supplies:stock_list' as x %}")
    (tmp_path / "base.html").write_text("{% url 'admin:index' %}{% url 'duty:dutyshift_list' %}")
    assert cross_area_links(tmp_path) == [
        "base.html: duty",
        "drills/drill_detail.html: hazards",
        "generic/object_list.html: supplies",
    ]


def test_every_app_of_ours_declares_its_parts_and_runs_no_registration_of_its_own():
    """An area's apps.py is a declaration (`emergency.areas.AreaConfig`): the core's ready() registers
    it, so no area registers by hand, and the periodic jobs reach beat without touching settings."""
    from django.apps import apps
    from django.conf import settings

    from emergency.areas import AreaConfig
    from emergency.celery import app

    for label in PACKAGES:
        config = apps.get_app_config(label)
        assert isinstance(config, AreaConfig), label
        assert type(config).ready is AreaConfig.ready or label == "emergency", label
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULE")
    app.finalize()
    declared = {name for label in PACKAGES for name, _task, _when in apps.get_app_config(label).beat_jobs}
    assert declared >= {
        "sweep-jobs",
        "send-reminders",
        "deliver-messages",
        "hazards-mark-overdue",
        "refresh-supply-alerts",
    }
    assert declared <= set(app.conf.beat_schedule)
