"""A small factory that makes a valid row of any model with minimal fields, so the access and export
tests can cover every area's models without knowing them.

Each required field gets a plain value of its type (the first choice, a past date, 1, a file …);
foreign keys to organisations and users take the ones given, other foreign keys get a record of
their own made the same way in the same organisation. A model the generic rule cannot make is
named in MAKERS with a function that can."""

from __future__ import annotations

import datetime
import decimal
import itertools
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from emergency.imports import Text
from emergency.models import Attachment, Document, ImportJob, LeadershipGroup, LeadershipMember, Organization, User

_serial = itertools.count(1)
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
AUDIT_FIELDS = ("created_by", "updated_by")


def make(model: type[models.Model], org: Organization, user: User | None, *, text: str = "", **fields) -> models.Model:
    """A saved row of `model` owned by `org`; `text` goes into every required text field."""
    maker = MAKERS.get(model)
    if maker is not None:
        return maker(org, user, text=text, **fields)
    values = plain_values(model, org, user, text=text)
    values.update(fields)
    obj = model(**values)
    obj.save()
    return obj


def plain_values(model, org, user, *, text: str = "") -> dict[str, Any]:
    n = next(_serial)
    values: dict[str, Any] = {}
    dates = 0
    for field in model._meta.concrete_fields:
        if field.primary_key or field.auto_created or not field.editable and not field.is_relation:
            continue
        if field.is_relation:
            target = field.related_model
            if target is Organization:
                values[field.name] = org
            elif target is User or field.name in AUDIT_FIELDS:
                values[field.name] = user
            elif target is ContentType:
                values[field.name] = ContentType.objects.get_for_model(Document)
            elif not field.null:
                values[field.name] = existing(target, org) or make(target, org, user, text=text)
            continue
        if isinstance(field, models.FileField):  # a file served by a scoped view must exist to be served
            values[field.name] = value_for(field, n, text, dates)
            continue
        free_text = isinstance(field, models.CharField | models.TextField) and not field.choices
        # Free text is filled even where optional, so that pages and exports show the record's marker.
        if field.has_default() or field.null or (field.blank and field.empty_strings_allowed and not free_text):
            continue
        if isinstance(field, models.DateField | models.DateTimeField):
            dates += 1
        values[field.name] = value_for(field, n, text, dates)
    if "object_id" in values and "content_type" in values:
        values["object_id"] = make(Document, org, user, text=text).pk
    return values


def existing(model, org) -> models.Model | None:
    """A row the organisation already has (some models allow one per organisation)."""
    if any(f.name == "organization" for f in model._meta.concrete_fields):
        return model._default_manager.filter(organization=org).first()
    return None


def value_for(field: models.Field, n: int, text: str, dates: int) -> Any:
    if isinstance(field, ArrayField):
        return [value_for(field.base_field, n, text, dates)]
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.FileField):
        return ContentFile(TINY_PNG if isinstance(field, models.ImageField) else b"%PDF-1.4 test", name=f"f{n}.png")
    if isinstance(field, models.EmailField):
        return f"u{n}@example.edu.cn"
    if isinstance(field, models.CharField | models.TextField):
        value = f"{text}{field.name}{n}"
        return value[: field.max_length] if field.max_length else value
    if isinstance(field, models.DateTimeField):
        return timezone.now() - datetime.timedelta(days=60 - dates)
    if isinstance(field, models.DateField):
        # Later fields get later dates (start before end), all in the past.
        return timezone.localdate() - datetime.timedelta(days=60 - dates)
    if isinstance(field, models.TimeField):
        return datetime.time(8, 0)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(hours=1)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.FloatField):
        return 1.0
    if isinstance(field, models.IntegerField):
        return timezone.localdate().year if field.name == "year" else 1
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.JSONField):
        return {}
    raise TypeError(f"{field.model.__name__}.{field.name}: add a maker to tests/reliability/records.py MAKERS")


def make_org(org: Organization, user, *, text: str = "", **fields) -> Organization:
    """Organisations are the tree itself: the factory's 'record owned by org' is the org."""
    return org


def make_account(org, user, *, text: str = "", **fields) -> User:
    """A school officer's account of `org`, named by the marker so lists and exports can be searched."""
    return User.objects.create_user(
        f"{text.lower() or 'account'}{next(_serial)}", first_name=text, organization=org, role="school_officer"
    )


def make_import_job(org, user, *, text: str = "", **fields) -> ImportJob:
    # An import job is seen only by the person who uploaded it, so it is made for that person.
    values = {
        "organization": org,
        "kind": "orgs",
        "file": ContentFile(b"PK", name="upload.xlsx"),
        "original_name": f"{text}upload.xlsx",
        "created_by": user,
        "updated_by": user,
        "status": "ready",
    }
    values.update(fields)
    return ImportJob.objects.create(**values)


def make_attachment(org, user, *, text: str = "", **fields) -> Attachment:
    record = make(Document, org, user, text=text)
    values = {
        "organization": org,
        "content_type": ContentType.objects.get_for_model(Document),
        "object_id": record.pk,
        "kind": "photo",
        "file": ContentFile(TINY_PNG, name="photo.png"),
        "original_name": f"{text}photo.png",
        "size": len(TINY_PNG),
    }
    values.update(fields)
    return Attachment.objects.create(**values)


MAKERS: dict[type[models.Model], Callable[..., models.Model]] = {
    Organization: make_org,
    ImportJob: make_import_job,
    User: make_account,
    Attachment: make_attachment,
}


def import_clean_rows(spec, user, count: int = 6) -> list[models.Model]:
    """Write `count` good rows of an import kind through the engine, as `user`; returns the records.

    The rows are the bad-upload corpus's clean file, so whatever columns a kind has, its records
    can be made without knowing them."""
    from emergency.imports import apply, validate

    from .make_bad_uploads import clean_file

    code, variant = good_base(spec, user)
    before = set(spec.model._default_manager.values_list("pk", flat=True))
    data = clean_file(spec, today=timezone.localdate(), own_code=code, variant=variant, count=count)
    result = validate(spec, "clean.xlsx", data, user)
    assert result.ok and len(result.to_add) == count, result.errors[:5]
    apply(spec, result, user, source="test")
    return list(spec.model._default_manager.exclude(pk__in=before).order_by("pk"))


def good_base(spec, user) -> tuple[str, str]:
    """(单位代码, variant) with which the corpus's clean file of a kind validates for `user`: the
    uploader's own code or a school below it, template examples or made-up values, optional text
    filled or left blank (it may name a record the uploader lacks, such as a linked plan)."""
    from emergency.imports import validate

    from .make_bad_uploads import VARIANTS, clean_file

    codes = (user.organization.code, "SA1")
    seat_the_people_named(spec, [Organization.objects.get(code=c) for c in codes])
    errors = []
    for code in codes:
        for variant in VARIANTS:
            data = clean_file(spec, today=timezone.localdate(), own_code=code, variant=variant)
            result = validate(spec, "clean.xlsx", data, user)
            if result.ok and len(result.to_add) == 3:
                return code, variant
            errors.append(f"{code}/{variant}: {result.errors[:3]}")
    raise AssertionError(f"no clean file of kind {spec.kind} validates, so its corpus would prove nothing: {errors}")


def seat_the_people_named(spec, orgs) -> None:
    """A kind may require that a person named in a text column sits in the organisation's
    leadership group (带班领导 must be a member on the day). Seat everyone the clean rows name there,
    members since long before any row's date, so such a column validates like any other."""
    from .make_bad_uploads import VARIANTS, Base

    names = set()
    for variant in VARIANTS:
        base = Base(spec, own_code="", today=timezone.localdate(), variant=variant)
        names |= {base.value(c, 0) for c in spec.columns if isinstance(c, Text) and c.field not in spec.key}
    names = {n for n in names if isinstance(n, str) and 0 < len(n) <= 50}
    for org in orgs:
        group = LeadershipGroup.objects.filter(organization=org).first() or LeadershipGroup.objects.create(
            organization=org, name=f"{org.name}应急管理工作领导小组", established_on=datetime.date(2000, 1, 1)
        )
        have = set(group.members.values_list("name", flat=True))
        for name in sorted(names - have):
            LeadershipMember.objects.create(
                group=group, name=name, title="副校长", group_role="member", joined_on=datetime.date(2000, 1, 1)
            )
