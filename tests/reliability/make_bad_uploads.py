"""A corpus of bad uploads for one import kind, built from the kind's column spec.

Every registered kind gets its own corpus: files that are not spreadsheets at all, archives built to
exhaust the server, workbooks with broken headers, and workbooks whose rows are wrong in every way
a school officer's file can be wrong. Each file says what the engine must answer:

- FILE: the whole file is refused with one clear message;
- ROWS: the file is read, and every listed (row, column) is named in an error (第N行 列名: 原因);
- ACCEPT: the input looks odd but is in truth acceptable (full-width digits, reordered headers,
  blank rows, Excel serial dates, …) and must read exactly like its clean twin `same_as`.

As a script, it writes the corpus of every kind (or one) into a folder:

    .venv/bin/python tests/reliability/make_bad_uploads.py OUT_DIR [--kind KIND] [--own-code DA]

The limits the corpus assumes (`LIMITS`) are far below the production ones so that "too many rows"
and "too large" stay small files; the tests set them with the settings fixture.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

FILE, ROWS, ACCEPT = "file", "rows", "accept"
# Settings the corpus is built for (tests apply them with the settings fixture).
LIMITS = {"IMPORT_MAX_ROWS": 40, "IMPORT_MAX_BYTES": 300_000, "IMPORT_BACKGROUND_ROWS": 100_000}
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_MAX_CELL = 32767  # the most characters an Excel cell holds
VARIANTS = ("examples", "plain", "examples-bare", "plain-bare")


@dataclass
class Upload:
    """One file of the corpus and what the import must make of it."""

    name: str
    case: str
    about: str
    data: bytes
    expect: str
    faults: tuple[tuple[int, str | None], ...] = ()  # (row, column header or None) each to be named
    same_as: bytes | None = None  # ACCEPT: the clean file it must read the same as


class RawXML(str):
    """Cell text written into the sheet XML as it is (an entity reference such as `&lol9;`)."""


@dataclass(frozen=True)
class Formula:
    """A formula cell for the raw writer; `cached` is the value Excel stored with it (None: none)."""

    expr: str
    cached: Any = None


# ---- values of a good row ------------------------------------------------------------------------

TEXTS = ("Text", "Code")  # the column kinds read as text (a code compared in its half-width form)
CHOICES = ("Choice", "MultiChoice")


def kind(column) -> str:
    """A column's kind, the name of its class (Text, Date, Org …): this module is loaded before the
    script sets Django up, so it does not import the engine's classes."""
    return type(column).__name__


class Base:
    """Good rows for a spec: the corpus changes one cell of them at a time.

    `variant` "examples" takes each column's template example where it is usable, "plain" makes
    values up, and either with "-bare" leaves optional text blank; `own_code` is the 单位代码
    written in organisation columns (the uploader's scope)."""

    def __init__(self, spec, *, own_code: str, today: datetime.date, variant: str = "examples"):
        self.spec = spec
        self.columns = list(spec.columns)
        self.headers = [c.header for c in self.columns]
        self.own_code = own_code
        self.today = today
        self.variant = variant
        keys = set(spec.key)
        self.text_keys = [c for c in self.columns if c.field in keys and kind(c) in TEXTS and not is_code(c, keys)]
        date_keys = [c for c in self.columns if c.field in keys and kind(c) == "Date"]
        # Without a text key, rows are told apart by a date of the key (a duty roster: one day a row).
        self.vary_date = date_keys[0] if not self.text_keys and date_keys else None

    def index(self, column) -> int:
        return self.columns.index(column)

    def value(self, column, n: int) -> Any:
        keys = set(self.spec.key)
        example, what = column.example, kind(column)
        if is_code(column, keys):
            return self.own_code
        if self.variant.endswith("-bare") and what in TEXTS and not column.required and column.field not in keys:
            # Optional text may name another record (关联预案, 排查行动) that the uploader does not have.
            return ""
        if what in TEXTS:
            text = example if self.variant.startswith("examples") and isinstance(example, str) and example else None
            text = text or f"测试{column.header}"
            if column in self.text_keys:
                text = f"{text}-{n}"
            return text[: column.max_length]
        if what == "Integer":
            return example if self.variant.startswith("examples") and isinstance(example, int) and example >= 0 else 10
        if what == "Number":
            return (
                example
                if self.variant.startswith("examples") and isinstance(example, int | float) and example >= 0
                else 2.5
            )
        if what == "Date":
            day = self.synth_date(column)
            if self.variant.startswith("examples") and example:
                try:
                    parsed = datetime.date.fromisoformat(str(example).replace("/", "-"))
                except ValueError:
                    parsed = None
                if parsed and not (column.past_only and parsed > self.today) and parsed.year >= 1949:
                    day = parsed
            if column is self.vary_date:
                day -= datetime.timedelta(days=n)
            return day
        if what in CHOICES:
            labels = [str(label) for _v, label in column.choices]
            if self.variant.startswith("examples") and isinstance(example, str):
                parts = [p for p in example.replace("，", "、").split("、") if p]
                if parts and all(p in labels for p in parts):
                    return example if what == "MultiChoice" else parts[0]
            return labels[0]
        return example

    def synth_date(self, column) -> datetime.date:
        # Later columns get later dates: 发现日期 < 整改期限, 生产日期 < 有效期至, 发布日期 < 下次修订日期.
        return self.today - datetime.timedelta(days=400 - 25 * self.index(column))

    def row(self, n: int) -> list[Any]:
        return [self.value(c, n) for c in self.columns]

    def rows(self, count: int, start: int = 0) -> list[list[Any]]:
        return [self.row(n) for n in range(start, start + count)]


def is_code(column, keys) -> bool:
    """A column naming an organisation by 单位代码: the org kind, or a code text such as 上级单位代码."""
    return kind(column) == "Org" or (column.header.endswith("单位代码") and column.field not in keys)


# ---- writing workbooks -------------------------------------------------------------------------


def xlsx(
    headers: Sequence[Any] | None,
    rows: Sequence[Sequence[Any]],
    *,
    title: str,
    before: Sequence[tuple[str, Sequence[Sequence[Any]]]] = (),
    after: Sequence[tuple[str, Sequence[Sequence[Any]]]] = (),
    merges: Sequence[str] = (),
    leading: Sequence[Sequence[Any]] = (),
) -> bytes:
    """A workbook with the data sheet `title` (optional rows above the headers) between other sheets."""
    book = Workbook()
    book.remove(book.active)
    for name, sheet_rows in before:
        _fill(book.create_sheet(name), sheet_rows)
    ws = book.create_sheet(title)
    _fill(ws, [*leading, *([list(headers)] if headers is not None else []), *rows])
    for ref in merges:
        ws.merge_cells(ref)
    for name, sheet_rows in after:
        _fill(book.create_sheet(name), sheet_rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(ws, rows) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                ws.cell(row=r, column=c, value=value)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def raw_xlsx(title: str, rows: Sequence[Sequence[Any]], *, prolog: str = "", encoding: str = "utf-8") -> bytes:
    """A workbook written by hand, for what openpyxl will not write: cached formula values, control
    characters (Excel's _xHHHH_ escapes), a DOCTYPE in the sheet, another XML encoding."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    cells = []
    for r, row in enumerate(rows, start=1):
        out = []
        for c, value in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, Formula):
                cached = "" if value.cached is None else f"<v>{escape(str(value.cached))}</v>"
                kind = ' t="str"' if isinstance(value.cached, str) else ""
                out.append(f'<c r="{ref}"{kind}><f>{escape(value.expr)}</f>{cached}</c>')
            elif isinstance(value, bool):
                out.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif isinstance(value, datetime.date):
                out.append(f'<c r="{ref}"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            else:
                text = str(value) if isinstance(value, RawXML) else escape(str(value))
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(out)}</row>')
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    sheet = (
        f"{declaration}{prolog}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(title=escape(title)))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet.encode(encoding))
    return out.getvalue()


def with_member(
    data: bytes, name: str, content: bytes | Callable[[Any], None], *, lie_size: int | None = None
) -> bytes:
    """A copy of a zip with one more member; `content` may be a function writing to a stream (for big
    members), and `lie_size` makes the central directory claim another uncompressed size."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        if callable(content):
            with target.open(info, "w", force_zip64=False) as stream:
                content(stream)
        else:
            target.writestr(info, content, compresslevel=9)
        if lie_size is not None:
            target.getinfo(name).file_size = lie_size
    return out.getvalue()


def zeros(total: int) -> Callable[[Any], None]:
    def write(stream) -> None:
        block = b" " * (1 << 20)
        for _ in range(total // len(block)):
            stream.write(block)

    return write


def fullwidth(text: str) -> str:
    """ASCII letters and digits as their full-width forms (what a Chinese input method types)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>应急演练总结</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"{i}.xml", b"")
    return out.getvalue()


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


# ---- the corpus ----------------------------------------------------------------------------------


def build_corpus(
    spec,
    *,
    today: datetime.date,
    own_code: str,
    outside_code: str,
    unknown_code: str = "ZZ404",
    variant: str = "examples",
    limits: dict[str, int] = LIMITS,
) -> list[Upload]:
    """Every bad file for one import kind. Files that need a column the kind lacks are left out."""
    base = Base(spec, own_code=own_code, today=today, variant=variant)
    title, headers, columns = spec.sheet_name, base.headers, base.columns
    keys = set(spec.key)
    uploads: list[Upload] = []

    def book(rows, heads=None, **kwargs) -> bytes:
        return xlsx(headers if heads is None else heads, rows, title=title, **kwargs)

    clean3 = book(base.rows(3))

    def add(case, about, data, expect, faults=(), same_as=None, ext="xlsx"):
        uploads.append(
            Upload(f"{len(uploads) + 1:02d}_{case}.{ext}", case, about, data, expect, tuple(faults), same_as)
        )

    def per_column(case, about, targets, bad: Callable[[Any], Any], expect=ROWS) -> None:
        """One row per target column, that column made bad; every row must be named."""
        targets = list(targets)
        if not targets:
            return
        rows, faults = [], []
        for n, column in enumerate(targets):
            row = base.row(n)
            row[base.index(column)] = bad(column)
            rows.append(row)
            faults.append((n + 2, column.header))
        add(case, about, book(rows), expect, faults)

    def per_value(case, about, column, values) -> None:
        """One row per bad value of one column."""
        if column is None:
            return
        rows = []
        for n, value in enumerate(values):
            row = base.row(n)
            row[base.index(column)] = value
            rows.append(row)
        add(case, about, book(rows), ROWS, [(n + 2, column.header) for n in range(len(values))])

    def accept(case, about, data, same_as=clean3, ext="xlsx") -> None:
        add(case, about, data, ACCEPT, same_as=same_as, ext=ext)

    # -- not a spreadsheet, or not one we read ----------------------------------------------------
    add("empty_file", "零字节的文件", b"", FILE)
    add("plain_text", "文本文件改名为 .xlsx", "单位代码,名称\nSA1,第一小学\n".encode(), FILE)
    add("wrong_extension", "真正的表格，但扩展名是 .csv", clean3, FILE, ext="csv")
    add("csv_renamed", "CSV 改名为 .xls", ",".join(headers).encode("gbk", "replace"), FILE, ext="xls")
    add(
        "html_as_xls",
        "网页系统导出的 HTML 表格（扩展名 .xls）",
        b"<html><table><tr><td>1</td></tr></table></html>",
        FILE,
        ext="xls",
    )
    add("pdf_renamed", "PDF 改名为 .xlsx", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", FILE)
    add("png_renamed", "图片改名为 .xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), FILE)
    add("docx_renamed", "Word 文档（也是 zip）改名为 .xlsx", docx_bytes(), FILE)
    add(
        "ole_garbage",
        "OLE 文件头后面是乱码的 .xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,
        FILE,
        ext="xls",
    )
    add("corrupt_truncated", "只传了一半的 .xlsx（压缩包被截断）", clean3[: len(clean3) // 2], FILE)
    rng = random.Random(10)
    add("corrupt_garbage", "zip 文件头后面是随机字节", b"PK\x03\x04" + rng.randbytes(4000), FILE)
    add(
        "zip_bomb",
        "压缩炸弹：几十 KB 的文件解压后 40 MB（压缩比远超上限）",
        with_member(clean3, "xl/media/padding.xml", zeros(40 << 20)),
        FILE,
    )
    add(
        "zip_bomb_lying_size",
        "压缩炸弹：目录里谎报解压后大小",
        with_member(clean3, "xl/media/padding.xml", zeros(8 << 20), lie_size=1000),
        FILE,
    )
    add("zip_many_members", "压缩包内有 2100 个文件", many_members(2100), FILE)
    add(
        "xml_bomb",
        "XML 炸弹（实体递归展开，billion laughs）",
        raw_xlsx(title, [headers, [RawXML("&lol9;")]], prolog=BILLION_LAUGHS),
        FILE,
    )
    add(
        "xml_external_entity",
        "XML 外部实体（读取服务器文件）",
        raw_xlsx(title, [headers, [RawXML("&xxe;")]], prolog=EXTERNAL_ENTITY),
        FILE,
    )
    add(
        "xml_bomb_utf16",
        "UTF-16 编码的 XML 炸弹（绕过按字节查找 DOCTYPE）",
        raw_xlsx(title, [headers, [RawXML("&lol9;")]], prolog=BILLION_LAUGHS, encoding="utf-16"),
        FILE,
    )
    add("too_many_rows", "行数超过上限", book(base.rows(limits["IMPORT_MAX_ROWS"] + 1)), FILE)
    padding = random.Random(11).randbytes(limits["IMPORT_MAX_BYTES"])
    add("too_large", "文件大小超过上限", with_member(clean3, "xl/media/photo.jpeg", padding), FILE)
    add("empty_sheet", "工作表是空的", xlsx(None, [], title=title), FILE)
    add("header_only", "只有表头，没有数据", book([]), FILE)
    add("only_blank_rows", "表头下面只有空行", book([[None] * len(headers)] * 5 + [[" ", "\u3000"]]), FILE)

    # -- headers ----------------------------------------------------------------------------------
    required = [c for c in columns if c.required and not is_code(c, keys)]
    first = required[0] if required else columns[0]
    at = base.index(first)

    def without(index: int, rows) -> list[list]:
        return [r[:index] + r[index + 1 :] for r in rows]

    add(
        "missing_required_column",
        f"缺少必填列“{first.header}”",
        book(without(at, base.rows(2)), heads=headers[:at] + headers[at + 1 :]),
        ROWS,
        [(1, first.header)],
    )
    typo = first.header[:-1] if len(first.header) > 1 else first.header + "的"
    misspelled = headers[:at] + [typo] + headers[at + 1 :]
    add(
        "misspelled_header",
        f"表头写错：“{typo}”",
        book(base.rows(2), heads=misspelled),
        ROWS,
        [(1, typo), (1, first.header)],
    )
    add(
        "reordered_misspelled",
        "列的顺序打乱，且有一个表头写错",
        book([r[::-1] for r in base.rows(2)], heads=misspelled[::-1]),
        ROWS,
        [(1, typo)],
    )
    add(
        "headers_missing", "没有表头行，第1行就是数据", book(base.rows(2), heads=base.row(9)), ROWS, [(1, first.header)]
    )
    add(
        "extra_column",
        "多了一列模板里没有的“备注说明”",
        book([r + ["多余"] for r in base.rows(2)], heads=headers + ["备注说明"]),
        ROWS,
        [(1, "备注说明")],
    )
    add("merged_header", "表头有合并单元格", book(base.rows(2), merges=["A1:B1"]), ROWS, [(1, None)])
    add(
        "title_row_merged",
        "表头上面还有一行合并的大标题",
        book(base.rows(2), leading=[[f"{spec.label}登记表"]], merges=[f"A1:{_letter(len(headers))}1"]),
        ROWS,
        [(1, None)],
    )
    blank_letter = _letter(len(headers) + 1)
    add(
        "blank_header_with_data",
        "有数据的列没有表头",
        book([r + ["数据"] for r in base.rows(2)], heads=headers + [None]),
        ROWS,
        [(1, blank_letter)],
    )
    dup = headers[1] if len(headers) > 1 else headers[0]
    add(
        "duplicate_header",
        f"表头“{dup}”出现两次",
        book([r + [r[1 if len(headers) > 1 else 0]] for r in base.rows(2)], heads=headers + [dup]),
        ROWS,
        [(1, dup)],
    )
    accept(
        "reordered_headers",
        "列的顺序和模板不同，但表头都对",
        book([r[::-1] for r in base.rows(3)], heads=headers[::-1]),
    )
    accept(
        "decorated_headers",
        "表头带★、空格和全角字符（模板的写法）",
        book(base.rows(3), heads=[("★" if c.required else "") + " " + fullwidth(c.header) + "\u3000" for c in columns]),
    )
    accept("template_with_data", "在下载的模板里填写数据", _into_template(spec, base.rows(3)))
    accept(
        "data_sheet_not_first",
        "数据在以模板名命名的第二个工作表",
        book(base.rows(3), before=[("填写说明", [["请在“" + title + "”工作表填写"]])]),
    )

    # -- rows: blanks and required values ---------------------------------------------------------
    per_column("required_value_missing", "必填的格子是空的", required, lambda c: None)
    per_column("required_value_whitespace", "必填的格子只有空格和全角空格", required, lambda c: " \u3000 ")
    rows = base.rows(3)
    rows[2][at] = None
    add(
        "blank_rows_then_error",
        "中间有空行，空行下面一行有错",
        book([rows[0], [None] * len(headers), [None] * len(headers), rows[1], rows[2]]),
        ROWS,
        [(6, first.header)],
    )
    rows = base.rows(3)
    accept(
        "blank_rows_in_middle",
        "中间有空行（跳过）",
        book([rows[0], [None] * len(headers), rows[1], [" "] * len(headers), rows[2], [None] * len(headers)]),
    )
    add(
        "data_on_wrong_sheet",
        "第一个工作表是说明，数据在名为 Sheet2 的工作表",
        xlsx(
            ["请在第二个工作表填写", "说明"], [["注意事项"]], title="说明", after=[("Sheet2", [headers, *base.rows(2)])]
        ),
        ROWS,
        [(1, None)],
    )

    # -- rows: organisation codes -----------------------------------------------------------------
    codes = [c for c in columns if is_code(c, keys)]
    per_column("unknown_org_code", f"单位代码“{unknown_code}”不存在", codes, lambda c: unknown_code)
    per_column(
        "out_of_scope_org_code", f"单位代码“{outside_code}”不在上传人的管辖范围内", codes, lambda c: outside_code
    )
    per_column("emoji_in_org_code", "单位代码里有表情符号", codes, lambda c: own_code + "🚒")
    per_column("org_code_with_space_inside", "单位代码中间有空格", codes, lambda c: own_code[:1] + " " + own_code[1:])

    # -- rows: numbers ----------------------------------------------------------------------------
    ints = [c for c in columns if kind(c) == "Integer"]
    decimals = [c for c in columns if kind(c) == "Number"]
    numbers = ints + decimals
    per_column("negative_count", "人数、数量是负数", numbers, lambda c: -3)
    per_column("fractional_count", "人数是小数", ints, lambda c: 2.5)
    per_column("text_in_number", "数字列里写了汉字", numbers, lambda c: "三十")
    per_column("number_with_unit", "数字后面带单位", numbers, lambda c: "30人")
    per_column("number_as_boolean", "数字列是 TRUE/FALSE 格子", numbers, lambda c: True)
    per_column("emoji_in_number", "数字里有表情符号", numbers, lambda c: "12🔥")
    per_column("infinite_number", "数字写成 inf / NaN", numbers, lambda c: "inf" if kind(c) == "Integer" else "NaN")
    per_column("huge_number", "数字大得离谱（1e20）", numbers, lambda c: 1e20)
    per_column("too_precise_number", "小数位数超过数据库能存的位数", decimals, lambda c: 1.123456789)
    if numbers:
        rows = base.rows(3)
        twin = base.rows(3)
        for column in numbers:
            rows[0][base.index(column)] = fullwidth(str(_plain_number(twin[0][base.index(column)])))
            rows[1][base.index(column)] = f" {twin[1][base.index(column)]} "
        accept("fullwidth_digits", "数字用全角数字或带空格的文字写（规范化后接受）", book(rows), same_as=book(twin))

    # -- rows: dates ------------------------------------------------------------------------------
    dates = [c for c in columns if kind(c) == "Date"]
    day = dates[0] if dates else None
    per_value(
        "date_unreadable_text", "日期写成无法识别的文字", day, ["去年三月", "2026-13-01", "2026-02-30", "03/05/2026"]
    )
    per_value("date_english_text", "日期写成英文或两位年份", day, ["5 March 2026", "Mar 5, 2026", "26-3-5", "2026-3"])
    per_value("excel_serial_out_of_range", "Excel 日期序号超出范围或带小数", day, [3_000_000, 0, -1, 45000.5])
    per_value("date_too_early", "日期早于 1949 年（如序号 100 即 1900 年）", day, [100, datetime.date(1900, 1, 1)])
    per_column("emoji_in_date", "日期里有表情符号", dates, lambda c: "2026-03-05🎉")
    past = [c for c in columns if kind(c) == "Date" and c.past_only]
    per_column("future_date", "已发生的事的日期在将来", past, lambda c: today + datetime.timedelta(days=30))
    per_column("future_date_as_text", "已发生的事的日期在将来（文字）", past, lambda c: f"{today.year + 1}年1月1日")
    if dates:
        rows, twin = base.rows(3), base.rows(3)
        for column in dates:
            i = base.index(column)
            rows[0][i] = f"{twin[0][i].year}年{twin[0][i].month}月{twin[0][i].day}日"
            rows[1][i] = fullwidth(twin[1][i].isoformat())
            rows[2][i] = f"{twin[2][i].year}/{twin[2][i].month}/{twin[2][i].day}"
        accept("dates_as_text", "日期写成“2026年3月5日”、全角或斜杠格式（接受）", book(rows), same_as=book(twin))
        serial_rows = base.rows(3)
        for column in dates:
            i = base.index(column)
            for r in serial_rows:
                r[i] = (r[i] - EXCEL_EPOCH).days
        accept("excel_serial_dates", "日期是 Excel 的日期序号（接受）", book(serial_rows))

    # -- rows: choices ----------------------------------------------------------------------------
    choices = [c for c in columns if kind(c) in CHOICES]
    per_column("unknown_choice", "下拉列表以外的值", choices, lambda c: "不存在的选项")
    per_column("emoji_in_choice", "选项后面带表情符号", choices, lambda c: str(c.choices[0][1]) + "🔥")
    if choices:
        rows = base.rows(3)
        for column in choices:
            rows[0][base.index(column)] = "\u3000" + str(rows[0][base.index(column)]) + " "
        accept("choice_with_spaces", "选项前后有全角、半角空格（接受）", book(rows))

    # -- rows: text -------------------------------------------------------------------------------
    texts = [c for c in columns if kind(c) == "Text" and not is_code(c, keys)]
    per_column("very_long_text", "文字超过该列的字数上限", texts, lambda c: "长" * (c.max_length + 1))
    per_value("excel_max_cell", "一个格子写满 32767 个字", texts[0] if texts else None, ["字" * EXCEL_MAX_CELL])
    if texts:
        # openpyxl refuses control characters; a hand-written sheet carries them the way Excel does
        # (_xHHHH_ escapes), e.g. text pasted from Word with its vertical tabs.
        rows = []
        for n, column in enumerate(texts):
            row = base.row(n)
            row[base.index(column)] = "控制_x0000_字符_x000B_"
            rows.append(row)
        add(
            "control_characters",
            "文字里有 NUL、垂直制表符等控制字符",
            raw_xlsx(title, [headers, *rows]),
            ROWS,
            [(n + 2, c.header) for n, c in enumerate(texts)],
        )
    text_required = [c for c in required if kind(c) == "Text"]
    per_column(
        "formula_without_cached_value",
        "必填列是公式，且文件里没有保存计算结果（不能变成空白）",
        text_required,
        lambda c: '=CONCATENATE("a","b")',
    )
    if texts:
        rows, twin = base.rows(3), base.rows(3)
        column = next((c for c in texts if base.value(c, 0)), texts[0])
        i = base.index(column)
        for r in rows:
            r[i] = Formula(f'"{r[i]}"', cached=r[i])
        accept(
            "formula_with_cached_value",
            "文字列是公式，文件里保存了计算结果（按显示的结果读）",
            raw_xlsx(title, [headers, *rows]),
            same_as=raw_xlsx(title, [headers, *twin]),
        )

    # -- rows: keys -------------------------------------------------------------------------------
    rows = base.rows(2)
    add("duplicate_keys", "同一文件里两行的关键字段相同", book([rows[0], rows[1], rows[0]]), ROWS, [(4, None)])
    twin = base.row(0)
    variant = list(twin)
    if codes:
        variant[base.index(codes[0])] = fullwidth(own_code)
    for column in base.text_keys:
        variant[base.index(column)] = f"  {variant[base.index(column)]}\u3000"
    add(
        "duplicate_keys_normalised",
        "两行只差全角字符和空格，实为同一条",
        book([twin, variant]),
        ROWS,
        [(3, None)],
    )
    if codes:
        rows = base.rows(3)
        rows[1][base.index(codes[0])] = fullwidth(own_code)
        accept("fullwidth_org_code", "单位代码用全角字母数字写（规范化后接受）", book(rows))
    return uploads


def _plain_number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _into_template(spec, rows) -> bytes:
    from emergency.imports import template_workbook

    book = load_workbook(io.BytesIO(template_workbook(spec)))
    ws = book[spec.sheet_name]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def clean_file(spec, *, today: datetime.date, own_code: str, variant: str = "examples", count: int = 3) -> bytes:
    """The good file every corpus file is a variation of."""
    base = Base(spec, own_code=own_code, today=today, variant=variant)
    return xlsx(base.headers, base.rows(count), title=spec.sheet_name)


def write_corpus(uploads: Sequence[Upload], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload in uploads:
        path = folder / upload.name
        path.write_bytes(upload.data)
        paths.append(path)
    return paths


def is_chinese(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--kind", help="one import kind (default: every registered kind)")
    parser.add_argument("--own-code", default="DA", help="单位代码 of the uploader's own organisation")
    parser.add_argument("--outside-code", default="SB1", help="a 单位代码 outside the uploader's scope")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emergency.settings")
    import django

    django.setup()
    from emergency import registry

    kinds = [args.kind] if args.kind else sorted(registry.import_specs)
    today = datetime.date.today()
    for kind in kinds:
        uploads = build_corpus(
            registry.import_specs[kind], today=today, own_code=args.own_code, outside_code=args.outside_code
        )
        write_corpus(uploads, args.folder / kind)
        print(f"{kind}: {len(uploads)} files ({sum(u.expect != ACCEPT for u in uploads)} bad) in {args.folder / kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
