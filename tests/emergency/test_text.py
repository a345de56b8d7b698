"""One rule for invisible characters: forms and imports refuse them, writers drop what is stored."""

import datetime

import pytest
from django.urls import reverse

from emergency.models import Document
from emergency.text import text_problem


@pytest.mark.parametrize(
    "title",
    ["工作\x0b方案", "工作方案\x00", "\u202e案方作工", "工作\u200b方案", "\ufeff工作方案"],
    ids=["vertical tab", "NUL", "right-to-left override", "zero-width space", "byte order mark"],
)
def test_a_form_refuses_invisible_characters_in_text(client, personas, title):
    client.force_login(personas.officer_a)
    data = {"organization": "SA1", "title": title, "number": "", "kind": "rules", "issued_on": "2026-01-05"}
    response = client.post(reverse("emergency:document_add"), data)
    assert response.status_code == 200 and "不可见" in response.content.decode()
    assert not Document.objects.exists()


def test_a_form_saves_ordinary_text_with_line_breaks(client, personas):
    client.force_login(personas.officer_a)
    data = {"organization": "SA1", "title": "工作方案\t（2026）", "kind": "rules", "issued_on": "2026-01-05"}
    assert client.post(reverse("emergency:document_add"), data).status_code == 302
    assert Document.objects.get().issued_on == datetime.date(2026, 1, 5)


def test_imports_and_forms_share_the_rule():
    assert text_problem("甲\x0b乙") == text_problem("\x01")
    assert text_problem("多行\n文字\r\n") is None


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "setup.exe"])
def test_documents_refuse_files_a_browser_or_a_computer_would_run(client, personas, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.officer_a)
    data = {"organization": "SA1", "title": "工作方案", "kind": "rules", "issued_on": "2026-01-05"}
    data["file"] = SimpleUploadedFile(name, b"<svg onload=alert(1)>")
    response = client.post(reverse("emergency:document_add"), data)
    assert response.status_code == 200 and "不支持的文件类型" in response.content.decode()
    assert not Document.objects.exists()
