"""The annual summary's building blocks: what an area's `summarize(org, year)` returns, the
helpers that break figures down by district and by school, and the core's own section
(一、应急管理体系建设情况: the leadership group and the work plan).

Every area registers its section from AppConfig.ready() with `register_section`; the compiler
reads the registry and never imports an area. A section covers `org`'s whole subtree."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, F, Func, Q, Value

from . import registry
from .models import Document, DocumentKind, GroupRole, LeadershipGroup, Organization

# The chapters of the seed's summary, in its order; each area's section names its chapter.
CHAPTERS = {
    1: "应急管理体系建设情况",
    2: "应急预案制定情况",
    3: "突发事件风险排查整治情况",
    4: "应急物资普查情况",
    5: "政务值班、信息报告工作情况",
    6: "应急管理宣传情况",
}
CHINESE_NUMBERS = "一二三四五六七八九十"
DETAIL_ROW_LIMIT = 100_000  # a sheet holds 1,048,576 rows; past this the list's own export is the way


@dataclass
class Figure:
    """One number of the summary: a stable key, its Chinese name (the 总览 sheet's 指标) and value."""

    key: str
    label: str
    value: int | float | Decimal | str
    unit: str = ""


@dataclass
class Table:
    """A sheet's worth of rows. `rows` may be a generator, so millions of records stream through.

    `kind` is "breakdown" (by district or school: always fits) or "detail" (the records, capped
    at DETAIL_ROW_LIMIT by the writer, which says so when `total` is larger)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    kind: str = "breakdown"
    total: int | None = None
    # Columns whose rows add up to a figure (header -> figure key), checked before finalising;
    # with `total_row` the last row is that total and the rows above it are added up.
    sums: dict[str, str] = field(default_factory=dict)
    total_row: bool = False


@dataclass(frozen=True)
class Rule:
    """A relation the figures must keep, checked before the summary is finalised: the figures named
    on the left, added up, are equal to (or, with `at_most`, not more than) those on the right."""

    label: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    at_most: bool = False


@dataclass(frozen=True)
class Outstanding:
    """What is still open at the end of the year, for the closing 存在问题和下一步工作打算: the
    problem as the records count it, and the step it calls for."""

    problem: str
    step: str


@dataclass
class Section:
    """An area's part of the summary: figures, tables, and the narrative sentences of its chapter,
    every number in them taken from the records. Besides its chapter an area may give chapter 一
    a clause for "重点做好了N项工作" (`key_work`) and sentences closing it (`overview`), and the
    closing section what is still open (`outstanding`)."""

    chapter: int
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    key_work: list[str] = field(default_factory=list)
    overview: list[str] = field(default_factory=list)
    outstanding: list[Outstanding] = field(default_factory=list)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


Summarizer = Callable[[Organization, int], Section]
sections: list[tuple[str, Summarizer]] = []


def register_section(app_label: str, summarize: Summarizer) -> None:
    if all(label != app_label for label, _ in sections):
        sections.append((app_label, summarize))


def detail_rows(queryset: models.QuerySet) -> Iterator:
    """A detail table's records, no more than its sheet holds (DETAIL_ROW_LIMIT), streamed: with
    the limit in the query the database keeps the first rows of its sort (top-N in memory) instead
    of sorting every record of the year on disk."""
    return queryset[:DETAIL_ROW_LIMIT].iterator(chunk_size=2000)


def labels(choices) -> dict[str, str]:
    """Value → label as plain text, worked out once per table. A detail sheet of 100,000 rows
    calling Django's get_FOO_display() hashes every lazy label on every call, which was a fifth of
    the summary's time."""
    return {value: str(label) for value, label in choices}


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    """The calendar year as [start, end): filter with __gte=start, __lt=end so indexes serve."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def rate(part: int, whole: int) -> float:
    """A share in per cent with one decimal; 0 when there is nothing to share."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def share(part: int, whole: int) -> float | None:
    """A share in per cent with one decimal, None when there is nothing to divide by: the dashboard
    shows "—" there, since 0 would say that nothing was done."""
    return rate(part, whole) if whole else None


def child_code(org: Organization, path_field: str = "organization__path") -> Func:
    """The code of the child of `org` that a record's organisation sits under (itself if a child).

    For the city ("/C/") a school's path "/C/D01/S001/" gives "D01": split_part counts from 1 and
    the path starts with "/", so the child's code is part depth + 3."""
    return Func(F(path_field), Value("/"), Value(org.depth + 3), function="split_part", output_field=models.CharField())


def breakdown_by_child(
    queryset: models.QuerySet,
    org: Organization,
    measures: dict[str, models.Aggregate],
    title: str,
    first_header: str = "单位",
    sums: dict[str, str] | None = None,
) -> Table:
    """One row per direct child of `org` (districts of a city, schools of a district) with every
    measure, in one grouped query; records of `org` itself are shown on a row of their own. `sums`
    names the measures whose rows add up to a figure (Table.sums): each record in one row only."""
    grouped = {
        row["child"]: row
        for row in queryset.annotate(child=child_code(org)).values("child").annotate(**measures).order_by()
    }
    children = list(Organization.objects.filter(parent=org).order_by("code").values_list("code", "name"))
    rows = []
    own = grouped.get("")
    if own:
        rows.append([f"{org.name}（本级）", *(own[m] or 0 for m in measures)])
    for code, name in children:
        row = grouped.get(code, {})
        rows.append([name, *(row.get(m) or 0 for m in measures)])
    return Table(title, [first_header, *measures], rows, sums=sums or {})


def breakdown_by_unit(queryset: models.QuerySet, measures: dict[str, models.Aggregate], title: str) -> Table:
    """One row per organisation that holds records, with its parent bureau, in one grouped query."""
    rows = (
        queryset.values("organization__code", "organization__name", "organization__parent__name")
        .annotate(**measures)
        .order_by("organization__path")
    )
    return Table(
        title,
        ["单位代码", "单位名称", "上级单位", *measures],
        (
            [
                r["organization__code"],
                r["organization__name"],
                r["organization__parent__name"] or "",
                *(r[m] for m in measures),
            ]
            for r in rows.iterator(chunk_size=2000)
        ),
    )


def summarize_organisation(org: Organization, year: int) -> Section:
    """一、应急管理体系建设情况: the group as it stood at the end of the year, the groups set up
    below, and the work plans issued."""
    start, end = year_range(year)
    last_day = end - datetime.timedelta(days=1)
    section = Section(1, "领导小组与工作方案")
    group = LeadershipGroup.objects.filter(organization=org).select_related("founding_document").first()
    members = list(group.members_on(last_day)) if group else []
    period = registry.Period.of(year)
    units = registry.figures["units_below"].queryset(org, period).count()
    with_group = registry.figures["units_with_group"].queryset(org, period).count()
    plans = list(
        Document.objects.filter(organization=org, kind=DocumentKind.WORK_PLAN, issued_on__gte=start, issued_on__lt=end)
        .order_by("issued_on")
        .values_list("title", flat=True)
    )
    section.figures = [
        Figure("group_members", "领导小组成员数", len(members), "人"),
        registry.figures["units_with_group"].row(with_group),
        registry.figures["units_below"].row(units),
        registry.figures["group_rate"].row(rate(with_group, units)),
        Figure("work_plans", "印发工作方案数", len(plans), "个"),
    ]
    section.tables.append(
        Table(
            "领导小组成员",
            ["姓名", "职务", "组内职务", "科室", "职责分工"],
            [[m.name, m.title, m.get_group_role_display(), m.department, m.duties] for m in members],
        )
    )
    section.tables.append(
        breakdown_by_child(
            registry.figures["units_with_group"].queryset(org, period),
            org,
            {"已成立领导小组单位数": Count("id")},
            "下级单位领导小组成立情况",
            sums={"已成立领导小组单位数": "units_with_group"},
        )
    )
    section.rules.append(
        Rule("已成立领导小组的下级单位数不超过下级单位数", ("units_with_group",), ("units_below",), True)
    )
    if group:
        heads = [m for m in members if m.group_role == GroupRole.LEADER]
        deputies = [m for m in members if m.group_role == GroupRole.DEPUTY]
        head = "、".join(m.title for m in heads) or "主要负责同志"
        sentence = (
            f"{org.name}成立了以{head}为组长，"
            f"{'其他班子成员' if deputies else ''}{'为副组长，' if deputies else ''}"
            f"机关各科室负责人为成员的{group.name}（成员{len(members)}人）"
        )
        if plans:
            sentence += "，印发了" + "、".join(f"《{t}》" for t in plans)
        sentence += "，全面部署了应急管理工作"
        if group.office_in_charge:
            sentence += f"，{group.office_in_charge}具体负责管理应急事项"
        if group.daily_responsible:
            sentence += f"，{group.daily_responsible}负责应急管理日常工作"
        section.paragraphs.append(sentence + "。")
    else:
        section.paragraphs.append(f"{org.name}尚未在系统中登记应急管理工作领导小组。")
    if units and with_group == units:
        section.paragraphs.append(f"同时，要求各下级单位成立应急管理领导机构，全辖区{units}个下级单位均已成立。")
    elif with_group:
        section.paragraphs.append(
            f"同时，要求各下级单位成立应急管理领导机构，全辖区{units}个下级单位中{with_group}个已成立，"
            f"成立率{rate(with_group, units)}%。"
        )
    elif units:
        section.paragraphs.append(f"全辖区{units}个下级单位尚未在系统中登记应急管理领导机构。")
    if units > with_group:
        section.outstanding.append(
            Outstanding(
                f"{units - with_group}个下级单位尚未成立应急管理领导机构",
                "督促尚未成立应急管理领导机构的单位尽快成立，落实责任人员",
            )
        )
    return section


def documents_of_year(org: Organization, year: int, kinds: Iterable[str], words: Iterable[str] = ()) -> list[Document]:
    """The documents `org` issued in `year` of the given kinds, oldest first; with `words`, only
    those whose title holds one of them (an area's own 制度 among the bureau's)."""
    start, end = year_range(year)
    titled = Q()
    for word in words:
        titled |= Q(title__contains=word)
    return list(
        Document.objects.filter(
            titled, organization=org, kind__in=list(kinds), issued_on__gte=start, issued_on__lt=end
        ).order_by("issued_on", "title")
    )


def titles(documents: Iterable[Document]) -> str:
    """《甲》、《乙》: documents named in a sentence."""
    return "、".join(f"《{d.title}》" for d in documents)
