"""How one record kind travels through Excel (`ImportSpec`), and what checking a file gives (rows,
the preview, the errors)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..excel import SheetSpec
from ..models import ImportJob, read_only_refusal
from .columns import Column, ImportContext, Org
from .writer import insert_rows, key_part, stored_under_keys, update_rows


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
        return None if user is None else read_only_refusal(user, ImportJob.written_as)

    @property
    def title(self) -> str:
        """The kind's name in the page's language; `label` stays Chinese, as the workbooks are."""
        return _(self.label)

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

    # ---- reading -------------------------------------------------------------------------
    def parse_cell(self, column: Column, raw: Any, ctx: ImportContext) -> Any:
        """A cell's value as its column reads it; a kind may check more of some columns."""
        return column.read(raw, ctx)

    def examples(self, user) -> dict[str, Any]:
        """The template's example values (field → value) for the user downloading it: their own
        unit's code, so the example row is one they could upload; the columns' own examples else."""
        examples = {c.field: c.example for c in self.columns}
        org = getattr(user, "organization", None)
        if org is not None:
            examples.update({c.field: org.code for c in self.columns if isinstance(c, Org)})
        return examples

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        """Checks across columns; returns (column header, reason) pairs."""
        return []

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        """Checks across rows of the whole file (references between rows); returns messages."""
        return []

    def row_key(self, values: dict[str, Any]) -> tuple:
        return tuple(key_part(values[f]) for f in self.key)

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, models.Model]:
        """The records already stored under the rows' natural keys, in one query."""
        return stored_under_keys(self.model, self.key, [row.key for row in rows])

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
        """A row's value of a column as the preview shows it."""
        return column.display(values.get(column.field))

    def export_values(self, obj: models.Model) -> dict[str, Any]:
        return {c.field: getattr(obj, c.field) for c in self.columns}

    def export_rows(self, queryset: Iterable[models.Model]) -> Iterable[list]:
        for obj in queryset:
            values = self.export_values(obj)
            yield [column.export(values.get(column.field)) for column in self.columns]

    def export_sheet(self, queryset: models.QuerySet) -> SheetSpec:
        rows = queryset.select_related(*self.export_related).iterator(chunk_size=2000)
        return SheetSpec(self.label, [c.header for c in self.columns], self.export_rows(rows))
