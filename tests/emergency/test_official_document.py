"""The Word file is a 公文 in the layout of GB/T 9704-2012, read from its XML: A4 and the margins,
the four fonts on the East Asian script with fallbacks this machine has, sizes, the fixed line,
the indent, the page numbers outside, and the 落款."""

import datetime

import pytest

from emergency import official_document
from emergency.official_document import BODY, HEADING, PAGE_NUMBER, SUBHEADING, TITLE, word_document
from emergency.text import chinese_date

from .docx_xml import NS, Docx, east_asian, installed_families, runs, size, text, w

TEXT = (
    "市教育局2008年度应急管理工作总结\n\n"
    "根据《通知》要求，现将我局2008年应急管理工作总结汇报如下。\n\n"
    "一、应急管理体系建设情况。成立了领导小组。\n\n"
    "二、存在问题和下一步工作打算\n\n"
    "（一）存在的问题。一是尚有8个隐患逾期未整改。"
)
TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def doc():
    return Docx(word_document(TEXT, "市教育局", datetime.date(2009, 1, 15)))


def mm(value: str) -> float:
    return int(value) / TWIPS_PER_MM


def test_the_page_is_a4_with_the_standards_margins(doc):
    size_ = doc.section.find("w:pgSz", NS)
    assert (round(mm(size_.get(w("w")))), round(mm(size_.get(w("h"))))) == (210, 297)
    assert size_.get(w("orient")) in (None, "portrait")
    margins = doc.section.find("w:pgMar", NS)
    found = {side: round(mm(margins.get(w(side))), 1) for side in ("top", "bottom", "left", "right")}
    assert found == {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}


def test_the_title_is_xiaobiaosong_erhao_centred(doc):
    title = doc.paragraphs[0]
    assert text(title) == "市教育局2008年度应急管理工作总结"
    assert title.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    assert [(east_asian(r), size(r)) for r in runs(title)] == [("方正小标宋简体", 44)]


def test_the_body_is_fangsong_sanhao_on_a_fixed_line_indented_two_characters(doc):
    body = [p for p in doc.paragraphs[1:] if text(p) and p.find("w:pPr/w:jc", NS).get(w("val")) == "both"]
    assert len(body) == 4
    for paragraph in body:
        spacing = paragraph.find("w:pPr/w:spacing", NS)
        assert spacing.get(w("lineRule")) == "exact" and 560 <= int(spacing.get(w("line"))) <= 580  # 28–29 pt
        indent = paragraph.find("w:pPr/w:ind", NS)
        assert indent.get(w("firstLineChars")) == "200" and int(indent.get(w("firstLine"))) == 2 * 16 * 20
        assert all(size(r) == 32 for r in runs(paragraph))
    assert [east_asian(r) for r in runs(body[0])] == ["仿宋_GB2312"]
    # The Normal style says the same, for text a reader adds.
    normal = doc.styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    assert normal.find("w:rPr/w:sz", NS).get(w("val")) == "32"
    assert normal.find("w:pPr/w:spacing", NS).get(w("lineRule")) == "exact"


def test_headings_are_heiti_and_kaiti_run_in(doc):
    by_text = {text(p): p for p in doc.paragraphs}
    first = runs(by_text["一、应急管理体系建设情况。成立了领导小组。"])
    assert [(r.findtext("w:t", namespaces=NS), east_asian(r)) for r in first] == [
        ("一、应急管理体系建设情况。", "黑体"),
        ("成立了领导小组。", "仿宋_GB2312"),
    ]
    assert [east_asian(r) for r in runs(by_text["二、存在问题和下一步工作打算"])] == ["黑体"]
    second = runs(by_text["（一）存在的问题。一是尚有8个隐患逾期未整改。"])
    assert [east_asian(r) for r in second] == ["楷体_GB2312", "仿宋_GB2312"]


def test_every_run_names_its_chinese_font_on_the_east_asian_script_and_no_theme_font(doc):
    parts = [doc.document, doc.footer("default"), doc.footer("even"), doc.styles]
    fonts = [f for part in parts for f in part.iter(w("rFonts"))]
    assert fonts
    for f in fonts:
        assert f.get(w("eastAsia")) in {t.name for t in official_document.TYPEFACES}
        assert not [name for name in f.attrib if name.endswith("Theme")]
    for run in doc.document.iter(w("r")):
        assert run.find("w:rPr/w:rFonts", NS) is not None


def test_each_font_falls_back_to_a_font_this_machine_has(doc):
    """The font table lists, for Word, what to take in place of each 公文 font; the last of them is
    a font Debian installs (scripts/office.sh), which the PDF renderer is given as an alias."""
    families = installed_families()
    declared = {f.get(w("name")): f for f in doc.font_table.findall("w:font", NS)}
    for typeface in (TITLE, BODY, HEADING, SUBHEADING, PAGE_NUMBER):
        font = declared[typeface.name]
        fallbacks = font.find("w:altName", NS).get(w("val")).split(",")
        assert fallbacks[-1] == typeface.debian and typeface.debian in families, typeface.name
        assert font.find("w:charset", NS).get(w("val")) == "86"  # GB2312
        assert f"<string>{typeface.name}</string>" in official_document.fontconfig()


def test_page_numbers_are_songti_sihao_with_dashes_odd_right_even_left(doc):
    assert doc.settings.find("w:evenAndOddHeaders", NS) is not None
    for kind, side, indent in (("default", "right", "right"), ("even", "left", "left")):
        paragraph = doc.footer(kind).find("w:p", NS)
        assert paragraph.find("w:pPr/w:jc", NS).get(w("val")) == side
        assert int(paragraph.find("w:pPr/w:ind", NS).get(w(indent))) == 14 * 20  # 空一字
        assert text(paragraph) == "— 1 —"
        assert "PAGE" in "".join(t.text for t in paragraph.iter(w("instrText")))
        assert {(east_asian(r), size(r)) for r in paragraph.findall("w:r", NS)} == {("宋体", 28)}


def test_the_signature_and_date_close_the_document_right_aligned(doc):
    unit, date = doc.paragraphs[-2], doc.paragraphs[-1]
    assert (text(unit), text(date)) == ("市教育局", "2009年1月15日")
    assert text(doc.paragraphs[-3]) == ""  # 正文下空一行
    assert {p.find("w:pPr/w:jc", NS).get(w("val")) for p in (unit, date)} == {"right"}
    # The date is longer than the unit: it stands two characters from the right, and the unit's
    # first character two characters left of the date's.
    unit_right, date_right = (int(p.find("w:pPr/w:ind", NS).get(w("right"))) for p in (unit, date))
    char = 16 * 20
    assert date_right == 2 * char
    assert unit_right + 4 * char == date_right + 6.5 * char + 2 * char  # 市教育局: 4, 2009年1月15日: 6.5


def test_the_finalising_date_is_written_as_the_standard_writes_it():
    assert chinese_date(datetime.date(2009, 1, 5)) == "2009年1月5日"


@pytest.mark.django_db
def test_key_work_comes_with_the_years_work_plan_and_the_closing_section_with_what_is_open(tree):
    from emergency.compiler import narrative
    from emergency.models import Document, DocumentKind
    from emergency.summary import Outstanding, Section

    parts = [
        Section(1, "体系", paragraphs=["成立了领导小组。", "同时，要求各下级单位成立应急管理领导机构。"]),
        Section(2, "预案", paragraphs=["建立了预案。"], key_work=["完善了各类应急预案"]),
        Section(3, "隐患", paragraphs=["整改了隐患。"], key_work=["整改各类安全隐患2个"], overview=["全年平安。"]),
        Section(4, "物资", paragraphs=["登记了物资。"], outstanding=[Outstanding("尚有1批物资过期", "及时报废更新")]),
    ]
    without_plan = narrative(tree.city, 2025, parts, "", with_outlook=False).split("\n\n")
    assert "重点做好了" not in "".join(without_plan)  # no 工作方案 or 制度 of the year set the work
    assert (
        without_plan[2]
        == "一、应急管理体系建设情况。成立了领导小组。同时，要求各下级单位成立应急管理领导机构。全年平安。"
    )
    assert not any(p.startswith("五、") for p in without_plan)

    Document.objects.create(
        organization=tree.city, title="工作方案", kind=DocumentKind.WORK_PLAN, issued_on="2025-02-01"
    )
    text = narrative(tree.city, 2025, parts, "", with_outlook=True).split("\n\n")
    assert text[2] == (
        "一、应急管理体系建设情况。成立了领导小组。重点做好了2项工作：一是完善了各类应急预案；二是整改各类安全隐患2个。"
        "同时，要求各下级单位成立应急管理领导机构。全年平安。"
    )
    assert text[-3:] == [
        "五、存在问题和下一步工作打算",
        "（一）存在的问题。一是尚有1批物资过期。",
        "（二）下一步工作打算。一是及时报废更新。",
    ]


@pytest.mark.django_db
def test_without_libreoffice_a_finalised_summary_keeps_its_word_file_and_no_pdf(tree, monkeypatch):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from emergency.models import SummaryRun
    from emergency.tasks import render_summary_pdf

    run = SummaryRun.objects.create(
        organization=tree.city, year=2025, narrative="标题\n\n正文", finalized_at=timezone.now()
    )
    run.document.save("s.docx", ContentFile(official_document.summary_word(run)))
    monkeypatch.setattr(official_document, "soffice", lambda: None)
    assert render_summary_pdf.apply(args=[run.pk], throw=True).result is False
    run.refresh_from_db()
    assert run.document and not run.pdf
    with pytest.raises(official_document.OfficeUnavailable):
        official_document.pdf_document(b"")
