"""Every URL pattern of the project, found by walking the resolver, with what its view works on."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from emergency.generic import RecordListView

# Whole branches left out, and why.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin has its own staff-only permission system, tested by Django",
    "i18n/": "the language switch: a cookie, no data",
    "upload-too-large/": "the page nginx shows for a body over its limit: always 413, no data (test_error_pages)",
}
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
LOOKUP = re.compile(r"get_object_or_404\(\s*(?P<model>[A-Z]\w*)\.objects")


@dataclass
class Route:
    """One URL pattern: its full name, its route, the arguments it takes and its view."""

    name: str
    route: str
    arguments: tuple[str, ...]
    callback: Any

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "view_class", None)

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def model(self) -> type[models.Model] | None:
        """The model the URL's `pk` names: the view's model, or `<app>:<model>_<action>` by convention."""
        view = self.view_class
        if view is not None:
            if getattr(view, "model", None) is not None:
                return view.model
            queryset = getattr(view, "queryset", None)
            if queryset is not None:
                return queryset.model
        # A function view names its model where it looks the object up: get_object_or_404(Model.objects…).
        function = inspect.unwrap(self.callback)
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            source = ""
        if match := LOOKUP.search(source):
            candidate = function.__globals__.get(match["model"])
            if isinstance(candidate, type) and issubclass(candidate, models.Model):
                return candidate
        app_label, _colon, url_name = self.name.rpartition(":")
        model_name = url_name.split("_")[0]
        try:
            return apps.get_model(app_label, model_name)
        except (LookupError, ValueError):
            return None

    def slug_values(self, argument: str) -> list[str]:
        """The values a slug argument takes, from the choices its view validates it against: a
        TextChoices in the view's module named after the argument (`action` → HazardAction)."""
        function = inspect.unwrap(self.callback)
        suffix = argument.title().replace("_", "")
        found = [
            value
            for value in function.__globals__.values()
            if isinstance(value, type) and issubclass(value, models.TextChoices) and value.__name__.endswith(suffix)
        ]
        if len(found) != 1:
            raise AssertionError(
                f"{self.name}: cannot tell the values of <{argument}> (choices found: {found}); "
                "teach tests/reliability/site.py Route.slug_values"
            )
        return list(found[0].values)

    @property
    def is_list(self) -> bool:
        return self.view_class is not None and issubclass(self.view_class, RecordListView)

    @property
    def writes(self) -> bool:
        """A page whose form writes (add, edit, delete, upload): leaders are refused it even by GET."""
        view = self.view_class
        if view is not None and getattr(view, "writes", False):
            return True
        return self.name.rsplit("_", 1)[-1] in ("add", "edit", "delete", "upload")


def routes() -> list[Route]:
    found: list[Route] = []
    _walk(get_resolver().url_patterns, "", [], found)
    return found


def _walk(patterns, prefix: str, namespaces: list[str], found: list[Route]) -> None:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if any(route.startswith(p) for p in SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            spaces = namespaces + [pattern.namespace] if pattern.namespace else namespaces
            _walk(pattern.url_patterns, route, spaces, found)
        elif isinstance(pattern, URLPattern):
            if not pattern.name:
                raise AssertionError(f"URL /{route} has no name; name it so tests and templates can reverse it")
            name = ":".join([*namespaces, pattern.name])
            arguments = tuple(m["name"] for m in ARGUMENT.finditer(route))
            found.append(Route(name, "/" + route, arguments, pattern.callback))
