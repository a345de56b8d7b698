"""The Excel import engine: templates from a column spec, validation of every row, and one
transaction that writes them all or nothing.

An area describes its columns once (`ImportSpec`); the same spec gives the template, the
validation, the preview, the write and the export of a filtered list, so a file exported from a
list can be corrected and uploaded again. Rows are matched to existing records by their natural
key, so uploading the same file twice changes nothing."""

from __future__ import annotations

import datetime
import decimal
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pghistory
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.expressions import RawSQL
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .excel import (
    FORMULA_PREFIXES,
    HEADER_FILL,
    HEADER_FONT,
    ErrorCell,
    SheetSpec,
    WorkbookError,
    read_sheets,
    safe_text,
)
from .models import ChoiceSynonym, Organization
from .queries import check_day
from .text import text_problem

MAX_ERRORS_KEPT = 500


class CellError(Exception):
    """A value that cannot be taken; the message says why, in words for the person filling it in."""


@dataclass
class Column:
    """One column of a record kind's template.

    `kind` decides how a cell is read: text (kept as typed), code (an identifier compared with
    others: full-width forms read as half-width), int, decimal, date, choice, multi (several
    choices separated by 、), or org (a 单位代码 in the uploader's scope)."""

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    choices: Sequence[tuple[str, str]] = ()
    max_length: int = 200
    help: str = ""
    example: Any = ""
    past_only: bool = False  # dates of things that happened cannot lie in the future

    def label_to_value(self) -> dict[str, str]:
        return {normalize(str(label)): value for value, label in self.choices}

    @property
    def has_choices(self) -> bool:
        return self.kind in ("choice", "multi")

    def value_to_label(self) -> dict[str, str]:
        return {value: str(label) for value, label in self.choices}

    def describe(self) -> str:
        if self.help:
            return self.help
        return {
            "text": _("文字，最多%(n)d字") % {"n": self.max_length},
            "code": _("代码，最多%(n)d位") % {"n": self.max_length},
            "int": _("非负整数"),
            "decimal": _("非负数字"),
            "date": _("日期，如 2026-03-05 或 2026年3月5日"),
            "choice": _("从下拉列表选择"),
            "multi": _("可填多个，用顿号“、”分隔"),
            "org": _("单位代码；留空表示本单位"),
        }[self.kind]


def normalize(text: str) -> str:
    """Full-width letters, digits and brackets as half-width; surrounding spaces removed. Only for
    what is compared (codes, numbers, dates, choices): free text is kept as typed."""
    return unicodedata.normalize("NFKC", text).strip()


DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def cell_text(value: Any) -> str:
    """A cell as typed, less surrounding spaces: Excel stores a number like 1001 as 1001.0."""
    return str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()


def code_text(value: Any) -> str:
    """A cell holding a code, read as it compares: full-width ＳＡ１ is SA1."""
    return normalize(cell_text(value))


SHOWN_LENGTH = 20


def shown(value: Any) -> str:
    """A cell's value as an error message repeats it: a 309-digit number is cut to its first digits."""
    text = cell_text(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def unquote(text: str) -> str:
    """Undo the quote exports put before formula-like text, so an exported file re-imports as it was."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        # A date cell formatted as a number arrives as Excel's serial day count.
        if 1 <= value < 2958466 and float(value).is_integer():
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("“%(v)s”不是日期") % {"v": shown(value)})
    text = normalize(str(value)).split(" ")[0]
    for pattern in DATE_PATTERNS:
        if m := pattern.match(text):
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise CellError(_("“%(v)s”不是有效日期，请写成 2026-03-05 或 2026年3月5日") % {"v": shown(value)})


def parse_number(value: Any, whole: bool) -> int | decimal.Decimal:
    # A count as Excel stores it (1200.0) needs no decimal arithmetic; anything else goes through
    # the checks below, which word the errors.
    if whole and type(value) in (int, float) and 0 <= value <= 2_000_000_000 and value % 1 == 0:
        return int(value)
    if isinstance(value, bool):
        raise CellError(_("“%(v)s”不是数字") % {"v": shown(value)})
    if isinstance(value, int | float):
        number = decimal.Decimal(str(value))
    else:
        text = normalize(str(value)).replace(",", "")
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise CellError(_("“%(v)s”不是数字") % {"v": shown(value)}) from None
    if not number.is_finite():
        raise CellError(_("“%(v)s”不是数字") % {"v": shown(value)})
    if number < 0:
        raise CellError(_("不能为负数（%(v)s）") % {"v": shown(value)})
    if whole:
        if number != number.to_integral_value():
            raise CellError(_("必须是整数（%(v)s）") % {"v": shown(value)})
        if number > 2_000_000_000:
            raise CellError(_("数字过大（%(v)s）") % {"v": shown(value)})
        return int(number)
    return number


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class ImportContext:
    """Who is importing, and the organisations their rows may name (code → Organization)."""

    user: Any  # None: an operator at the command line, with full scope
    orgs_by_code: dict[str, Organization] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)
    # What a spec learns while checking one file and needs again to write it. It lives here, not
    # on the spec, because one spec object serves every upload at once.
    state: dict[str, Any] = field(default_factory=dict)
    # The configured synonyms of the kind's choice columns, read once per file: field → {synonym: value}.
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    _labels: dict[int, dict[str, str]] = field(default_factory=dict, repr=False)

    def labels(self, column: Column) -> dict[str, str]:
        """A choice column's label (or synonym) → value map, made once per file: the labels are lazy
        translations, and turning them into text for every cell cost more than all other checks."""
        found = self._labels.get(id(column))
        if found is None:
            found = {**self.synonyms.get(column.field, {}), **column.label_to_value()}
            self._labels[id(column)] = found
        return found

    def accepted(self, column: Column) -> str:
        """The values a choice column takes, and each one's synonyms, for an error message."""
        return accepted_values(column, self.synonyms.get(column.field, {}))

    @property
    def default_org(self) -> Organization | None:
        return getattr(self.user, "organization", None)

    def visible_orgs(self) -> models.QuerySet:
        if self.user is None:
            return Organization.objects.all()
        return Organization.objects.visible_to(self.user)


@dataclass
class Row:
    number: int  # the row number as the spreadsheet shows it
    values: dict[str, Any]
    key: tuple = ()
    instance: models.Model | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class Validation:
    """The result shown as the preview: rows to add, rows to update, and every error."""

    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    to_add: list[Row] = field(default_factory=list)
    to_update: list[Row] = field(default_factory=list)
    unchanged: int = 0
    sheet: str = ""
    notice: str = ""  # said with the preview or the errors, e.g. which sheet was read
    context: ImportContext | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, spec: ImportSpec, sample: int = 20) -> dict:
        def show(rows):
            return [[spec.display(r.values, c) for c in spec.columns] for r in rows[:sample]]

        return {
            "headers": [c.header for c in spec.columns],
            "add": show(self.to_add),
            "update": show(self.to_update),
            "sheet": self.sheet,
            "notice": self.notice,
        }


class ImportSpec:
    """How one record kind travels through Excel. Subclass per kind; most need only attributes.

    `key` names the model fields forming the natural key, in the order of the columns that fill
    them; `clean_row` adds checks across columns; `prepare` turns values into model fields."""

    kind: str
    label: str
    model: type[models.Model]
    columns: list[Column]
    key: tuple[str, ...]
    instructions: tuple[str, ...] = ()
    # Set by the engine on each write so that history shows who changed what.
    audit_fields = ("created_by", "updated_by")
    # Loaded with each exported row, so an export is a few queries whatever its size.
    export_related: tuple[str, ...] = ("organization",)

    @property
    def sheet_name(self) -> str:
        return self.label

    def refusal(self, user) -> str | None:
        """Why this user may not import this kind (None: they may); an operator always may."""
        if user is not None and not user.can_write:
            return _("局领导账号只能查看，不能导入")
        return None

    @property
    def title(self) -> str:
        """The kind's name in the page's language; `label` stays Chinese, as the workbooks are."""
        return _(self.label)

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

    # ---- reading -------------------------------------------------------------------------
    def parse_cell(self, column: Column, raw: Any, ctx: ImportContext) -> Any:
        if isinstance(raw, ErrorCell):
            raise CellError(_("单元格是公式错误 %(e)s") % {"e": raw.code})
        if isinstance(raw, str) and (problem := text_problem(raw)):
            raise CellError(problem)
        if is_blank(raw):
            if column.kind == "org":
                if ctx.default_org is None:
                    raise CellError(_("必须填写（命令行导入没有默认单位）"))
                return ctx.default_org
            if column.required:
                raise CellError(_("必须填写"))
            return _blank_value(column, ctx)
        if column.kind in ("text", "code"):
            text = unquote(cell_text(raw) if column.kind == "text" else code_text(raw))
            if len(text) > column.max_length:
                raise CellError(_("超过%(n)d字（现有%(m)d字）") % {"n": column.max_length, "m": len(text)})
            return text
        if column.kind == "int":
            return parse_number(raw, whole=True)
        if column.kind == "decimal":
            return parse_number(raw, whole=False)
        if column.kind == "date":
            day = parse_date(raw)
            if column.past_only and day > ctx.today:
                raise CellError(_("日期 %(d)s 晚于今天") % {"d": day.isoformat()})
            try:
                return check_day(day)
            except ValidationError as exc:
                reason = exc.messages[0]
                raise CellError(_("日期 %(d)s 超出范围：%(r)s") % {"d": day.isoformat(), "r": reason}) from None
        if column.kind == "choice":
            return self._choice(column, raw, ctx)
        if column.kind == "multi":
            parts = [p for p in re.split(r"[、,，;；/]", normalize(str(raw))) if p.strip()]
            return [self._choice(column, p, ctx) for p in parts]
        if column.kind == "org":
            code = code_text(raw)
            org = ctx.orgs_by_code.get(code)
            if org is None:
                raise CellError(_("单位代码“%(c)s”不存在或不在您的管辖范围内") % {"c": code})
            return org
        raise ValueError(column.kind)

    def _choice(self, column: Column, raw: Any, ctx: ImportContext) -> str:
        value = ctx.labels(column).get(normalize(str(raw)))
        if value is None:
            raise CellError(_("“%(v)s”不是可选值，可选：%(c)s") % {"v": raw, "c": ctx.accepted(column)})
        return value

    def examples(self, user) -> dict[str, Any]:
        """The template's example values (field → value) for the user downloading it: their own
        unit's code, so the example row is one they could upload; the columns' own examples else."""
        examples = {c.field: c.example for c in self.columns}
        org = getattr(user, "organization", None)
        if org is not None:
            examples.update({c.field: org.code for c in self.columns if c.kind == "org"})
        return examples

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        """Checks across columns; returns (column header, reason) pairs."""
        return []

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        """Checks across rows of the whole file (references between rows); returns messages."""
        return []

    def row_key(self, values: dict[str, Any]) -> tuple:
        return tuple(_key_part(values[f]) for f in self.key)

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, models.Model]:
        """The records already stored under the rows' natural keys, in one query.

        The keys go to the database as one array per key field and are matched whole against
        their unnested rows, so the database probes the key's index once per row. (An IN list
        per field sent one parameter per distinct value, ten thousand for a large file, each
        built, sent and planned, and it matched far more stored rows than the file names.)"""
        if not rows:
            return {}
        connection = connections[self.model.objects.db]
        fields = [self.model._meta.get_field(f) for f in self.key]
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in fields)
        arrays = ", ".join(f"%s::{_cast_type(f, connection)}[]" for f in fields)
        params = [[f.get_db_prep_value(row.key[i], connection) for row in rows] for i, f in enumerate(fields)]
        sql = f"({columns}) IN (SELECT * FROM unnest({arrays}))"  # noqa: S608  (our own column names)
        matches = RawSQL(sql, params, output_field=models.BooleanField())  # noqa: S611
        found = {}
        # No ordering: the model's default order would only add a sort (and often a join).
        for obj in self.model.objects.filter(matches).order_by().iterator(chunk_size=5000):
            found[tuple(_key_part(getattr(obj, f.attname)) for f in fields)] = obj
        return found

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        """Model field values from a row's values; the default takes each column's field."""
        return {c.field: values[c.field] for c in self.columns}

    # ---- writing -------------------------------------------------------------------------
    def write(self, validation: Validation, user) -> None:
        audit = {name: user for name in self.audit_fields}
        insert_rows(self.model, [{**self.prepare(row.values), **audit} for row in validation.to_add])
        changed = []
        fields: set[str] = set()
        now = timezone.now()
        for row in validation.to_update:
            for name, value in self.prepare(row.values).items():
                setattr(row.instance, name, value)
            row.instance.updated_by, row.instance.updated_at = user, now  # auto_now is for save() only
            changed.append(row.instance)
            fields.update(row.changed)
        update_rows(self.model, changed, sorted(fields | {"updated_by", "updated_at"}))

    # ---- display and export ---------------------------------------------------------------
    def display(self, values: dict[str, Any], column: Column) -> str:
        value = values.get(column.field)
        if column.kind == "choice":
            return column.value_to_label().get(value, "")
        if column.kind == "multi":
            labels = column.value_to_label()
            return "、".join(labels.get(v, v) for v in value or [])
        if column.kind == "org":
            return value.code if value else ""
        if isinstance(value, datetime.date):
            return value.isoformat()
        return "" if value is None else str(value)

    def export_values(self, obj: models.Model) -> dict[str, Any]:
        return {c.field: getattr(obj, c.field) for c in self.columns}

    def export_rows(self, queryset: Iterable[models.Model]) -> Iterable[list]:
        for obj in queryset:
            values = self.export_values(obj)
            row = []
            for column in self.columns:
                value = values.get(column.field)
                if column.kind in ("choice", "multi", "org"):
                    row.append(self.display(values, column))
                elif isinstance(value, decimal.Decimal):
                    row.append(float(value))
                else:
                    row.append(value)
            yield row

    def export_sheet(self, queryset: models.QuerySet) -> SheetSpec:
        rows = queryset.select_related(*self.export_related).iterator(chunk_size=2000)
        return SheetSpec(self.label, [c.header for c in self.columns], self.export_rows(rows))


# Rows per statement: a batch of VALUES stays under PostgreSQL's 65,535 parameters up to 32 fields.
WRITE_BATCH = 2000
_LEFT_OUT = object()


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new records given as field values, as `Model(**values)` takes them, with one
    INSERT … SELECT FROM unnest(…) per batch: each column travels as one array.

    That is what `bulk_create` sends on PostgreSQL, less a model instance per row and its
    compiler's steps per value, which cost a third of a second for 10,000 rows. Each field does
    what a save does: one left out takes its default, an auto_now one the time of the write, and
    every value becomes a database value by its field. A model whose fields do more than that
    (a column that cannot travel as an array, such as an array field, or a field with its own
    pre_save) is written by `bulk_create`. The new ids are not read back: a write whose later rows
    refer to the new records (hazards' transitions) uses `bulk_create` itself."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoFieldMixin)]
    if not all(_travels_as_array(f, connection) for f in fields):
        model.objects.bulk_create([model(**row) for row in rows], batch_size=WRITE_BATCH)
        return
    if unknown := set().union(*rows) - {f.name for f in fields} - {f.attname for f in fields}:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    blank = model()  # what each field takes when a row leaves it out
    columns = []
    for f in fields:
        prep = f.get_db_prep_save
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append([prep(f.pre_save(blank, add=True), connection)] * len(rows))
            continue
        if f.is_relation:  # a related object by the field's name, or its id by the attname
            given = [_related_pk(f, row[f.name]) if f.name in row else row.get(f.attname, _LEFT_OUT) for row in rows]
        else:
            given = [row.get(f.name, _LEFT_OUT) for row in rows]
        if callable(f.default):  # a default made anew for each record, as Model() makes it
            columns.append([prep(f.get_default() if v is _LEFT_OUT else v, connection) for v in given])
        else:
            default = prep(getattr(blank, f.attname), connection)
            columns.append([default if v is _LEFT_OUT else prep(v, connection) for v in given])
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{_cast_type(f, connection)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT * FROM unnest({arrays})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.execute(sql, [column[start : start + WRITE_BATCH] for column in columns])


# pre_save methods that only read the value, or stamp auto_now fields with the time of the write.
PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def _travels_as_array(field: models.Field, connection) -> bool:
    """Whether insert_rows can send the field's values as one array and take them as a save
    does. Django's own test for sending a column through unnest, plus a plain pre_save."""
    own = field.target_field if field.is_relation else field
    return (
        not hasattr(field, "get_placeholder")
        and own.get_internal_type() in connection.data_types
        and type(field).pre_save in PLAIN_PRE_SAVE
    )


def _cast_type(field: models.Field, connection) -> str:
    """The column's type without its length (varchar, not varchar(200)), for casting values sent
    in: a write then checks the length and fails, where a cast to varchar(200) cuts text short."""
    return re.sub(r"\([^)]*\)", "", field.db_type(connection))


@models.Field.register_lookup
class AnyOf(models.Lookup):
    """`field__any_of=values`: the values travel as one array parameter (`= ANY(%s)`). An `__in`
    list sends one parameter per value, each prepared and placed in the SQL: the ten thousand unit
    codes of a large upload took 0.1 s to look up that way, 5 ms of it in the database."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(v, connection) for v in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::{_cast_type(self.lhs.output_field, connection)}[])", [*lhs_params, *rhs_params]


def _related_pk(field: models.Field, value: Any) -> Any:
    """A related object's id, refused as Model() refuses it: of another model, or not saved."""
    if value is None:
        return None
    if not isinstance(value, field.related_model) or value.pk is None:
        raise ValueError(f"{field.name} must be a saved {field.related_model.__name__}, not {value!r}")
    return value.pk


def update_rows(model: type[models.Model], objs: Sequence[models.Model], names: Iterable[str]) -> None:
    """Store the named fields of records already stored, as `bulk_update` would, but joined to
    their new values: one UPDATE … FROM (VALUES …) per batch.

    `bulk_update` builds a CASE WHEN expression per record and field, and re-uploading a corrected
    file of 10,000 rows spent seven seconds building them. Values are turned into database values
    by each field, as a save does, and cast to the column's type, so NULLs and arrays keep theirs."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    fields = [pk, *(model._meta.get_field(n) for n in names)]
    assert all(f.model._meta.db_table == model._meta.db_table for f in fields), "one table only"
    row = "(" + ", ".join(f"%s::{_cast_type(f, connection)}" for f in fields) + ")"
    assignments = ", ".join(f"{quote(f.column)} = new.{quote(f.column)}" for f in fields[1:])
    aliases = ", ".join(quote(f.column) for f in fields)
    for start in range(0, len(objs), WRITE_BATCH):
        batch = objs[start : start + WRITE_BATCH]
        params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in batch for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(batch))}) AS new ({aliases}) "  # noqa: S608
                f"WHERE {table}.{quote(pk.column)} = new.{quote(pk.column)}",
                params,
            )


def _key_part(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    return value


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
    org_columns = [i for i, c in columns if c.kind == "org"]
    codes = {
        code_text(r[i])
        for _n, r in data_rows
        for i in org_columns
        if i < len(r) and not is_blank(r[i]) and not text_problem(str(r[i]))
    }
    ctx.orgs_by_code = {o.code: o for o in ctx.visible_orgs().filter(code__any_of=codes)}
    if ctx.default_org is not None:
        ctx.orgs_by_code.setdefault(ctx.default_org.code, ctx.default_org)

    seen: dict[tuple, int] = {}
    total = len(data_rows)
    key_headers = "、".join(c.header for c in spec.columns if c.field in spec.key)
    # What a row lacks is the same for every row, so it is worked out once: the value of each
    # column left out of the file, and how wide a row must be to hold every column read.
    in_file = {id(c) for _p, c in columns}
    absent = [(c.field, _blank_value(c, ctx)) for c in spec.columns if id(c) not in in_file]
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
                values.setdefault(column.field, _blank_value(column, ctx))
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
    if result.errors:
        result.errors.sort(key=_row_number)
        return result

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
    return result


def _is_relation(model: type[models.Model], name: str) -> bool:
    try:
        return model._meta.get_field(name).many_to_one
    except FieldDoesNotExist:
        return False


def _blank_value(column: Column, ctx: ImportContext) -> Any:
    """The value of a column left empty or left out of the file."""
    if column.kind == "org":
        return ctx.default_org
    return [] if column.kind == "multi" else "" if column.kind in ("text", "code") else None


def accepted_values(column: Column, synonyms: dict[str, str]) -> str:
    """“中等职业学校（也可写：职高、中专）、小学”: a choice column's labels with their synonyms."""
    also: dict[str, list[str]] = {}
    for synonym, value in synonyms.items():
        also.setdefault(value, []).append(synonym)
    parts = []
    for value, label in column.choices:
        if also.get(value):
            parts.append(_("%(label)s（也可写：%(synonyms)s）") % {"label": label, "synonyms": "、".join(also[value])})
        else:
            parts.append(str(label))
    return "、".join(parts)


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


def template_workbook(spec: ImportSpec, user=None) -> bytes:
    """The template a school officer fills in: headers with their format as a comment, drop-downs
    for choice columns, and a sheet explaining every column with an example (of `user`'s unit)."""
    book = Workbook()
    ws = book.active
    ws.title = spec.sheet_name
    lists = book.create_sheet("选项")
    for index, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=index, value=("★" if column.required else "") + column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.comment = Comment(column.describe(), "应急管理工作台")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, len(column.header) * 2 + 6)
        if column.kind == "date":
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        if column.kind == "choice":
            # Lists live on their own sheet: an inline list is capped at 255 characters.
            for r, (_v, label) in enumerate(column.choices, start=1):
                lists.cell(row=r, column=index, value=str(label))
            rule = DataValidation(
                type="list",
                formula1=f"=选项!${letter}$1:${letter}${len(column.choices)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error="请从下拉列表中选择",
            )
            ws.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}5000")
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    guide = book.create_sheet("填写说明")
    guide.append([f"{spec.label}导入模板 填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    for line in (
        _("在“%(s)s”工作表第2行起填写，每行一条记录；带★的列必须填写。") % {"s": spec.sheet_name},
        _("日期写成 2026-03-05 或 2026年3月5日；数字不能为负数。"),
        _("上传后先显示预览：新增、更新的行和所有错误（第N行 列名: 原因）；有任何错误时不会写入任何数据。"),
        _("同一文件重复上传不会重复添加：%(k)s 相同的行视为同一条记录，会被更新。")
        % {"k": "、".join(c.header for c in spec.columns if c.field in spec.key)},
        *spec.instructions,
    ):
        guide.append([safe_text(str(line))])
    guide.append([])
    guide.append(["列名", "是否必填", "格式", "可选值", "示例"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    synonyms = ChoiceSynonym.objects.for_kind(spec.kind)
    examples = spec.examples(user)
    for column in spec.columns:
        guide.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.describe(),
                accepted_values(column, synonyms.get(column.field, {})),
                safe_text(str(examples[column.field])),
            ]
        )
    for letter, width in zip("ABCDE", (16, 10, 40, 50, 30), strict=True):
        guide.column_dimensions[letter].width = width
    example_fill = PatternFill("solid", fgColor="FFF2CC")
    guide.append([])
    guide.append([_("示例行（复制到“%(s)s”工作表时请删除本行以外的说明）") % {"s": spec.sheet_name}])
    guide.append([c.header for c in spec.columns])
    guide.append([safe_text(v) if isinstance(v, str) else v for v in (examples[c.field] for c in spec.columns)])
    for cell in guide[guide.max_row]:
        cell.fill = example_fill
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
