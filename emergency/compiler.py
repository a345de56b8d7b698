"""The annual summary compiler: runs every registered section for an organisation's subtree and a
calendar year, and writes what it found as figures, an Excel workbook and the narrative.

It imports no area: sections come from `summary.sections`, registered by each app. An area that
is not installed is simply absent from the summary, and its chapter is left out."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.files import File
from django.utils import translation

from . import registry
from .excel import ExportBook, Link, SheetSpec
from .models import DocumentKind, Organization
from .parallel import side_by_side
from .registry import Period
from .summary import CHAPTERS, CHINESE_NUMBERS, DETAIL_ROW_LIMIT, Section, Table, documents_of_year, sections

DEFAULT_NOTICE = "上级关于开展应急管理工作检查的通知"


def compile_sections(org: Organization, year: int, progress: Callable[[int], None] | None = None) -> list[Section]:
    """Every registered section for the subtree of `org` in `year`, in registration order, compiled
    side by side (`emergency.parallel`), which at a province's size is faster than one by one."""
    parts = side_by_side([partial(summarize, org, year) for _label, summarize in sections])
    return list(_reporting(parts, progress))


def _reporting(parts: Iterator[Section], progress: Callable[[int], None] | None) -> Iterator[Section]:
    for index, part in enumerate(parts, start=1):
        yield part
        if progress:
            progress(int(index * 70 / len(sections)))


def figures_of(parts: list[Section]) -> list[dict]:
    return [
        {
            "key": f.key,
            "label": f.label,
            "value": _json_number(f.value),
            "unit": f.unit,
            "section": s.title,
        }
        for s in parts
        for f in s.figures
    ]


# ---- consistency checks -------------------------------------------------------------------------


def consistency_checks(parts: list[Section]) -> list[dict]:
    """What the compiled sections must agree on, each with pass or fail, shown before finalising:
    the columns of a breakdown that add up to a figure (every record counted once, in one row:
    by type, by level, by district or school) and the relations the sections declare between
    their figures (rectified ≤ open at the start + found, …). Areas that are absent are skipped."""
    figures = {f.key: f for part in parts for f in part.figures}
    checks = []
    for part in parts:
        for table in part.tables:
            for header, key in table.sums.items():
                if key not in figures:
                    continue
                if not isinstance(table.rows, list | tuple):
                    raise TypeError(f"{table.title}: rows that are checked must be a list, not streamed")
                column = list(table.headers).index(header)
                rows = table.rows[:-1] if table.total_row else table.rows
                added = sum(_number(row[column]) for row in rows)
                figure = figures[key]
                checks.append(
                    _check(
                        f"{table.title}：各行“{header}”之和等于{figure.label}",
                        added == _number(figure.value),
                        f"{_shown(added)} / {_shown(figure.value)}",
                    )
                )
        for rule in part.rules:
            if not all(key in figures for key in (*rule.left, *rule.right)):
                continue
            left = sum(_number(figures[key].value) for key in rule.left)
            right = sum(_number(figures[key].value) for key in rule.right)
            passed = left <= right if rule.at_most else left == right
            checks.append(_check(rule.label, passed, f"{_shown(left)} {'≤' if rule.at_most else '='} {_shown(right)}"))
    return checks


def _check(label: str, passed: bool, detail: str) -> dict:
    return {"label": label, "passed": passed, "detail": detail}


def _number(value) -> Decimal:
    """Counts and amounts compared exactly: floats through their shortest text, None as 0."""
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _shown(value) -> str:
    number = _number(value)
    return str(int(number)) if number == number.to_integral_value() else str(number.normalize())


def _json_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# ---- narrative ----------------------------------------------------------------------------------


def speaker(org: Organization) -> str:
    """How a bureau refers to itself in its own report: 我局; a school: 我校."""
    return "我校" if org.kind == "school" else "我局"


def narrative(org: Organization, year: int, parts: list[Section], notice: str, with_outlook: bool = False) -> str:
    """The summary in the seed's shape: title, the opening sentence naming the requesting notice,
    then 一、… 六、 with the sentences of every section of that chapter; chapter 一 holds the
    "重点做好了N项工作" passage and closes on the year's overview. With `with_outlook`, a last
    chapter 存在问题和下一步工作打算 drafted from what is still open, for staff to edit."""
    lines = [
        f"{org.name}{year}年度应急管理工作总结",
        f"根据《{notice or DEFAULT_NOTICE}》要求，现将{speaker(org)}{year}年应急管理工作总结汇报如下。",
    ]
    number = 0
    for chapter, title in CHAPTERS.items():
        paragraphs = [p for s in parts if s.chapter == chapter for p in s.paragraphs]
        if chapter == 1 and paragraphs:
            passage = key_work(org, year, parts)
            overview = [sentence for s in parts for sentence in s.overview]
            paragraphs = [*paragraphs[:1], *([passage] if passage else []), *paragraphs[1:], *overview]
        if not paragraphs:
            continue  # an area that does not exist is left out, never faked
        lines.append(f"{CHINESE_NUMBERS[number]}、{title}。" + "".join(paragraphs))
        number += 1
    open_items = [item for s in parts for item in s.outstanding]
    if with_outlook and open_items:
        lines.append(f"{CHINESE_NUMBERS[number]}、存在问题和下一步工作打算")
        lines.append("（一）存在的问题。" + enumerated([item.problem for item in open_items]))
        lines.append("（二）下一步工作打算。" + enumerated([item.step for item in open_items]))
    return "\n\n".join(lines)


def enumerated(clauses: list[str]) -> str:
    """一是…；二是…。: clauses counted the way a Chinese report counts them."""
    return "；".join(f"{CHINESE_NUMBERS[i]}是{clause}" for i, clause in enumerate(clauses)) + "。"


def key_work(org: Organization, year: int, parts: list[Section]) -> str:
    """重点做好了N项工作：一是…: drafted when `org` issued a 工作方案 or 制度 in the year that set the
    work, one item a chapter from the clauses its areas' records prove; "" otherwise."""
    if not documents_of_year(org, year, (DocumentKind.WORK_PLAN, DocumentKind.RULES)):
        return ""
    items = ["，".join(clause for s in parts if s.chapter == chapter for clause in s.key_work) for chapter in CHAPTERS]
    items = [item for item in items if item]
    if not items:
        return ""
    return f"重点做好了{len(items)}项工作：" + enumerated(items)


# ---- workbook -----------------------------------------------------------------------------------


def write_workbook(org: Organization, year: int, parts: list[Section], figures: list[dict], target) -> None:
    """Stream the summary into `target` (a file): 总览 first, then a sheet per section with its
    breakdowns, and a sheet per detail table capped at DETAIL_ROW_LIMIT rows."""
    book = ExportBook(target)
    with translation.override("zh-hans"):  # the summary stays a Chinese document
        as_of = Period.of(year).said
    overview = SheetSpec(
        "总览",
        ["指标", "数值", "单位", "所属部分", "记录列表"],
        ([f["label"], f["value"], f["unit"], f["section"], _list_link(f["key"], org, year)] for f in figures),
        widths=[34, 14, 8, 24, 14],
        note=f"{org.name}{year}年度应急管理工作总结（{as_of}，生成于{datetime.date.today():%Y-%m-%d}）",
    )
    book.write_sheet(overview)
    used = {"总览"}
    for part in parts:
        breakdowns = [t for t in part.tables if t.kind != "detail"]
        if breakdowns:
            _stacked_sheet(book, _unique(part.title, used), breakdowns, f"{org.name}{year}年度 {part.title}（{as_of}）")
        for table in part.tables:
            if table.kind == "detail":
                _detail_sheet(book, _unique(table.title, used), table)
    book.close()


def _list_link(key: str, org: Organization, year: int) -> Link | None:
    """A link to the site's list of the records a figure counts, for a reader of the workbook."""
    url = registry.records_url(key, org, Period.of(year))
    return Link(settings.SITE_URL + url, "查看记录") if url else None


def _unique(title: str, used: set[str]) -> str:
    name = title.replace("/", "、").replace(":", "：")[:28]
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate


def _stacked_sheet(book: ExportBook, title: str, tables: list[Table], heading: str) -> None:
    """The breakdowns of a section one below the other, under a title line repeated on every printed page."""
    width = max(len(t.headers) for t in tables)
    sheet = book.sheet(title, [16] * width, (0, 1))
    sheet.append([heading], book.caption, measured=False)
    sheet.skip()
    for table in tables:
        sheet.append([table.title], book.caption, measured=False)
        sheet.append(table.headers, book.header)
        for row in table.rows:
            sheet.append([_plain(v) for v in row])
        sheet.skip()


def _detail_sheet(book: ExportBook, title: str, table: Table) -> None:
    rows: Iterable = table.rows
    note = ""
    if table.total is not None and table.total > DETAIL_ROW_LIMIT:
        note = f"共 {table.total} 条记录，本表只列出前 {DETAIL_ROW_LIMIT} 条；全部记录请在相应列表页筛选后导出。"
        rows = _first(rows, DETAIL_ROW_LIMIT)
    book.write_sheet(SheetSpec(title, list(table.headers), ([_plain(v) for v in r] for r in rows), note=note))


def _first(rows: Iterable, limit: int):
    for index, row in enumerate(rows):
        if index >= limit:
            return
        yield row


def _plain(value):
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def workbook_file(org: Organization, year: int, parts: list[Section], figures: list[dict]) -> File:
    """The workbook in a temporary file on disk, so even a large one never sits in memory."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_workbook(org, year, parts, figures, handle)
    handle.seek(0)
    return File(handle, name=f"{org.code}-{year}-应急管理工作总结.xlsx")
