"""Reading a .docx as the XML Word and LibreOffice read: the settings a test checks are the
attributes written there, not what python-docx would make of them."""

from __future__ import annotations

import io
import subprocess
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Docx:
    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.xml("word/document.xml")
        self.styles = self.xml("word/styles.xml")
        self.settings = self.xml("word/settings.xml")
        self.font_table = self.xml("word/fontTable.xml")

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @property
    def section(self):
        return self.document.find(".//w:body/w:sectPr", NS)

    def footer(self, kind: str):
        """The footer part of a footerReference type: default (odd pages) or even."""
        rid = self.section.find(f"w:footerReference[@w:type='{kind}']", NS).get(f"{{{R}}}id")
        rels = self.xml("word/_rels/document.xml.rels")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        return self.xml(f"word/{target}")

    @property
    def paragraphs(self):
        return self.document.findall(".//w:body/w:p", NS)


def text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(w("t")))


def runs(paragraph):
    return [r for r in paragraph.findall("w:r", NS) if r.find("w:t", NS) is not None]


def east_asian(run) -> str:
    return run.find("w:rPr/w:rFonts", NS).get(w("eastAsia"))


def size(run) -> int:
    return int(run.find("w:rPr/w:sz", NS).get(w("val")))


def installed_families() -> set[str]:
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}
