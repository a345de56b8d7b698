"""The leadership dashboard's building blocks and page.

Each area registers a function `panel(org, year) -> Panel` from AppConfig.ready(). A panel
aggregates in the database with a fixed number of queries whatever the number of organisations
or records: its headline metrics (this year and the year before, for the trend), one value per
direct child of `org` for the district table, and the series of its charts. Every number is a
figure registered once (`emergency.registry.Figure`): the panel puts its `measure()` in its one
aggregate query and links it to `url()`, the list of exactly the records counted. The page draws
the charts with ECharts from JSON blocks (no inline script).

The panels are the costly part (aggregates over every record of the subtree), so they are kept in
the cache with the database snapshot they were built under (`emergency.cache`): a city's are built
again in the request after any write; a province's, which take seconds, are shown as last built
(the page says when) while a worker builds them again."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop, pgettext
from django_tables2 import RequestConfig

from . import cache, registry
from .models import LeadershipGroup, Organization, OrganizationKind, User
from .parallel import side_by_side
from .queries import query_year
from .registry import Period, Rate
from .summary import child_code, share, year_range
from .tables import RowsTable
from .years import record_span


@dataclass
class Metric:
    """A headline number: this year's value, last year's for the trend, the list behind it, the day
    it is judged at and, for a rate, its numerator and denominator ("148 / 167")."""

    key: str
    label: str
    value: int | float | None  # None: a rate with nothing to divide by, shown "—"
    unit: str = ""
    previous: int | float | None = None
    url: str = ""  # the list of exactly the records counted (a rate: its numerator's)
    level: str = "primary"  # a Bootstrap colour: "danger" for what is behind
    as_of: str = ""  # 截至2008年12月31日
    of: str = ""  # a rate's "numerator / denominator"

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)


@dataclass
class Chart:
    """A chart's data: categories on the x axis and named series, drawn by static/js/dashboard.js."""

    key: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    kind: str = "bar"  # bar, line or pie


@dataclass
class Panel:
    """An area's part of the dashboard. `columns` name the district table's columns; `by_child`
    holds their values per child code of the organisation shown."""

    title: str
    metrics: list[Metric] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # keys of registered figures
    by_child: dict[str, dict[str, float]] = field(default_factory=dict)
    compare: list[str] = field(default_factory=list)  # columns drawn in the chart comparing children


def unit_shown(unit: str) -> str:
    # Translators: a Chinese measure word after a number; English needs none, so it is a space.
    return unit if unit == "%" else pgettext("unit", unit)


def metric(org: Organization, period: Period, key: str, value, previous=None, level: str = "") -> Metric:
    """The card of registered figure `key` (emergency.registry.figures) for `org` in `period`: its
    name, unit, list and as-of date from the definition. A rate's `value` is (numerator, denominator)
    and so is its `previous`."""
    figure = registry.figures[key]
    if isinstance(figure, Rate):
        part, whole = value
        return Metric(
            key,
            figure.name,
            share(part, whole),
            "%",
            None if previous is None else share(*previous),
            registry.figures[figure.numerator].url(org, period),
            level or ("success" if whole and share(part, whole) >= 90 else "warning"),
            period.said,
            f"{part:,} / {whole:,}",
        )
    return Metric(
        key,
        figure.name,
        value,
        unit_shown(figure.unit),
        previous,
        figure.url(org, period),
        level or figure.level,
        period.said,
    )


PanelBuilder = Callable[[Organization, int], Panel]
panels: list[tuple[str, PanelBuilder]] = []


def register_panel(app_label: str, build: PanelBuilder) -> None:
    if all(label != app_label for label, _ in panels):
        panels.append((app_label, build))


def per_child(queryset, org: Organization, path_field: str = "organization__path", **measures) -> dict[str, dict]:
    """Measures grouped by the child of `org` each record's organisation sits under: one query.
    The records of `org` itself come under the key "", so `summed()` of the result is the subtree's
    total and a panel needs no second scan for its headline figures."""
    rows = queryset.annotate(child=child_code(org, path_field)).values("child").annotate(**measures).order_by()
    return {row.pop("child"): row for row in rows}


def summed(by_child: dict[str, dict]) -> Counter:
    """Each measure of `per_child()` (or of any grouping) added up over the groups: the subtree's
    total (0 where the subtree has no records)."""
    totals = Counter()
    for row in by_child.values():
        for name, value in row.items():
            totals[name] += value or 0
    return totals


def two_years(date_field: str, year: int) -> Q:
    """`year` and the year before, the span a panel's trend counts: filtering on it keeps the scan
    from growing with the years of records kept."""
    return Q(**{f"{date_field}__gte": datetime.date(year - 1, 1, 1), f"{date_field}__lt": year_range(year)[1]})


def below(org: Organization) -> Q:
    """Records of the units below `org`, not its own (the lists' 仅下级单位 filter)."""
    return ~Q(organization=org)


def group_established(period: Period) -> Q:
    return Q(established_on__lte=period.as_of)


ORGANISATION_FIGURES = (
    registry.Figure(
        "units_with_group",
        gettext_noop("已成立领导小组的下级单位数"),
        "个",
        LeadershipGroup,
        lambda org, period: group_established(period) & below(org),
        "emergency:leadershipgroup_list",
        lambda org, period: {"established_by": period.as_of.isoformat(), "below": "true"},
    ),
    registry.Figure(
        "units_below",
        gettext_noop("下级单位数"),
        "个",
        Organization,
        lambda org, period: ~Q(pk=org.pk),
        subtree_field="path",
    ),
    registry.Rate("group_rate", gettext_noop("下级单位领导小组成立率"), "units_with_group", "units_below"),
    registry.Figure(
        "own_group",
        gettext_noop("本单位领导小组"),
        "个",
        LeadershipGroup,
        lambda org, period: group_established(period) & Q(organization=org),
        "emergency:leadershipgroup_list",
        lambda org, period: {"established_by": period.as_of.isoformat()},
    ),
)


def organisation_panel(org: Organization, year: int) -> Panel:
    """体系建设: a bureau's share of the units below with a leadership group, per child (each child's
    own figure: the units below it); a school's own group. Two queries."""
    period = Period.of(year)
    figures = registry.figures
    panel = Panel(_("体系建设"))
    groups = LeadershipGroup.objects.filter(organization__path__startswith=org.path)
    if org.kind == OrganizationKind.SCHOOL:
        own = groups.aggregate(n=figures["own_group"].measure(org, period))["n"]
        panel.metrics.append(metric(org, period, "own_group", own, level="success" if own else "danger"))
        return panel
    units = Organization.objects.filter(path__startswith=org.path)
    with_group = per_child(
        groups,
        org,
        n=figures["units_with_group"].measure(org, period),
        of_child=Count("pk", filter=group_established(period) & ~Q(organization__parent=org)),
    )
    under = per_child(
        units, org, "path", n=figures["units_below"].measure(org, period), of_child=Count("pk", filter=~Q(parent=org))
    )
    panel.metrics.append(metric(org, period, "group_rate", (summed(with_group)["n"], summed(under)["n"])))
    panel.columns.append("group_rate")
    for code, row in under.items():
        if code:
            part = with_group.get(code, {}).get("of_child", 0)
            panel.by_child.setdefault(code, {})["group_rate"] = share(part, row["of_child"])
    return panel


def built_panels(org: Organization, year: int) -> cache.Built:
    """Every area's panel for `org` and `year`, and the rows of the table of its children (each
    child with its figures), as the cache has them (`.value`)."""
    return cache.latest("dashboard", f"{org.pk}:{year}", org.pk, year)


def build_figures(org_pk: int, year: int) -> tuple[list[Panel], list[dict]]:
    org = Organization.objects.get(pk=org_pk)
    built = list(side_by_side([partial(build, org, year) for _label, build in panels]))
    if org.kind == OrganizationKind.SCHOOL:
        return built, []  # a school's own view: no children, no rates over them
    columns = [(panel, key) for panel in built for key in panel.columns]
    children = Organization.objects.filter(parent=org).order_by("code").values("pk", "code", "name", "kind")
    rows = [
        {
            **c,
            **{
                key: panel.by_child.get(c["code"], {}).get(key, None if isinstance(registry.figures[key], Rate) else 0)
                for panel, key in columns
            },
        }
        for c in children
    ]
    return built, rows


def column_label(key: str) -> str:
    figure = registry.figures[key]
    return f"{figure.name} (%)" if figure.unit == "%" else figure.name


CHILDREN_PER_PAGE = 20


class FigureColumn(tables.Column):
    """A child's figure of one panel column, linked to the list of exactly its records (a rate: its
    numerator's), as the child's own dashboard links it."""

    def __init__(self, key: str, **kwargs):
        super().__init__(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}, **kwargs)
        figure = registry.figures[key]
        self.figure = registry.figures[figure.numerator] if isinstance(figure, Rate) else figure
        self.key = key

    def render(self, value, record, table):
        child = Organization(pk=record["pk"], code=record["code"], kind=record["kind"])
        return format_html(
            '<a href="{}" data-metric="{}">{}</a>', self.figure.url(child, table.period), self.key, value
        )


class ChildrenTable(RowsTable):
    """The organisation's children and their figures, sorted and paged by django-tables2: only the
    rows of the page are rendered, so a province's thousand bureaus cost the page no more than a
    city's ten. Links are made for those rows alone."""

    name = tables.Column(verbose_name=_lazy("单位"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "district-table"}
        empty_text = _lazy("没有下级单位")

    def __init__(self, data, year: int, **kwargs):
        super().__init__(data, **kwargs)
        self.year = year
        self.period = Period.of(year)

    def render_name(self, value, record):
        if record["kind"] == OrganizationKind.SCHOOL:
            drill = reverse("emergency:organization_detail", args=[record["pk"]])
        else:
            drill = reverse("emergency:dashboard") + f"?{urlencode({'org': record['pk'], 'year': self.year})}"
        return format_html('<a class="district-link" href="{}">{}</a>', drill, value)


def children_table(request, year: int, built: list[Panel], rows: list[dict]) -> ChildrenTable:
    extra = [(key, FigureColumn(key, verbose_name=column_label(key))) for panel in built for key in panel.columns]
    table = ChildrenTable(rows, year, extra_columns=extra)
    RequestConfig(request, paginate={"per_page": CHILDREN_PER_PAGE}).configure(table)
    return table


@login_required
def dashboard(request):
    user = request.user
    visible = Organization.objects.visible_to(user)
    org_id = request.GET.get("org")
    if org_id:
        if not org_id.isdigit():
            raise Http404
        org = get_object_or_404(visible, pk=org_id)
    else:
        org = user.organization or visible.filter(parent__isnull=True).order_by("code").first()
        if org is None:
            raise Http404
    span = record_span()
    year = query_year(request, span.latest_year)
    figures = built_panels(org, year)
    built, rows = figures.value
    table = children_table(request, year, built, rows) if org.kind != OrganizationKind.SCHOOL else None
    charts = [chart for panel in built for chart in panel.charts]
    shown = [row.record for row in table.paginated_rows] if table else []  # the children on the page
    compared = [(key, column_label(key)) for panel in built for key in panel.columns if key in panel.compare]
    if compared and shown:
        charts.insert(
            0,
            Chart(
                "children_compared",
                _("各下级单位对比") if org.kind != OrganizationKind.CITY else _("各区县对比"),
                [c["name"] for c in shown],
                [(label, [c[key] for c in shown]) for key, label in compared],
            ),
        )
    todo = user_todo(user)
    return render(
        request,
        "emergency/dashboard.html",
        {
            "org": org,
            "year": year,
            "years": sorted({*span.years, year}, reverse=True),
            "panels": built,
            "figures": figures,
            "table": table,
            "charts": [
                {
                    "key": c.key,
                    "title": c.title,
                    "kind": c.kind,
                    "categories": c.categories,
                    "series": [{"name": n, "data": d} for n, d in c.series],
                }
                for c in charts
            ],
            "todo": todo,
            "parent": org.parent if org.parent_id and user.in_scope(org.parent) else None,
        },
    )


def user_todo(user) -> list[registry.HomeItem]:
    """The user's to-do lines that have something in them, from every area (home page and
    dashboard), kept by `cache`. The areas count in the user's scope by organisation and role, so
    users who share those share one cache entry."""
    return cache.latest("todo", f"{user.organization_id}:{user.role}:{user.sees_everything}", user.pk).value


def build_todo(user_pk: int) -> list[registry.HomeItem]:
    user = User.objects.select_related("organization").get(pk=user_pk)
    return [item for panel in registry.home_panels for item in panel(user) if item.count]
