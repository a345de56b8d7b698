"""Where area apps plug into the core. Each app registers from its AppConfig.ready(); the core
reads these lists and never imports an area app. Registration order is INSTALLED_APPS order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import cache

if TYPE_CHECKING:
    from .imports import ImportSpec


@dataclass(frozen=True)
class Area:
    """An entry of the navigation bar: one area of emergency work and its pages."""

    app_label: str
    label: str
    url_name: str
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, url name) for its menu


areas: list[Area] = []
import_specs: dict[str, ImportSpec] = {}
# Callables (city, year) -> None that add an area's records to the demo city.
demo_builders: list[tuple[str, Callable[..., Any]]] = []
# Callables (user) -> list[HomeItem]: what a user should look at next, shown on the home page.
home_panels: list[Callable[..., list]] = []
# Rules whose details vary between cities (REFERENCES.md): (label, callable giving the value in
# force), listed on the 规则设置 page so people can see what the system applies.
rules: list[tuple[str, Callable[[], Any]]] = []
# (model, date field) of the records that date an area's activity: which years have records
# (`emergency.years`) is read from them.
dated_records: list[tuple[Any, str]] = []


def register_area(area: Area) -> None:
    if all(a.app_label != area.app_label for a in areas):
        areas.append(area)


def register_import(spec: ImportSpec) -> None:
    import_specs[spec.kind] = spec


def register_demo(app_label: str, builder: Callable[..., Any]) -> None:
    if all(label != app_label for label, _ in demo_builders):
        demo_builders.append((app_label, builder))


def register_rule(label: str, value: Callable[[], Any]) -> None:
    if all(existing != label for existing, _ in rules):
        rules.append((label, value))


def register_dated(model, date_field: str) -> None:
    if (model, date_field) not in dated_records:
        dated_records.append((model, date_field))


def todo(user) -> list[HomeItem]:
    """The user's to-do lines that have something in them, from every area (home page and
    dashboard). The areas count in the user's scope by organisation and role, so users who share
    those share one cache entry."""
    return cache.latest("todo", f"{user.organization_id}:{user.role}:{user.sees_everything}", user.pk).value


def build_todo(user_pk: int) -> list[HomeItem]:
    from .models import User  # the registry is imported before the models are ready

    user = User.objects.select_related("organization").get(pk=user_pk)
    return [item for panel in home_panels for item in panel(user) if item.count]


def register_home_panel(panel: Callable[..., list]) -> None:
    if panel not in home_panels:
        home_panels.append(panel)


@dataclass(frozen=True)
class HomeItem:
    """One line of a user's to-do panel: what, how many, and where to go."""

    text: str
    count: int
    url: str
    level: str = "warning"  # a Bootstrap colour
