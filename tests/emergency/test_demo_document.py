"""The demo city's 2008 summary as the document a bureau sends upward: its narrative beside the
seed's text (a copy in files/), true to the records; the Word file a 公文; the PDF LibreOffice
renders from it; and the workbook ready to print."""

import datetime
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from drills.compliance import Window, compliance
from emergency import official_document
from emergency.demo import DEMO_YEAR
from emergency.excel import MAX_WIDTH, text_width
from emergency.models import User
from emergency.tasks import render_summary_pdf

from .conftest import compiled_demo_summary
from .docx_xml import NS, Docx, east_asian, text, w

SEED = Path(__file__).parent / "files" / "annual-summary-2008.zh-hans.txt"
FINALISED = datetime.datetime(DEMO_YEAR + 1, 1, 15, 10, 0)
PART = re.compile(r"^([一二三四五六七八九十])、([^。]+)(?:。|$)")
# Each part of the seed ends on a phrase the demo's part ends on too (its last sentence holds it).
CLOSINGS = {
    "一": "未出现应急管理方面的重大事故和人员伤亡和财产损失的情况",
    "二": "提高了广大师生自救自护能力",
    "三": "目前，全市共整改各类安全隐",  # the seed's own text drops the 患 of 隐患 here
    "四": "应急救援器材和装备的完好",
    "五": "把工作任务落实到了具体人员",
    "六": "营造了浓厚社会氛围",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run = compiled_demo_summary()
        # Finalised as the page does it, and the worker's task rendering the PDF.
        run.finalized_at = timezone.make_aware(FINALISED)
        run.document.save("demo.docx", ContentFile(official_document.summary_word(run)), save=False)
        run.save()
        render_summary_pdf.apply(args=[run.pk], throw=True)
        run.refresh_from_db()
        yield run
        call_command("flush", interactive=False, verbosity=0)


def seed_paragraphs() -> list[str]:
    """The seed's summary without the web page's links after it, in full-width punctuation."""
    body = SEED.read_text(encoding="utf-8").split("【")[0]
    body = body.replace(",", "，").replace(":", "：").replace("(", "（").replace(")", "）")
    return [line.strip() for line in body.splitlines() if line.strip()]


def parts(paragraphs: list[str]) -> dict[str, tuple[str, str]]:
    """Number → (title, text) of each numbered part."""
    return {m.group(1): (m.group(2), p) for p in paragraphs if (m := PART.match(p))}


def last_sentence(paragraph: str) -> str:
    return [s for s in paragraph.split("。") if s][-1]


@pytest.mark.django_db
def test_the_demo_narrative_keeps_the_seeds_shape(demo):
    seed, ours = seed_paragraphs(), demo.narrative.split("\n\n")
    assert seed[0].endswith("应急管理工作总结") and ours[0] == f"市教育局{DEMO_YEAR}年度应急管理工作总结"
    opening = re.compile(r"^根据《[^》]+》要求，现将我局(\d{4}年)?应急管理工作总结汇报如下。$")
    assert opening.match(seed[1]) and opening.match(ours[1])
    seed_parts, our_parts = parts(seed), parts(ours)
    assert list(seed_parts) == list("一二三四五六")
    # The same six parts in the same order, then only the optional closing section.
    assert [(n, seed_parts[n][0]) for n in seed_parts] == [(n, our_parts[n][0]) for n in list(our_parts)[:6]]
    assert list(our_parts) == list("一二三四五六七") and our_parts["七"][0] == "存在问题和下一步工作打算"
    assert ours[-2].startswith("（一）存在的问题。一是") and ours[-1].startswith("（二）下一步工作打算。一是")
    for number, phrase in CLOSINGS.items():
        assert phrase in last_sentence(seed_parts[number][1]), number
        assert phrase in last_sentence(our_parts[number][1]), number
    # 重点做好了N项工作：一是…, where the seed has it.
    assert re.search(r"重点做好了\d项工作：一是", seed_parts["一"][1])
    found = re.search(r"重点做好了(\d)项工作：(.+?)。", our_parts["一"][1])
    assert found and found.group(2).count("是") >= int(found.group(1)) == 5


@pytest.mark.django_db
def test_the_demo_narrative_says_nothing_the_records_contradict(demo):
    text_ = demo.narrative
    figures = demo.figure_map()
    # The drills' findings: the flagged plans are waiting for revision, none was revised yet.
    assert figures["plans_revised_after_drill"]["value"] == 0 and "修订完善相关预案" not in text_
    revising = figures["plans_revising_after_drill"]["value"]
    assert revising > 0 and f"涉及的{revising}个应急预案正在修订" in text_
    # Compliance stated completely and constructively.
    assert figures["drill_compliant_schools"]["value"] == 0
    assert not re.search(r"(?<!\d)0所", text_) and "达标率0.0%" not in text_
    judged = compliance(demo.organization, Window.year(DEMO_YEAR)).total.with_requirement
    assert f"{judged}所有演练要求的学校均有月份（季度）未开展演练" in text_
    assert "已督促其按要求开展演练" in text_
    assert "个（次）" not in text_ and "10次设立街头宣传站" in text_
    # Expired supplies at the year's end: the part does not say the equipment was kept complete.
    assert "保证了应急救援器材和装备的完好" not in text_ and "以保证应急救援器材和装备的完好" in text_
    assert f"{figures['expired_supplies']['value']}批、" in text_.split("（一）存在的问题。")[1]


def demo_docx(client, run) -> Docx:
    client.force_login(User.objects.get(username="city_leader"))
    response = client.get(reverse("emergency:summaryrun_docx", args=[run.pk]))
    assert response.status_code == 200
    return Docx(response.content)


@pytest.mark.django_db
def test_the_demo_downloads_as_a_gongwen(client, demo):
    doc = demo_docx(client, demo)
    page = doc.section.find("w:pgSz", NS)
    assert (int(page.get(w("w"))), int(page.get(w("h")))) in ((11906, 16838), (11905, 16837))  # A4
    margins = doc.section.find("w:pgMar", NS)
    assert [round(int(margins.get(w(s))) * 25.4 / 1440) for s in ("top", "bottom", "left", "right")] == [37, 35, 28, 26]
    fonts = {east_asian(r) for r in doc.document.iter(w("r")) if r.find("w:rPr/w:rFonts", NS) is not None}
    assert fonts == {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"}
    assert text(doc.footer("default").find("w:p", NS)) == "— 1 —"
    assert [text(p) for p in doc.paragraphs[-2:]] == ["市教育局", f"{DEMO_YEAR + 1}年1月15日"]


def pdf_text(pdf: Path, page: int, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), *options, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def page_number_position(pdf: Path, page: int) -> float:
    """The left edge of the page number's figure at the foot of `page`."""
    box = etree.fromstring(pdf_text(pdf, page, "-bbox").encode())
    numbers = [
        word
        for word in box.iter("{http://www.w3.org/1999/xhtml}word")
        if word.text == str(page) and float(word.get("yMin")) > 720
    ]
    assert len(numbers) == 1, page
    return float(numbers[0].get("xMin"))


@pytest.mark.django_db
def test_libreoffice_renders_the_finalised_document_to_a_pdf_with_the_title_on_page_one(client, demo, tmp_path):
    assert demo.pdf, "the worker rendered no PDF"
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(demo.pdf.open("rb").read())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info and int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2
    # Page 1 as an image: rendered, with ink on it.
    render = ["pdftoppm", "-f", "1", "-l", "1", "-r", "30", "-gray", str(pdf), str(tmp_path / "page")]
    subprocess.run(render, check=True)
    image = next(tmp_path.glob("page*.pgm")).read_bytes()
    width, height = (int(n) for n in image.split(b"\n")[1].split())
    pixels = image[-width * height :]
    assert 0.01 < sum(1 for p in pixels if p < 128) / len(pixels) < 0.5
    assert f"市教育局{DEMO_YEAR}年度应急管理工作总结" in pdf_text(pdf, 1).replace(" ", "")
    # Odd page numbers at the right, even at the left.
    assert page_number_position(pdf, 1) > 400 > 200 > page_number_position(pdf, 2)
    # The 公文 fonts came out in their Debian stand-ins, none left blank.
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts and "UKai" in fonts
    client.force_login(User.objects.get(username="city_leader"))
    shown = client.get(reverse("emergency:summaryrun_pdf", args=[demo.pk]))
    assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline")
    assert shown.content == pdf.read_bytes()


@pytest.mark.django_db
def test_every_workbook_sheet_is_ready_to_print(demo):
    data = demo.workbook.open("rb").read()
    archive = zipfile.ZipFile(io.BytesIO(data))
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames[0] == "总览"
    title = next(book["总览"].iter_rows(max_row=1, values_only=True))[0]
    assert f"市教育局{DEMO_YEAR}年度应急管理工作总结" in title and f"截至{DEMO_YEAR}年12月31日" in title
    workbook_xml = archive.read("xl/workbook.xml").decode()
    titles = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">', workbook_xml)
    assert sorted(map(int, titles)) == list(range(len(book.sheetnames)))
    landscape = []
    for index, name in enumerate(book.sheetnames, start=1):
        sheet = archive.read(f"xl/worksheets/sheet{index}.xml").decode()
        assert '<pageSetUpPr fitToPage="1"/>' in sheet, name
        setup = re.search(r"<pageSetup [^>]*/>", sheet).group(0)
        assert 'paperSize="9"' in setup and 'fitToHeight="0"' in setup and 'fitToWidth="0"' not in setup, name
        widths = [float(x) for x in re.findall(r'<col [^>]*width="([\d.]+)"', sheet)]
        assert widths and max(widths) <= MAX_WIDTH + 1, name
        if 'orientation="landscape"' in setup:
            landscape.append(name)
    assert "本年发现的隐患" in landscape and len(landscape) < len(book.sheetnames)
    # The drill sheet's unit column fits the longest school name.
    drills = archive.read(f"xl/worksheets/sheet{book.sheetnames.index('应急演练明细') + 1}.xml").decode()
    unit_column = float(re.search(r'<col min="2" max="2" width="([\d.]+)"', drills).group(1))
    longest = max(text_width(r[1]) for r in book["应急演练明细"].iter_rows(min_row=2, values_only=True) if r[1])
    assert unit_column >= min(MAX_WIDTH, longest + 2)
