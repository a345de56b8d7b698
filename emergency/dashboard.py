"""The leadership dashboard's building blocks and page.

Each area registers a function `panel(org, year) -> Panel` from AppConfig.ready(). A panel
aggregates in the database with a fixed number of queries whatever the number of organisations
or records: its headline metrics (this year and the year before, for the trend), one value per
direct child of `org` for the district table, and the series of its charts. The page draws the
charts with ECharts from JSON blocks (no inline script) and links every number to the list
behind it.

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
from django.db.models import Aggregate, Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from . import cache, registry
from .models import LeadershipGroup, Organization, OrganizationKind
from .parallel import side_by_side
from .queries import query_year
from .summary import child_code, rate, year_range
from .tables import RowsTable


@dataclass
class Metric:
    """A headline number: this year's value, last year's for the trend, and the list behind it."""

    key: str
    label: str
    value: int | float
    unit: str = ""
    previous: int | float | None = None
    url: str = ""  # a list URL; the page adds the organisation and year filters
    level: str = "primary"  # a Bootstrap colour: "danger" for what is behind

    @property
    def change(self) -> float | None:
        if self.previous is None:
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
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (key, label, list URL)
    by_child: dict[str, dict[str, float]] = field(default_factory=dict)
    compare: list[str] = field(default_factory=list)  # columns drawn in the chart comparing children


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


def year_measures(date_field: str, year: int, **measures) -> dict[str, Aggregate]:
    """Each measure, given as (function, field, condition or None), over `year` (`<name>__now`) and
    over the year before (`<name>__before`): conditional aggregates, so one query has both."""
    start, end = year_range(year)
    before = datetime.date(year - 1, 1, 1)
    aggregates = {}
    for name, (function, field_name, condition) in measures.items():
        this_year = Q(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
        last_year = Q(**{f"{date_field}__gte": before, f"{date_field}__lt": start})
        extra = condition or Q()
        aggregates[f"{name}__now"] = function(field_name, filter=this_year & extra)
        aggregates[f"{name}__before"] = function(field_name, filter=last_year & extra)
    return aggregates


def two_years(date_field: str, year: int) -> Q:
    """`year` and the year before, the span `year_measures()` counts: filtering on it keeps the scan
    from growing with the years of records kept."""
    return Q(**{f"{date_field}__gte": datetime.date(year - 1, 1, 1), f"{date_field}__lt": year_range(year)[1]})


def both_years(totals: Counter, *names: str) -> tuple[dict, dict]:
    """The `year_measures()` named, split into this year's and the year before's."""
    return {name: totals[f"{name}__now"] for name in names}, {name: totals[f"{name}__before"] for name in names}


def organisation_panel(org: Organization, year: int) -> Panel:
    """体系建设: how many units below have set up a leadership group, per child."""
    end = year_range(year)[1]
    below = Organization.objects.filter(path__startswith=org.path).exclude(pk=org.pk)
    groups = LeadershipGroup.objects.filter(organization__path__startswith=org.path, established_on__lt=end).exclude(
        organization=org
    )
    units = {code: row["n"] for code, row in per_child(below, org, "path", n=Count("id")).items()}
    with_group = per_child(groups, org, groups=Count("id"))
    total_units = sum(units.values())
    total_groups = sum(v["groups"] for v in with_group.values())
    panel = Panel(gettext("体系建设"))
    panel.metrics.append(
        Metric(
            "group_rate",
            gettext("领导小组成立率"),
            rate(total_groups, total_units),
            "%",
            url=reverse("emergency:leadershipgroup_list"),
        )
    )
    panel.columns.append(("group_rate", gettext("领导小组成立率(%)"), reverse("emergency:leadershipgroup_list")))
    for code, count in units.items():
        panel.by_child.setdefault(code, {})["group_rate"] = rate(with_group.get(code, {}).get("groups", 0), count)
    return panel


def built_panels(org: Organization, year: int) -> cache.Built:
    """Every area's panel for `org` and `year`, and the rows of the table of its children (each
    child with its figures), as the cache has them (`.value`)."""
    return cache.latest("dashboard", f"{org.pk}:{year}", org.pk, year)


def build_figures(org_pk: int, year: int) -> tuple[list[Panel], list[dict]]:
    org = Organization.objects.get(pk=org_pk)
    built = list(side_by_side([partial(build, org, year) for _label, build in panels]))
    columns = [(panel, key) for panel in built for key, _label, _url in panel.columns]
    children = Organization.objects.filter(parent=org).order_by("code").values("pk", "code", "name", "kind")
    rows = [{**c, **{key: panel.by_child.get(c["code"], {}).get(key, 0) for panel, key in columns}} for c in children]
    return built, rows


def list_filters(org: Organization, year: int, with_year: bool = True) -> str:
    """The query string that filters a list to `org`'s records (of `year`)."""
    params = {"org": org.pk} if org.kind != OrganizationKind.SCHOOL else {"org_code": org.code}
    if with_year:
        params["year"] = year
    return urlencode(params)


def filtered_url(url: str, org: Organization, year: int, with_year: bool = True) -> str:
    return f"{url}?{list_filters(org, year, with_year)}"


CHILDREN_PER_PAGE = 20


class FigureColumn(tables.Column):
    """A child's figure of one panel column, linked to the list behind it filtered to that child."""

    def __init__(self, list_url: str, **kwargs):
        super().__init__(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}, **kwargs)
        self.list_url = list_url

    def render(self, value, record, table):
        return format_html('<a href="{}">{}</a>', f"{self.list_url}?{table.filters(record)}", value)


class ChildrenTable(RowsTable):
    """The organisation's children and their figures, sorted and paged by django-tables2: only the
    rows of the page are rendered, so a province's thousand bureaus cost the page no more than a
    city's ten. Links are made for those rows alone."""

    name = tables.Column(verbose_name=_("单位"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "district-table"}
        empty_text = _("没有下级单位")

    def __init__(self, data, year: int, **kwargs):
        super().__init__(data, **kwargs)
        self.year = year

    def render_name(self, value, record):
        if record["kind"] == OrganizationKind.SCHOOL:
            drill = reverse("emergency:organization_detail", args=[record["pk"]])
        else:
            drill = reverse("emergency:dashboard") + f"?{urlencode({'org': record['pk'], 'year': self.year})}"
        return format_html('<a class="district-link" href="{}">{}</a>', drill, value)

    def filters(self, record) -> str:
        """The list filters of one child, made once per row (kept on the row)."""
        if "filters" not in record:
            child = Organization(pk=record["pk"], code=record["code"], kind=record["kind"])
            record["filters"] = list_filters(child, self.year)
        return record["filters"]


def children_table(request, year: int, built: list[Panel], rows: list[dict]) -> ChildrenTable:
    extra = [(key, FigureColumn(url, verbose_name=label)) for panel in built for key, label, url in panel.columns]
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
    year = query_year(request, timezone.localdate().year)
    figures = built_panels(org, year)
    built, rows = figures.value
    table = children_table(request, year, built, rows)
    for panel in built:
        for metric in panel.metrics:
            if metric.url:
                metric.url = filtered_url(metric.url, org, year)
    charts = [chart for panel in built for chart in panel.charts]
    shown = [row.record for row in table.paginated_rows]  # the chart compares the children on the page
    compared = [(key, label) for panel in built for key, label, _url in panel.columns if key in panel.compare]
    if compared and shown:
        charts.insert(
            0,
            Chart(
                "children_compared",
                gettext("各下级单位对比") if org.kind != OrganizationKind.CITY else gettext("各区县对比"),
                [c["name"] for c in shown],
                [(label, [c[key] for c in shown]) for key, label in compared],
            ),
        )
    todo = registry.todo(user)
    return render(
        request,
        "emergency/dashboard.html",
        {
            "org": org,
            "year": year,
            "years": range(year + 1, year - 5, -1),
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
