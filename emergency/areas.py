"""An area's whole registration, declared on its AppConfig: the core reads the declaration in
ready() and fills its registries, so an area's apps.py is a list of what it offers and nothing
else. Names are dotted paths inside the app ("imports.DrillImport"), since an AppConfig is
imported before any model may be. An area's apps.py imports this module, not the class: Django
takes the one AppConfig class an apps.py holds, and an imported base would be a second one."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.module_loading import import_string


class AreaConfig(AppConfig):
    # The navigation bar: the area's landing page and its menu, (label, url name) each.
    landing_url: str = ""
    menu_label: Any = None  # the bar's name for the area, if not the app's verbose name
    menu: tuple[tuple[Any, str], ...] = ()
    # Import kinds (ImportSpec classes) the area's Excel uploads use.
    imports: tuple[str, ...] = ()
    # (model, date field) of the records whose years are the years there are records for.
    dated: tuple[tuple[str, str], ...] = ()
    # The rooms every area has, by convention (set one to "" where an area has no such part):
    demo: str = "demo.build"  # callable (city, year) adding the area's records to the demo city
    bench: str = "demo.Bench"  # BenchPart class adding its rows to the benchmark city
    home_items: str = "panels.home_items"  # callable (user) -> list[HomeItem]: the home page's to-do lines
    summary_section: str = "summary.summarize"  # callable (organisation, year) -> Section of the summary
    dashboard_panel: str = "summary.panel"  # callable (organisation, year) -> Panel of the dashboard
    figures: str = "summary.FIGURES"  # the area's figure definitions (a sequence of Figure and Rate)
    # (name, builder) of values the figure cache keeps and a worker can rebuild from the name.
    cached: tuple[tuple[str, str], ...] = ()
    # (label, callable giving the value in force) of the rules a city may set, on 规则设置.
    rules: tuple[tuple[Any, str], ...] = ()
    # (model, RecordAction): a button on another area's record page leading to this area.
    record_actions: tuple[tuple[str, Any], ...] = ()
    # Reminders (notifications.Reminder) the area sends: what is due, to whom, when.
    reminders: tuple[str, ...] = ()
    # (kind, label) of the messages the area sends when something happens (notifications.notify).
    events: tuple[tuple[str, Any], ...] = ()
    # (name, task, schedule) of the area's periodic jobs, collected into Celery beat's schedule.
    beat_jobs: tuple[tuple[str, str, Any], ...] = ()
    # Callables (sender, **kwargs) run after every migrate and test flush: the area's first rows.
    after_migrate: tuple[str, ...] = ()

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import cache, dashboard, notifications, registry, summary

        if self.landing_url:
            label = self.menu_label or self.verbose_name
            registry.register_area(registry.Area(self.label, label, self.landing_url, links=self.menu))
        for spec in self.imports:
            registry.register_import(self.resolve(spec)())
        for model, date_field in self.dated:
            registry.register_dated(self.get_model(model), date_field)
        if self.demo:
            registry.register_demo(self.label, self.resolve(self.demo))
        if self.bench:
            registry.register_bench(self.label, self.resolve(self.bench))
        if self.home_items:
            registry.register_home_panel(self.resolve(self.home_items))
        if self.summary_section:
            summary.register_section(self.label, self.resolve(self.summary_section))
        if self.dashboard_panel:
            dashboard.register_panel(self.label, self.resolve(self.dashboard_panel))
        if self.figures:
            registry.register_figures(*self.resolve(self.figures))
        for name, builder in self.cached:
            cache.register(name, self.resolve(builder))
        for label, value in self.rules:
            registry.register_rule(label, self.resolve(value))
        for model, action in self.record_actions:
            registry.register_record_action(self.apps.get_model(model), action)
        for reminder in self.reminders:
            notifications.register_reminder(self.resolve(reminder))
        for kind, label in self.events:
            notifications.register_event(kind, label)
        for name, task, schedule in self.beat_jobs:
            registry.register_beat_job(name, task, schedule)
        for seed in self.after_migrate:
            post_migrate.connect(self.resolve(seed), sender=self)

    def resolve(self, path: str) -> Any:
        return import_string(f"{self.name}.{path}")
