"""The one rule for text that people type or upload, and the one cleaning at every writer.

Control characters (a vertical tab pasted out of Word) cannot be stored in an .xlsx or .docx, and
bidirectional overrides and zero-width characters make a name read as another (display spoofing):
forms and imports refuse both with the same message. Text already stored is made writable at
write time, so no export, roster or summary fails on a row saved before this rule."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return, and DEL: invisible, and illegal in XML.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional embeddings, overrides, isolates and marks; zero-width spaces and joiners; BOM.
SPOOFING_CHARACTERS = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# What an .xlsx or .docx part cannot hold (XML 1.0): the same set openpyxl refuses.
XML_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_problem(value: str) -> str | None:
    """Why this text is refused, in the words a form or an import row shows; None when it is fine."""
    if CONTROL_CHARACTERS.search(value):
        return _("含有不可见的控制字符，请删除后重新填写")
    if SPOOFING_CHARACTERS.search(value):
        return _("含有不可见的方向控制或零宽字符，请删除后重新填写")
    return None


def validate_text(value) -> None:
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="invisible_characters")


def writable(value: str) -> str:
    """Stored text as a workbook or Word document can hold it."""
    return XML_ILLEGAL_CHARACTERS.sub("", value)


class CheckedTextMixin:
    """Every text field of the form refuses what `text_problem` refuses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and validate_text not in field.validators:
                field.validators.append(validate_text)


def chinese_date(day: datetime.date) -> str:
    """A date as Chinese documents write it (GB/T 9704-2012's 成文日期): the year in full, Arabic
    numerals, no leading zeros, whatever the reader's language."""
    return f"{day.year}年{day.month}月{day.day}日"
