"""Reading uploaded workbooks safely and writing workbooks that Excel and WPS open as they should.

Reading goes through python-calamine, which reads .xlsx, .xls (and WPS .et, the same format)
and .ods alike. Before a byte is parsed, archives are checked for size, member count and
compression ratio (openpyxl and calamine have no zip-bomb guard) and their XML for entity
declarations (an XML bomb needs them; no genuine workbook has them).

Exports and the annual summary are streamed by XlsxWriter (`ExportBook`) so memory stays flat
however many rows there are, and every text cell that a spreadsheet would run as a formula is
written as plain text."""

from __future__ import annotations

import datetime
import decimal
import io
import re
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from python_calamine import CalamineWorkbook

from .text import writable

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and WPS .et
ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
MAX_ZIP_MEMBERS = 2000
MAX_COMPRESSION_RATIO = 200
ENTITY_PATTERN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
ERROR_TYPE_PATTERN = re.compile(rb"""<c\b[^>]*\bt=["']e["']""")


class WorkbookError(Exception):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


@dataclass(frozen=True)
class ErrorCell:
    """A cell holding a formula's error (#REF!, #DIV/0!, #N/A …), which is not a value to import."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merged_rows: list[tuple[int, int]]  # (first row, last row) of each merged range, 0-based


def check_upload(name: str, data: bytes) -> None:
    """Refuse what is not a workbook, too large, or built to exhaust the server, before parsing."""
    if not data:
        raise WorkbookError(_("文件是空的"))
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise WorkbookError(
            _("文件大小 %(size).1f MB，超过上限 %(limit).0f MB")
            % {"size": len(data) / 1e6, "limit": settings.IMPORT_MAX_BYTES / 1e6}
        )
    if not name.lower().endswith(ACCEPTED_EXTENSIONS):
        raise WorkbookError(_("只接受 Excel、WPS 或 ODS 表格文件（.xlsx、.xls、.et、.ods）"))
    if data.startswith(ZIP_MAGIC):
        _check_archive(data)
    elif not data.startswith(OLE_MAGIC):
        raise WorkbookError(_("文件内容不是表格（可能是改了扩展名的其他文件）"))
    elif "EncryptedPackage" in ole_stream_names(data):
        raise WorkbookError(_("文件已加密，请取消密码保护后再上传"))


def ole_stream_names(data: bytes) -> set[str]:
    """The names in an OLE (CFB) container's directory, read as [MS-CFB] lays it out. Excel saves a
    password-protected .xlsx as such a container holding an "EncryptedPackage" stream, which calamine
    reports only as a broken file."""
    size, fat = _ole_fat(data)
    (sector,) = struct.unpack_from("<I", data, 48)
    names = set()
    while sector < len(fat):  # the FAT has no loops: _ole_fat checked
        for entry in range((sector + 1) * size, (sector + 2) * size, 128):
            (length,) = struct.unpack_from("<H", data, entry + 64)
            if 2 <= length <= 64:
                names.add(data[entry : entry + length - 2].decode("utf-16-le", "replace"))
        sector = fat[sector]
    return names


def _ole_fat(data: bytes) -> tuple[int, list[int]]:
    """An OLE container's sector size and sector table (FAT), refused as broken unless every sector
    it names lies inside the file and every chain ends: calamine follows a looping chain until the
    memory runs out."""
    broken = WorkbookError(_("文件已损坏，无法打开（文件结构错误）"))
    last_sector = 0xFFFFFFFA  # values above name the end of a chain, a free sector or a FAT sector
    try:
        (shift,) = struct.unpack_from("<H", data, 30)
        if shift not in (9, 12):  # the only sector sizes [MS-CFB] allows: 512 and 4096 bytes
            raise broken
        size = 1 << shift
        sectors = len(data) // size - 1  # the header fills the first sector
        per_sector = size // 4
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < last_sector]
        difat, difat_count = struct.unpack_from("<II", data, 68)
        if difat_count > sectors:
            raise broken
        seen = set()
        for _step in range(difat_count):
            if difat >= sectors or difat in seen:
                raise broken
            seen.add(difat)
            *listed, difat = struct.unpack_from(f"<{per_sector}I", data, (difat + 1) * size)
            fat_sectors += [s for s in listed if s < last_sector]
        if len(set(fat_sectors)) != len(fat_sectors) or any(s >= sectors for s in fat_sectors):
            raise broken
        fat = [n for s in fat_sectors for n in struct.unpack_from(f"<{per_sector}I", data, (s + 1) * size)]
    except struct.error:  # the container ends before what its header promises
        raise broken from None
    # Walk every chain once, marking sectors on the current walk (1) and finished ones (2).
    state = [0] * len(fat)
    for start in range(len(fat)):
        walk, sector = [], start
        while sector < last_sector and sector < len(fat) and not state[sector]:
            state[sector] = 1
            walk.append(sector)
            sector = fat[sector]
        if sector < last_sector and (sector >= min(len(fat), sectors) or state[sector] == 1):
            raise broken
        for visited in walk:
            state[visited] = 2
    return size, fat


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise WorkbookError(_("文件已损坏，无法打开（压缩包结构错误）")) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise WorkbookError(_("文件结构异常（内部文件过多），已拒绝"))
    declared = sum(m.file_size for m in members)
    if declared > settings.IMPORT_MAX_UNCOMPRESSED_BYTES or declared > len(data) * MAX_COMPRESSION_RATIO:
        raise WorkbookError(_("文件解压后过大（疑似压缩炸弹），已拒绝"))
    budget = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    for member in members:
        if not member.filename.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(member) as stream:
                # Read in pieces and stop at the budget: a member may lie about its size.
                head = b""
                while chunk := stream.read(1 << 20):
                    budget -= len(chunk)
                    if budget < 0:
                        raise WorkbookError(_("文件解压后过大（疑似压缩炸弹），已拒绝"))
                    if ENTITY_PATTERN.search(head[-16:] + chunk):
                        raise WorkbookError(_("文件包含不允许的 XML 实体声明（疑似 XML 炸弹），已拒绝"))
                    head = chunk
        except (zipfile.BadZipFile, EOFError, OSError, ValueError):
            raise WorkbookError(_("文件已损坏，无法打开（压缩包结构错误）")) from None


def read_sheets(name: str, data: bytes) -> list[Sheet]:
    """Every sheet of a checked upload, as lists of cell values (str, int, float, date, datetime,
    ErrorCell)."""
    check_upload(name, data)
    try:
        errors = _error_cells(data) if data.startswith(ZIP_MAGIC) else {}
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            # Count before loading: a sheet of a million rows is refused without reading it.
            if sheet.height > settings.IMPORT_MAX_ROWS + 1:
                raise WorkbookError(
                    _("工作表“%(sheet)s”有 %(rows)d 行，超过上限 %(limit)d 行，请分批上传")
                    % {"sheet": sheet_name, "rows": sheet.height - 1, "limit": settings.IMPORT_MAX_ROWS}
                )
            merged = [(r[0][0], r[1][0]) for r in (sheet.merged_cell_ranges or [])]
            rows = sheet.to_python(skip_empty_area=False)
            for (row, column), code in errors.get(sheet_name, {}).items():
                if row < len(rows) and column < len(rows[row]):
                    rows[row][column] = ErrorCell(code)
            sheets.append(Sheet(sheet_name, rows, merged))
    except WorkbookError:
        raise
    except Exception:  # calamine raises its own error types for every kind of broken file
        raise WorkbookError(_("文件无法读取：不是有效的 Excel/WPS/ODS 表格，或已损坏")) from None
    except BaseException as error:  # a crafted container can panic calamine's Rust code
        if type(error).__name__ != "PanicException":
            raise
        raise WorkbookError(_("文件无法读取：不是有效的 Excel/WPS/ODS 表格，或已损坏")) from None
    if not sheets:
        raise WorkbookError(_("文件中没有工作表"))
    return sheets


def _error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """The error cells of an .xlsx by sheet, (row, column) from 0 → "#REF!". calamine reads them as
    blanks (python-calamine issue 105), so a file whose sheet XML has a cell of type "e" is read
    again by openpyxl, which keeps the type; other files are not opened twice."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    if not any(
        member.startswith("xl/worksheets/") and ERROR_TYPE_PATTERN.search(archive.read(member))
        for member in archive.namelist()
    ):
        return {}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {
            ws.title: {
                (cell.row - 1, cell.column - 1): str(cell.value)
                for row in ws.iter_rows()
                for cell in row
                if getattr(cell, "data_type", None) == "e"
            }
            for ws in book.worksheets
        }
    finally:
        book.close()


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text as a workbook can hold it, and a leading quote on what it would run as a formula (ASVS)."""
    value = writable(value)
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


HEADER_COLOUR = "1F4E79"
# openpyxl's styles, for the workbooks built whole in memory (import templates, the duty roster).
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOUR)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class SheetSpec:
    """A sheet to write: title, header row, and rows produced lazily so memory stays flat."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None
    note: str = ""  # a line above the headers, e.g. why the rows stop at a limit


@dataclass(frozen=True)
class Link:
    """A cell that opens `url` (a page of the site), showing `text`."""

    url: str
    text: str


A4 = 9  # XlsxWriter's paper size code
MAX_WIDTH = 40  # a column no wider than this, however long its longest text: the rest wraps off
# Columns wider in all than this (in character widths) print across an A4 page in landscape.
PORTRAIT_WIDTH = 100


def text_width(text: str) -> int:
    """Columns of a spreadsheet a text takes: 2 for a Chinese character, 1 for a Latin one (UTF-8
    takes 3 bytes for the one and 1 for the other, and encoding is one C call)."""
    return (len(text.encode()) + len(text)) // 2


class ExportBook:
    """A workbook streamed to `target` (a path or a file) row by row: XlsxWriter's constant_memory
    mode keeps one row in memory whatever the number of rows. XlsxWriter rather than openpyxl's
    write-only mode: it takes half the time per cell, and the annual summary is millions of cells.

    Values are written by type: text as text (never a formula, and safe from formula injection),
    dates and times as dates with a date format, numbers as numbers, None as a blank cell."""

    def __init__(self, target):
        self.book = xlsxwriter.Workbook(
            target,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        add = self.book.add_format
        self.header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": "#" + HEADER_COLOUR, "align": "center"})
        self.caption = add({"bold": True, "font_size": 12})
        self.writers: list[SheetWriter] = []
        self.link = add({"font_color": "#0563C1", "underline": 1})
        self.formats = {
            datetime.datetime: add({"num_format": DATETIME_FORMAT}),
            datetime.date: add({"num_format": DATE_FORMAT}),
            float: add({"num_format": "0.0##"}),
        }

    def sheet(self, title: str, widths: Sequence[int], freeze: tuple[int, int]) -> SheetWriter:
        """A sheet ready to print: A4, one page wide, the rows above `freeze` repeated on every
        page (or the first, the sheet's title line), the page number at the foot."""
        ws = self.book.add_worksheet(title[:31])
        ws.freeze_panes(*freeze)
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, max(freeze[0], 1) - 1)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页，共 &N 页")
        writer = SheetWriter(self, ws, widths)
        self.writers.append(writer)
        return writer

    def write_sheet(self, spec: SheetSpec) -> int:
        """One formatted sheet: the note, the header row (frozen), the rows; returns the row count."""
        widths = spec.widths or [max(10, min(40, len(h) * 2 + 4)) for h in spec.headers]
        sheet = self.sheet(spec.title, widths, (2 if spec.note else 1, 0))
        if spec.note:
            sheet.append([spec.note], self.caption, measured=False)
        sheet.append(spec.headers, self.header)
        count = 0
        for row in spec.rows:
            sheet.append(row)
            count += 1
        return count

    def close(self) -> None:
        for writer in self.writers:
            writer.lay_out()
        self.book.close()


class SheetWriter:
    """Rows appended one after another to a worksheet of an ExportBook. Columns grow from the
    widths given to their longest text (up to MAX_WIDTH), set when the book closes: XlsxWriter
    writes the column widths then, before the streamed rows."""

    def __init__(self, book: ExportBook, ws, widths: Sequence[int]):
        self.ws, self.formats, self.link, self.row = ws, book.formats, book.link, 0
        self.widths = list(widths)

    def lay_out(self) -> None:
        for column, width in enumerate(self.widths):
            self.ws.set_column(column, column, width)
        if sum(self.widths) > PORTRAIT_WIDTH:
            self.ws.set_landscape()

    def _measure(self, column: int, text: str) -> None:
        widths = self.widths
        if column >= len(widths):
            widths.extend([10] * (column + 1 - len(widths)))
        # Most cells are no wider than their column already is: those cost one comparison.
        if widths[column] < MAX_WIDTH and 2 * len(text) + 2 > widths[column]:
            widths[column] = max(widths[column], min(MAX_WIDTH, text_width(text) + 2))

    def append(self, values: Sequence, style=None, measured: bool = True) -> None:
        """One row; `measured` False for a caption or note that may run across its row's empty cells."""
        ws, row = self.ws, self.row
        for column, value in enumerate(values):
            if value is None or value == "":
                if style is not None:
                    ws.write_blank(row, column, None, style)
                continue
            kind = type(value)
            if kind is Link:
                ws.write_url(row, column, value.url, style or self.link, string=value.text)
            elif kind is int:
                ws.write_number(row, column, value, style)
            elif kind is bool:
                ws.write_boolean(row, column, value, style)
            elif kind is float or kind is decimal.Decimal:
                ws.write_number(row, column, value, style or self.formats[float])
            elif kind is datetime.datetime:
                # Excel has no time zones: write the local wall-clock time the users read everywhere else.
                local = timezone.localtime(value) if timezone.is_aware(value) else value
                ws.write_datetime(row, column, local.replace(tzinfo=None), style or self.formats[kind])
            elif kind is datetime.date:
                ws.write_datetime(row, column, value, style or self.formats[kind])
            else:  # text, and lazy translations and the like as text
                text = safe_text(str(value))
                ws.write_string(row, column, text, style)
                if measured:
                    self._measure(column, text)
        self.row = row + 1

    def skip(self) -> None:
        self.row += 1


def workbook_bytes(sheets: Iterable[SheetSpec]) -> bytes:
    out = io.BytesIO()
    book = ExportBook(out)
    for spec in sheets:
        book.write_sheet(spec)
    book.close()
    return out.getvalue()
