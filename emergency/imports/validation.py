"""Checking an uploaded workbook against a spec and the database (`validate`, which writes
nothing), and writing a clean result in one transaction (`apply`)."""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable
from typing import Any

import pghistory
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..excel import WorkbookError, read_sheets
from ..models import ChoiceSynonym, Organization
from ..text import text_problem
from .columns import CellError, Column, ImportContext, Org, code_text, is_blank, normalize
from .spec import ImportSpec, Row, Validation
from .writer import AnyOf

# A file names its units by code, thousands of them at once: they travel as one array. (Ids too.)
Organization._meta.get_field("code").register_lookup(AnyOf)
Organization._meta.pk.register_lookup(AnyOf)


def header_name(value: Any) -> str:
    return normalize(str(value)).strip("★*").strip() if not is_blank(value) else ""


def validate(
    spec: ImportSpec, name: str, data: bytes, user, progress: Callable[[int], None] | None = None
) -> Validation:
    """Read a workbook and check every row against the spec and the database; writes nothing."""
    result = Validation()
    try:
        sheets = read_sheets(name, data)
    except WorkbookError as exc:
        result.errors.append(str(exc))
        return result
    sheet = next((s for s in sheets if s.name == spec.sheet_name), None)
    if sheet is None:  # a workbook of the user's own: its first sheet, said so the rows can be found
        sheet = sheets[0]
        result.notice = _("文件中没有工作表“%(t)s”，读取的是工作表“%(s)s”") % {"t": spec.sheet_name, "s": sheet.name}
    result.sheet = sheet.name
    rows = sheet.rows
    while rows and all(is_blank(v) for v in rows[-1]):
        rows = rows[:-1]
    if not rows:
        result.errors.append(_("工作表“%(s)s”是空的，没有表头和数据") % {"s": sheet.name})
        return result
    columns = _read_header(spec, sheet, rows[0], result)
    if result.errors:
        return result
    data_rows = [(n, r) for n, r in enumerate(rows[1:], start=2) if not all(is_blank(v) for v in r)]
    if not data_rows:
        result.errors.append(_("工作表“%(s)s”只有表头，没有数据行") % {"s": sheet.name})
        return result

    ctx = result.context = ImportContext(user=user, synonyms=ChoiceSynonym.objects.for_kind(spec.kind))
    _find_units(ctx, data_rows, [i for i, c in columns if isinstance(c, Org)])
    _check_rows(spec, ctx, columns, data_rows, result, progress)
    if result.errors:
        result.errors.sort(key=_row_number)
        return result
    _match_stored(spec, ctx, result)
    return result


def _find_units(ctx: ImportContext, data_rows: list[tuple[int, list]], org_columns: list[int]) -> None:
    """The organisations the file's unit columns name, among those the uploader sees, in one query."""
    codes = {
        code_text(r[i])
        for _n, r in data_rows
        for i in org_columns
        if i < len(r) and not is_blank(r[i]) and not text_problem(str(r[i]))
    }
    ctx.orgs_by_code = {o.code: o for o in ctx.visible_orgs().filter(code__any_of=codes)}
    if ctx.default_org is not None:
        ctx.orgs_by_code.setdefault(ctx.default_org.code, ctx.default_org)


def _check_rows(
    spec: ImportSpec,
    ctx: ImportContext,
    columns: list[tuple[int, Column]],
    data_rows: list[tuple[int, list]],
    result: Validation,
    progress: Callable[[int], None] | None,
) -> None:
    """Every row read and checked on its own, then the rows that passed checked across the file."""
    seen: dict[tuple, int] = {}
    total = len(data_rows)
    key_headers = "、".join(c.header for c in spec.columns if c.field in spec.key)
    # What a row lacks is the same for every row, so it is worked out once: the value of each
    # column left out of the file, and how wide a row must be to hold every column read.
    in_file = {id(c) for _p, c in columns}
    absent = [(c.field, c.blank(ctx)) for c in spec.columns if id(c) not in in_file]
    width = max((p for p, _c in columns), default=-1) + 1
    parse_cell, key_fields = spec.parse_cell, spec.key
    for done, (number, raw) in enumerate(data_rows, start=1):
        if len(raw) < width:
            raw = [*raw, *[None] * (width - len(raw))]
        values: dict[str, Any] = {}
        row_errors = []
        for position, column in columns:
            try:
                values[column.field] = parse_cell(column, raw[position], ctx)
            except CellError as exc:
                row_errors.append(f"第{number}行 {column.header}: {exc}")
        for name, blank in absent:
            values[name] = [] if isinstance(blank, list) else blank  # a list of its own per row
        # A key cell that failed to parse leaves the row out of the check for repeated keys (its
        # own error is reported); a repeated key is reported even when other cells are wrong.
        key_failed = bool(row_errors) and not all(f in values for f in key_fields)
        if row_errors:
            for column in spec.columns:  # the cells that failed
                values.setdefault(column.field, column.blank(ctx))
        else:
            row_errors.extend(f"第{number}行 {header}: {reason}" for header, reason in spec.clean_row(values, ctx))
        key = None if key_failed else spec.row_key(values)
        if key is not None:
            if key in seen:
                row_errors.append(
                    _("第%(n)d行: 与第%(m)d行重复（%(k)s相同）") % {"n": number, "m": seen[key], "k": key_headers}
                )
            else:
                seen[key] = number
        if not row_errors:
            result.rows.append(Row(number, values, key))
        result.errors.extend(row_errors)
        if progress and done % 1000 == 0:
            progress(int(done * 80 / total))
    # Checks across rows run on every row that passed on its own, so all errors show at once.
    result.errors.extend(spec.check_rows(result.rows, ctx))


def _match_stored(spec: ImportSpec, ctx: ImportContext, result: Validation) -> None:
    """Each clean row is a record to add, one to update (with the fields that change), or unchanged."""
    existing = spec.existing(result.rows, ctx)
    # Key fields are equal by definition; comparing them would only load related rows.
    compare = [c.field for c in spec.columns if c.field not in spec.key]
    # A stored record's key relations are the row's own objects: handing them over means reading
    # the record's fields (`export_values`) loads nothing, where it cost one query per row.
    key_relations = [f for f in spec.key if _is_relation(spec.model, f)]
    for row in result.rows:
        row.instance = existing.get(row.key)
        if row.instance is None:
            result.to_add.append(row)
            continue
        for name in key_relations:
            if isinstance(row.values[name], models.Model):
                setattr(row.instance, name, row.values[name])
        fresh = spec.prepare(row.values)
        current = spec.export_values(row.instance)
        row.changed = [f for f in compare if f in fresh and _differs(current.get(f), fresh[f])]
        if row.changed:
            result.to_update.append(row)
        else:
            result.unchanged += 1


def _is_relation(model: type[models.Model], name: str) -> bool:
    try:
        return model._meta.get_field(name).many_to_one
    except FieldDoesNotExist:
        return False


def _row_number(message: str) -> int:
    match = re.match(r"第(\d+)行", message)
    return int(match[1]) if match else 0


def _differs(current: Any, new: Any) -> bool:
    if type(current) is type(new) and current == new:  # most rows of a re-upload: nothing changed
        return False
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return getattr(current, "pk", current) != getattr(new, "pk", new)
    if current in (None, "") and new in (None, ""):
        return False
    if isinstance(current, list | tuple) or isinstance(new, list | tuple):
        return sorted(current or []) != sorted(new or [])
    if isinstance(current, decimal.Decimal | int | float) and isinstance(new, decimal.Decimal | int | float):
        return decimal.Decimal(str(current)) != decimal.Decimal(str(new))
    return current != new


def _read_header(spec: ImportSpec, sheet, header: list, result: Validation) -> list[tuple[int, Column]]:
    by_name = {c.header: c for c in spec.columns}
    if any(first == 0 and last == 0 for first, last in sheet.merged_rows):
        result.errors.append(_("第1行: 表头有合并单元格，请使用下载的模板，每列一个表头"))
        return []
    columns: list[tuple[int, Column]] = []
    seen: set[str] = set()
    for position, cell in enumerate(header):
        name = header_name(cell)
        if not name:
            if any(position < len(r) and not is_blank(r[position]) for r in sheet.rows[1:]):
                letter = get_column_letter(position + 1)
                result.errors.append(_("第1行 %(col)s列: 表头为空，但该列有数据") % {"col": letter})
            continue
        column = by_name.get(name)
        if column is None:
            result.errors.append(
                _("第1行 %(h)s: 不是“%(label)s”模板的列，请使用下载的模板") % {"h": name, "label": spec.label}
            )
        elif name in seen:
            result.errors.append(_("第1行 %(h)s: 列名重复") % {"h": name})
        else:
            seen.add(name)
            columns.append((position, column))
    for column in spec.columns:
        if column.required and column.header not in seen:
            result.errors.append(_("第1行 %(h)s: 缺少必填列") % {"h": column.header})
    return columns


class ImportConflict(Exception):
    """The database changed between the preview and the write (for example the same file was
    confirmed twice at once); nothing was written."""


def apply(spec: ImportSpec, validation: Validation, user, source: str) -> None:
    """Write a clean validation in one transaction, with the acting user in every history event."""
    assert validation.ok
    try:
        with transaction.atomic(), pghistory.context(user=getattr(user, "pk", None), source=source):
            spec.write(validation, user)
    except IntegrityError as exc:
        raise ImportConflict(
            _("数据在预览后已被修改（可能同一文件被重复提交），本次未写入任何数据，请重新上传")
        ) from exc
