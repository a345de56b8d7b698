"""The files people may upload beside records (attachments, documents, plan texts): one allow-list
by extension, one validator. Nothing a browser would run (.html, .svg) nor a program (.exe)."""

from __future__ import annotations

import posixpath

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

TEXT_TYPES = (".pdf", ".doc", ".docx", ".wps", ".odt", ".rtf", ".txt")
DOCUMENT_TYPES = (*TEXT_TYPES, ".xls", ".xlsx", ".et", ".ods", ".zip")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic")


def check_file(upload, allowed: tuple[str, ...]) -> None:
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(_("文件超过 %(n)d MB") % {"n": settings.ATTACHMENT_MAX_BYTES // 1_000_000})
    if posixpath.splitext(upload.name.lower())[1] not in allowed:
        raise forms.ValidationError(_("不支持的文件类型，可上传：%(t)s") % {"t": " ".join(allowed)})
