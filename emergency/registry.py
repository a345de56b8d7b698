"""Where area apps plug into the core. Each app declares what it offers on its AppConfig
(`emergency.areas.AreaConfig`), whose ready() fills these lists; the core reads them and never
imports an area app. Registration order is INSTALLED_APPS order."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Aggregate, Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .imports import ImportSpec
    from .models import Organization


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
# BenchPart classes that add an area's rows to the benchmark city (`bench_data`), one per area.
bench_parts: list[tuple[str, type]] = []
# Callables (user) -> list[HomeItem]: what a user should look at next, shown on the home page.
home_panels: list[Callable[..., list]] = []
# Rules whose details vary between cities, as local regulations do: (label, callable giving the value in
# force), listed on the 规则设置 page so people can see what the system applies.
rules: list[tuple[str, Callable[[], Any]]] = []
# (model, date field) of the records that date an area's activity: which years have records
# (`emergency.years`) is read from them.
dated_records: list[tuple[Any, str]] = []
# name -> Celery beat entry ({"task": dotted task name, "schedule": seconds or crontab}).
beat_jobs: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class RecordAction:
    """A button an area offers on another area's record page, leading to one of its own pages
    about that record (a hazard found in a drill): the record's area links to it without knowing
    the other area. Shown to users who can write; the record's pk goes in `?<parameter>=`."""

    label: str  # lazily translated
    url_name: str
    parameter: str
    html_id: str = ""
    style: str = "outline-primary"  # a Bootstrap button style

    def url(self, record) -> str:
        return f"{reverse(self.url_name)}?{urlencode({self.parameter: record.pk})}"


# model label ("drills.drill") -> the actions other areas offer on its records' pages
record_actions: dict[str, list[RecordAction]] = {}


def register_record_action(model, action: RecordAction) -> None:
    actions = record_actions.setdefault(model._meta.label_lower, [])
    if action not in actions:
        actions.append(action)


def register_area(area: Area) -> None:
    if all(a.app_label != area.app_label for a in areas):
        areas.append(area)


def register_import(spec: ImportSpec) -> None:
    import_specs[spec.kind] = spec


def register_demo(app_label: str, builder: Callable[..., Any]) -> None:
    if all(label != app_label for label, _ in demo_builders):
        demo_builders.append((app_label, builder))


def register_bench(app_label: str, part: type) -> None:
    if all(label != app_label for label, _ in bench_parts):
        bench_parts.append((app_label, part))


def register_rule(label: str, value: Callable[[], Any]) -> None:
    if all(existing != label for existing, _ in rules):
        rules.append((label, value))


def register_dated(model, date_field: str) -> None:
    if (model, date_field) not in dated_records:
        dated_records.append((model, date_field))


def register_beat_job(name: str, task: str, schedule: Any) -> None:
    beat_jobs[name] = {"task": task, "schedule": schedule}


def todo_lines(user, *lines: tuple[str, str]) -> list[HomeItem]:
    """To-do lines of registered figures of one model, (key, level) each, as of now in the user's
    scope: one aggregate query. The text is the figure's name and the link its list."""
    from .models import Organization

    org = user.organization or Organization.objects.filter(parent__isnull=True).order_by("code").first()
    if org is None:
        return []
    period = Period.now()
    defined = [(figures[key], level) for key, level in lines]
    counts = defined[0][0].base(org, period).aggregate(**{f.key: f.measure(org, period) for f, _level in defined})
    return [HomeItem(f.name, counts[f.key], f.url(org, period), level) for f, level in defined]


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


# ---- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year and the day its figures are judged at: 31 December of a closed year, today
    in the running one (and for to-do lines, which are always as of now)."""

    year: int
    as_of: datetime.date

    @classmethod
    def of(cls, year: int, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(year, min(datetime.date(year, 12, 31), today))

    @classmethod
    def now(cls) -> Period:
        return cls.of(timezone.localdate().year)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        """The day after the year: filter with __lt so indexes serve."""
        return datetime.date(self.year + 1, 1, 1)

    @property
    def said(self) -> str:
        """截至2008年12月31日: the as-of date as the cards and the 总览 sheet say it."""
        return gettext("截至%(date)s") % {"date": formats.date_format(self.as_of)}


def counted(condition: Q) -> Aggregate:
    return Count("pk", filter=condition)


def summing(expression) -> Callable[[Q], Aggregate]:
    return lambda condition: Coalesce(Sum(expression, filter=condition), 0)


@dataclass(frozen=True)
class Figure:
    """One figure, defined once by its area: which records of an organisation's subtree it counts
    for a period (`condition(org, period)`, a Q on `model`), how they are aggregated, and the list
    filter that shows exactly those records (`query(org, period)`: the list's query string beyond
    the organisation; None when no list shows them). Panels and summaries put `measure()` in their
    one aggregate query, links are `url()`, and `queryset()` is what both equal (tested for every
    figure)."""

    key: str
    label: str  # Chinese, marked with gettext_noop: the 总览 sheet's 指标, translated on the pages
    unit: str  # a Chinese measure word, or "%"
    model: Any
    condition: Callable[[Organization, Period], Q]
    list_url: str = ""  # a URL name
    query: Callable[[Organization, Period], dict] | None = None
    aggregate: Callable[[Q], Aggregate] = counted
    level: str = "primary"  # a Bootstrap colour on the card: "danger" for what is behind
    subtree_field: str = "organization__path"
    # The subtree's records with what `condition` needs annotated (e.g. a stock line's quantity on
    # the as-of day); plain model rows when None.
    records: Callable[[Organization, Period], QuerySet] | None = None

    @property
    def counts_records(self) -> bool:
        """Whether the value is the number of records its list shows (not a sum over them)."""
        return self.aggregate is counted

    def base(self, org: Organization, period: Period) -> QuerySet:
        if self.records is not None:
            return self.records(org, period)
        return self.model.objects.filter(**{f"{self.subtree_field}__startswith": org.path})

    def queryset(self, org: Organization, period: Period) -> QuerySet:
        return self.base(org, period).filter(self.condition(org, period))

    def measure(self, org: Organization, period: Period) -> Aggregate:
        return self.aggregate(self.condition(org, period))

    def url(self, org: Organization, period: Period) -> str:
        if self.query is None:
            return ""
        return f"{reverse(self.list_url)}?{urlencode({**organisation_filter(org), **self.query(org, period)})}"

    @property
    def name(self) -> str:
        return gettext(self.label)

    def row(self, value):
        """The figure's row of the 总览 sheet (the summary stays Chinese)."""
        from .summary import Figure as Row

        return Row(self.key, self.label, value, self.unit)


@dataclass(frozen=True)
class Rate:
    """A share of two figures in per cent: it opens its numerator's list and says its denominator."""

    key: str
    label: str
    numerator: str
    denominator: str
    unit: str = "%"

    @property
    def name(self) -> str:
        return gettext(self.label)

    row = Figure.row


def in_year(date_field: str) -> Callable[[Organization, Period], Q]:
    """The condition of records dated in the period's year (on `date_field`)."""
    return lambda org, period: Q(**{f"{date_field}__gte": period.start, f"{date_field}__lt": period.end})


def by_year(org: Organization, period: Period) -> dict:
    """The list filter of records dated in the year: the lists' own 年度 filter."""
    return {"year": period.year}


figures: dict[str, Figure | Rate] = {}


def records_url(key: str, org: Organization, period: Period) -> str:
    """The list of the records figure `key` counts (a rate: its numerator's), or "" if none shows them."""
    figure = figures.get(key)
    if isinstance(figure, Rate):
        figure = figures[figure.numerator]
    return figure.url(org, period) if figure else ""


def register_figures(*defined: Figure | Rate) -> None:
    for figure in defined:
        figures.setdefault(figure.key, figure)


def organisation_filter(org: Organization) -> dict:
    """The list filter of `org`'s subtree: bureaus by the drop-down, schools (not in it) by code."""
    from .models import OrganizationKind

    return {"org": org.pk} if org.kind != OrganizationKind.SCHOOL else {"org_code": org.code}
