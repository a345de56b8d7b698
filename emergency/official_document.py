"""The annual summary as the 公文 a bureau sends upward: a Word file laid out as GB/T 9704-2012
(党政机关公文格式) says, and a PDF of it rendered by LibreOffice where it is installed.

The standard's fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体) are on no Debian machine
and on few Windows ones: each is named on the East Asian script of every run, with its fallbacks
in the font table (`w:altName`, which Word reads), and the same fallbacks are given to LibreOffice
as fontconfig aliases when it renders the PDF (it ignores `w:altName`)."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from .text import chinese_date, writable


@dataclass(frozen=True)
class Typeface:
    """A font the standard names, with what stands in for it where it is not installed: the names
    it has on Windows, then a font a Debian machine has (fonts-noto-cjk, fonts-arphic-ukai)."""

    name: str
    alternatives: tuple[str, ...]
    debian: str
    family: str  # the font table's w:family: roman (serif), modern (sans), script
    heavy: bool = False  # the Debian stand-in is taken in bold (小标宋 is a heavy Song)

    @property
    def fallbacks(self) -> tuple[str, ...]:
        return (*self.alternatives, self.debian)


TITLE = Typeface("方正小标宋简体", ("方正小标宋_GBK", "华文中宋", "宋体"), "Noto Serif CJK SC", "roman", heavy=True)
BODY = Typeface("仿宋_GB2312", ("仿宋", "FangSong"), "Noto Serif CJK SC", "roman")
HEADING = Typeface("黑体", ("SimHei",), "Noto Sans CJK SC", "modern")
SUBHEADING = Typeface("楷体_GB2312", ("楷体", "KaiTi"), "AR PL UKai CN", "script")
PAGE_NUMBER = Typeface("宋体", ("SimSun",), "Noto Serif CJK SC", "roman")
TYPEFACES = (TITLE, BODY, HEADING, SUBHEADING, PAGE_NUMBER)

# Sizes in points: 二号, 三号, 四号.
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE = 22, 16, 14
# 22 lines to the 225 mm text block: a fixed 28.9 pt line (the standard's "每面排22行"). Without a
# document grid: LibreOffice fits one line fewer on a page of "lines" grid.
LINE_SPACING = Pt(28.9)
# The page and its margins (天头 37 mm, 订口 28 mm): a text block of 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
# The page number's line sits 7 mm below the text block: the footer's 四号 line ends 23 mm above the edge.
FOOTER_DISTANCE = Mm(23)
CHAR = Twips(BODY_SIZE * 20)  # one character of the body, the unit the standard indents by

LEVEL_ONE = re.compile(r"^[一二三四五六七八九十]{1,3}、[^。\n]{1,40}(?:。|$)")
LEVEL_TWO = re.compile(r"^（[一二三四五六七八九十]{1,3}）[^。\n]{1,40}(?:。|$)")


def word_document(text: str, unit: str, dated: datetime.date) -> bytes:
    """The narrative as a 公文: the first paragraph is the title, the others the body, a paragraph
    opening with 一、… or （一）… starts with its heading; then the 落款, `unit` and `dated`."""
    doc = WordDocument()
    _page(doc)
    _defaults(doc)
    paragraphs = [p.strip() for p in writable(text).split("\n\n") if p.strip()]
    title, body = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
    _title(doc, title)
    _body_paragraph(doc, "")  # 标题下空一行
    for paragraph in body:
        _body_paragraph(doc, paragraph)
    _signature(doc, unit, chinese_date(dated))
    _font_table(doc)
    doc.core_properties.title = title
    doc.core_properties.author = unit
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def summary_word(run) -> bytes:
    """A SummaryRun's narrative as a 公文 of its organisation, dated the day it was finalised
    (a draft: today, the day it would be)."""
    dated = timezone.localdate(run.finalized_at) if run.finalized_at else timezone.localdate()
    return word_document(run.narrative, run.organization.name, dated)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = FOOTER_DISTANCE
    doc.settings.odd_and_even_pages_header_footer = True
    # 单页码居右空一字，双页码居左空一字.
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, alignment) -> None:
    paragraph.alignment = alignment
    one_char = Twips(PAGE_NUMBER_SIZE * 20)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    _styled(paragraph.add_run("— "), PAGE_NUMBER, PAGE_NUMBER_SIZE)
    begin, instruction, separate, end = (
        _field_part("begin"),
        _field_code(" PAGE "),
        _field_part("separate"),
        _field_part("end"),
    )
    for element in (begin, instruction, separate):
        _styled(paragraph.add_run(), PAGE_NUMBER, PAGE_NUMBER_SIZE)._r.append(element)
    _styled(paragraph.add_run("1"), PAGE_NUMBER, PAGE_NUMBER_SIZE)  # shown until the field is updated
    _styled(paragraph.add_run(), PAGE_NUMBER, PAGE_NUMBER_SIZE)._r.append(end)
    _styled(paragraph.add_run(" —"), PAGE_NUMBER, PAGE_NUMBER_SIZE)


def _field_part(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _field_code(code: str):
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = code
    return element


def _defaults(doc) -> None:
    """The body's font, size, language and line in the document defaults and the Normal style, so
    text a reader adds in Word looks like the rest."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, BODY)
    language = defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        defaults.append(language)
    # Chinese for the East Asian script; numbers and Latin letters keep a Western language, whose
    # line breaking never splits a number across two lines.
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    # The template's other styles name theme fonts (Calibri, 宋体 by theme): the body's instead.
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        _set_fonts(fonts.getparent(), BODY)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr(), BODY)
    _line(normal.paragraph_format)
    # No extra space between Chinese and numbers: the standard's text runs on (2008年, not 2008 年).
    properties = normal.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDN", "w:autoSpaceDE"):  # before w:spacing, as the schema orders them
        setting = OxmlElement(tag)
        setting.set(qn("w:val"), "0")
        properties.insert(0, setting)


def _line(paragraph_format) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = LINE_SPACING
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)


def _set_fonts(rpr, typeface: Typeface) -> None:
    """The typeface on every script of a run, in place of the theme's fonts (which would win)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), typeface.name)


def _styled(run, typeface: Typeface, size: int):
    run.font.size = Pt(size)
    _set_fonts(run._r.get_or_add_rPr(), typeface)
    return run


def _title(doc, title: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(paragraph.paragraph_format)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _styled(paragraph.add_run(title), TITLE, TITLE_SIZE)


def _body_paragraph(doc, text: str) -> None:
    """A body paragraph, justified, its first line indented two characters; a run-in heading
    (一、… in 黑体, （一）… in 楷体) keeps the body's size and line."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _line(paragraph.paragraph_format)
    paragraph.paragraph_format.first_line_indent = 2 * CHAR
    paragraph.paragraph_format.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    heading, typeface = "", BODY
    for pattern, face in ((LEVEL_ONE, HEADING), (LEVEL_TWO, SUBHEADING)):
        if found := pattern.match(text):
            heading, typeface = found.group(0), face
            break
    if heading:
        _styled(paragraph.add_run(heading), typeface, BODY_SIZE)
    if text[len(heading) :]:
        _styled(paragraph.add_run(text[len(heading) :]), BODY, BODY_SIZE)


def _width(text: str) -> float:
    """Width in characters of the body: half a character for a Latin letter or an Arabic numeral."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def _signature(doc, unit: str, dated: str) -> None:
    """落款 without a seal (GB/T 9704-2012 7.3.5.2): one line below the body, the issuing unit two
    characters from the right, the date below it starting two characters further right; a date
    longer than the unit stands two characters from the right and the unit moves left to match."""
    date_right = max(2.0, _width(unit) - _width(dated))
    unit_right = date_right + _width(dated) + 2 - _width(unit)
    _body_paragraph(doc, "")
    for text, right in ((unit, unit_right), (dated, date_right)):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _line(paragraph.paragraph_format)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Twips(round(right * CHAR.twips))
        _styled(paragraph.add_run(text), BODY, BODY_SIZE)


def _font_table(doc) -> None:
    """Declare the standard's fonts in the font table: GB2312 character set, their family, and the
    fonts to take in their place (w:altName, a comma-separated list in ECMA-376 17.8.3.1)."""
    part = doc.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    for typeface in TYPEFACES:
        for existing in table.findall(qn("w:font")):
            if existing.get(qn("w:name")) == typeface.name:
                table.remove(existing)
        font = OxmlElement("w:font")
        font.set(qn("w:name"), typeface.name)
        for tag, value in (
            ("w:altName", ",".join(typeface.fallbacks)),
            ("w:charset", "86"),
            ("w:family", typeface.family),
            ("w:pitch", "variable"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        table.append(font)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---- PDF ----------------------------------------------------------------------------------------


class OfficeUnavailable(Exception):
    """LibreOffice is not installed on this machine: the PDF is optional, the Word file is not."""


def fontconfig() -> str:
    """fontconfig's configuration for the renderer: the system's, and each standard font taken as
    its Debian stand-in (bold where the stand-in is a lighter face than the original)."""
    rules = []
    for typeface in TYPEFACES:
        for name in (typeface.name, *typeface.alternatives):
            weight = '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
            rules.append(
                f'<match target="pattern"><test name="family"><string>{escape(name)}</string></test>'
                f'<edit name="family" mode="assign" binding="strong"><string>{escape(typeface.debian)}</string></edit>'
                f"{weight if typeface.heavy else ''}</match>"
            )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' + "\n".join(rules) + "\n</fontconfig>\n"
    )


def soffice() -> str | None:
    return shutil.which("soffice")


def pdf_document(docx: bytes, timeout: int = 180) -> bytes:
    """The Word file rendered by LibreOffice (`soffice --headless --convert-to pdf`), in a profile
    of its own so that two renderings at once do not share one. Raises OfficeUnavailable."""
    program = soffice()
    if program is None:
        raise OfficeUnavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="summary-pdf-") as work:
        folder = Path(work)
        source = folder / "summary.docx"
        source.write_bytes(docx)
        (folder / "fonts.conf").write_text(fontconfig(), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf"), "HOME": work}
        subprocess.run(  # noqa: S603  (a fixed argument list: the program found above and our own files)
            [
                program,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                str(source),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return (folder / "summary.pdf").read_bytes()
