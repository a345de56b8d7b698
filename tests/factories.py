"""Plain helpers that make the objects tests need; every area's tests use these."""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from emergency.models import Organization, OrganizationKind, Role, Stage, User

_codes = itertools.count(1)
PASSWORD = "test-pass-123"


def make_org(
    code: str | None = None,
    *,
    parent: Organization | None = None,
    kind: str | None = None,
    name: str | None = None,
    stage: str = "",
    **fields: Any,
) -> Organization:
    code = code or f"T{next(_codes):05d}"
    if kind is None:
        kind = (
            OrganizationKind.CITY
            if parent is None
            else (OrganizationKind.DISTRICT if parent.kind == OrganizationKind.CITY else OrganizationKind.SCHOOL)
        )
    if kind == OrganizationKind.SCHOOL and not stage:
        stage = Stage.PRIMARY
    org = Organization(code=code, name=name or f"单位{code}", parent=parent, kind=kind, stage=stage, **fields)
    org.save()
    return org


def make_user(username: str, org: Organization | None, role: str = Role.STAFF, **fields: Any) -> User:
    user = User(username=username, organization=org, role=role, first_name=username, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def workbook(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    if title:
        ws.title = title
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
