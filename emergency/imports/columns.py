"""The columns of a template and how their cells are read.

Each kind of column is a small class that knows how to read a cell (and in which words to refuse
it), what the template says of it, and how its values are shown and exported. Free text is kept as
typed; only what is compared (codes, numbers, dates, choices) is normalised."""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..excel import FORMULA_PREFIXES, ErrorCell
from ..models import Organization
from ..queries import check_day
from ..text import text_problem


class CellError(Exception):
    """A value that cannot be taken; the message says why, in words for the person filling it in."""


def normalize(text: str) -> str:
    """Full-width letters, digits and brackets as half-width; surrounding spaces removed. Only for
    what is compared (codes, numbers, dates, choices): free text is kept as typed."""
    return unicodedata.normalize("NFKC", text).strip()


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


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


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

    def labels(self, column: Choice) -> dict[str, str]:
        """A choice column's label (or synonym) → value map, made once per file: the labels are lazy
        translations, and turning them into text for every cell cost more than all other checks."""
        found = self._labels.get(id(column))
        if found is None:
            found = {**self.synonyms.get(column.field, {}), **column.label_to_value()}
            self._labels[id(column)] = found
        return found

    def accepted(self, column: Choice) -> str:
        """The values a choice column takes, and each one's synonyms, for an error message."""
        return column.accepted(self.synonyms.get(column.field, {}))

    @property
    def default_org(self) -> Organization | None:
        return getattr(self.user, "organization", None)

    def visible_orgs(self) -> models.QuerySet:
        if self.user is None:
            return Organization.objects.all()
        return Organization.objects.visible_to(self.user)


# ---- the kinds of column ------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a record kind's template: its header, the field its values go to, and what
    the template says of it (`help` in place of the kind's own description, an `example`).

    A kind reads a non-blank cell in `parse`; `blank` is the value of a cell left empty or of a
    column left out of the file."""

    header: str
    field: str
    _: KW_ONLY
    required: bool = False
    help: str = ""
    example: Any = ""

    has_choices: ClassVar[bool] = False  # choice columns: labels, synonyms
    number_format: ClassVar[str] = ""  # the template's format for the column's cells
    drop_down: ClassVar[Sequence[str]] = ()  # the labels the template's drop-down offers

    def read(self, raw: Any, ctx: ImportContext) -> Any:
        """A cell's value, or CellError saying why it cannot be taken."""
        if isinstance(raw, ErrorCell):
            raise CellError(_("单元格是公式错误 %(e)s") % {"e": raw.code})
        if isinstance(raw, str) and (problem := text_problem(raw)):
            raise CellError(problem)
        if is_blank(raw):
            return self.empty(ctx)
        return self.parse(raw, ctx)

    def parse(self, raw: Any, ctx: ImportContext) -> Any:
        raise NotImplementedError

    def empty(self, ctx: ImportContext) -> Any:
        """The value of a blank cell."""
        if self.required:
            raise CellError(_("必须填写"))
        return self.blank(ctx)

    def blank(self, ctx: ImportContext) -> Any:
        return None

    def describe(self) -> str:
        """The cell's format, as the header's comment and the instructions give it."""
        return self.help or self.format()

    def format(self) -> str:
        raise NotImplementedError

    def accepted(self, synonyms: dict[str, str]) -> str:
        """The values the column takes, as the instructions list them: none listed but for choices."""
        return ""

    def display(self, value: Any) -> str:
        """The value as the preview shows it."""
        if isinstance(value, datetime.date):
            return value.isoformat()
        return "" if value is None else str(value)

    def export(self, value: Any) -> Any:
        """The value as an exported cell holds it."""
        return float(value) if isinstance(value, decimal.Decimal) else value


def _within(text: str, max_length: int) -> str:
    if len(text) > max_length:
        raise CellError(_("超过%(n)d字（现有%(m)d字）") % {"n": max_length, "m": len(text)})
    return text


@dataclass
class Text(Column):
    """Text kept as typed."""

    _: KW_ONLY
    max_length: int = 200

    def parse(self, raw: Any, ctx: ImportContext) -> str:
        return _within(unquote(cell_text(raw)), self.max_length)

    def blank(self, ctx: ImportContext) -> str:
        return ""

    def format(self) -> str:
        return _("文字，最多%(n)d字") % {"n": self.max_length}


@dataclass
class Code(Column):
    """An identifier compared with others: full-width forms read as half-width."""

    _: KW_ONLY
    max_length: int = 200

    def parse(self, raw: Any, ctx: ImportContext) -> str:
        return _within(unquote(code_text(raw)), self.max_length)

    def blank(self, ctx: ImportContext) -> str:
        return ""

    def format(self) -> str:
        return _("代码，最多%(n)d位") % {"n": self.max_length}


@dataclass
class Integer(Column):
    """A count: a whole number, not negative."""

    def parse(self, raw: Any, ctx: ImportContext) -> int:
        return parse_number(raw, whole=True)

    def format(self) -> str:
        return _("非负整数")


@dataclass
class Number(Column):
    """A quantity that may have decimals, not negative."""

    def parse(self, raw: Any, ctx: ImportContext) -> decimal.Decimal:
        return parse_number(raw, whole=False)

    def format(self) -> str:
        return _("非负数字")


@dataclass
class Date(Column):
    """A day, written in any of the ways people write one or as Excel's date; `past_only` for the
    dates of things that happened, which cannot lie in the future."""

    _: KW_ONLY
    past_only: bool = False

    number_format: ClassVar[str] = "yyyy-mm-dd"

    def parse(self, raw: Any, ctx: ImportContext) -> datetime.date:
        day = parse_date(raw)
        if self.past_only and day > ctx.today:
            raise CellError(_("日期 %(d)s 晚于今天") % {"d": day.isoformat()})
        try:
            return check_day(day)
        except ValidationError as exc:
            reason = exc.messages[0]
            raise CellError(_("日期 %(d)s 超出范围：%(r)s") % {"d": day.isoformat(), "r": reason}) from None

    def format(self) -> str:
        return _("日期，如 2026-03-05 或 2026年3月5日")


@dataclass
class Choice(Column):
    """One of `choices` (value, label), written as its label or one of its configured synonyms."""

    choices: Sequence[tuple[str, str]]

    has_choices: ClassVar[bool] = True

    def label_to_value(self) -> dict[str, str]:
        return {normalize(str(label)): value for value, label in self.choices}

    def value_to_label(self) -> dict[str, str]:
        return {value: str(label) for value, label in self.choices}

    def parse(self, raw: Any, ctx: ImportContext) -> str:
        return self.choose(raw, ctx)

    def choose(self, raw: Any, ctx: ImportContext) -> str:
        value = ctx.labels(self).get(normalize(str(raw)))
        if value is None:
            raise CellError(_("“%(v)s”不是可选值，可选：%(c)s") % {"v": raw, "c": ctx.accepted(self)})
        return value

    def format(self) -> str:
        return _("从下拉列表选择")

    @property
    def drop_down(self) -> list[str]:
        """The labels the template's drop-down offers."""
        return [str(label) for _value, label in self.choices]

    def accepted(self, synonyms: dict[str, str]) -> str:
        """“中等职业学校（也可写：职高、中专）、小学”: the labels with their synonyms."""
        also: dict[str, list[str]] = {}
        for synonym, value in synonyms.items():
            also.setdefault(value, []).append(synonym)
        parts = []
        for value, label in self.choices:
            if also.get(value):
                parts.append(
                    _("%(label)s（也可写：%(synonyms)s）") % {"label": label, "synonyms": "、".join(also[value])}
                )
            else:
                parts.append(str(label))
        return "、".join(parts)

    def display(self, value: Any) -> str:
        return self.value_to_label().get(value, "")

    def export(self, value: Any) -> str:
        return self.display(value)


@dataclass
class MultiChoice(Choice):
    """Several choices in one cell, separated by 、 (or a comma, semicolon or slash)."""

    def parse(self, raw: Any, ctx: ImportContext) -> list[str]:
        parts = [p for p in re.split(r"[、,，;；/]", normalize(str(raw))) if p.strip()]
        return [self.choose(p, ctx) for p in parts]

    def blank(self, ctx: ImportContext) -> list[str]:
        return []

    def format(self) -> str:
        return _("可填多个，用顿号“、”分隔")

    @property
    def drop_down(self) -> list[str]:
        return []  # a drop-down would take one value only

    def display(self, value: Any) -> str:
        labels = self.value_to_label()
        return "、".join(labels.get(v, v) for v in value or [])


@dataclass
class Org(Column):
    """The row's organisation by its 单位代码, in the uploader's scope; blank is the uploader's own."""

    def parse(self, raw: Any, ctx: ImportContext) -> Organization:
        code = code_text(raw)
        org = ctx.orgs_by_code.get(code)
        if org is None:
            raise CellError(_("单位代码“%(c)s”不存在或不在您的管辖范围内") % {"c": code})
        return org

    def empty(self, ctx: ImportContext) -> Organization:
        if ctx.default_org is None:
            raise CellError(_("必须填写（命令行导入没有默认单位）"))
        return ctx.default_org

    def blank(self, ctx: ImportContext) -> Organization | None:
        return ctx.default_org

    def format(self) -> str:
        return _("单位代码；留空表示本单位")

    def display(self, value: Any) -> str:
        return value.code if value else ""

    def export(self, value: Any) -> str:
        return self.display(value)
