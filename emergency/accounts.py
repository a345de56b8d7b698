"""Accounts as records (用户管理): who may manage whom, first passwords handed out once, the `users`
import kind and one school officer per school of a district.

The rule is `User.grantable_roles` and `User.objects.visible_to(manager)` (models.py): a manager
sees, edits and imports only accounts in their subtree holding a role they may give. The form,
the import and the views all go through it.

A first password is shown once, on the page that answers the action, and can be downloaded once
as a sheet. Between the two it is kept only encrypted: the sheet's rows go into the cache (Redis)
sealed by a Fernet key made for that batch, and the key is not kept on the server at all but
written into the answering page's download form. The cache alone opens nothing, the page alone
holds nothing to open; the download deletes the sealed rows, and the cache drops them after
FIRST_PASSWORDS_TTL seconds if nobody downloads them. The database keeps only the hash."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .excel import SheetSpec, workbook_bytes
from .generic import OrganizationCodeField, RecordForm
from .imports import CellError, Choice, Column, ImportContext, ImportSpec, Org, Row, Text, insert_rows, update_rows
from .models import Organization, OrganizationKind, Role, User

# Letters and digits that cannot be mistaken for one another when read off a printed sheet.
PASSWORD_CHARACTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet)
PASSWORD_LENGTH = 12
FIRST_PASSWORDS_TTL = 30 * 60


def first_password() -> str:
    return get_random_string(PASSWORD_LENGTH, PASSWORD_CHARACTERS)


@dataclass(frozen=True)
class FirstPassword:
    """One line of the sheet handed out: whose account, and the password to sign in with once."""

    username: str
    name: str
    unit_code: str
    unit_name: str
    role: str
    password: str


def issue_first_passwords(users: Iterable[User]) -> list[FirstPassword]:
    """Give each account a new generated password that must be changed at the next login."""
    issued = []
    for user in users:
        password = first_password()
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        issued.append(first_password_line(user, password))
    return issued


def first_password_line(user: User, password: str) -> FirstPassword:
    org = user.organization
    return FirstPassword(
        user.username,
        user.get_full_name(),
        org.code if org else "",
        org.name if org else "",
        user.get_role_display(),
        password,
    )


def seal(manager: User, lines: list[FirstPassword]) -> str:
    """Keep the lines encrypted in the cache for one download; returns the token that opens them."""
    key = Fernet.generate_key().decode()
    ident = secrets.token_urlsafe(16)
    payload = json.dumps([line.__dict__ for line in lines]).encode()
    cache.set(_cache_key(manager, ident), Fernet(key).encrypt(payload), FIRST_PASSWORDS_TTL)
    return f"{ident}.{key}"


def unseal(manager: User, token: str) -> list[FirstPassword] | None:
    """The lines behind a token, once: they are deleted as they are read. None: gone or not ours."""
    ident, _dot, key = token.partition(".")
    name = _cache_key(manager, ident)
    sealed = cache.get(name)
    if sealed is None:
        return None
    cache.delete(name)
    try:
        payload = Fernet(key.encode()).decrypt(sealed)
    except (InvalidToken, ValueError):
        return None
    return [FirstPassword(**line) for line in json.loads(payload)]


def _cache_key(manager: User, ident: str) -> str:
    # Under the manager's id: another user holding the token still finds nothing.
    return f"first-passwords:{manager.pk}:{ident}"


def first_password_sheet(lines: list[FirstPassword]) -> bytes:
    return workbook_bytes(
        [
            SheetSpec(
                "初始密码",
                ["用户名", "姓名", "单位代码", "单位名称", "角色", "初始密码"],
                ([x.username, x.name, x.unit_code, x.unit_name, x.role, x.password] for x in lines),
            )
        ]
    )


# ---- the form ---------------------------------------------------------------------------------


class UserForm(RecordForm):
    """An account as a manager adds or changes it: roles offered are those the manager may give."""

    organization = OrganizationCodeField(label=_lazy("单位代码"), help_text=_lazy("留空表示本单位"), required=False)

    class Meta:
        model = User
        fields = ["username", "first_name", "organization", "role", "phone", "email"]
        labels = {"first_name": _lazy("姓名")}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["first_name"].required = True
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in user.grantable_roles]
        self.first_password: str | None = None
        if self.instance.pk == user.pk:
            # One's own role and unit are decided by whoever manages one, never by oneself.
            self.fields["role"].disabled = self.fields["organization"].disabled = True

    def clean_organization(self):
        if self.instance.pk == self.user.pk:
            return self.instance.organization
        return super().clean_organization()

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.pk is None:
            self.first_password = first_password()
            user.set_password(self.first_password)
            user.must_change_password = True
        if commit:
            user.save()
        return user


# ---- one school officer per school ------------------------------------------------------------


def school_officer_username(school: Organization) -> str:
    """A school's officer signs in with the school's 单位代码: predictable, unique, on every list."""
    return school.code


@transaction.atomic
def create_school_accounts(manager: User, district: Organization) -> tuple[list[FirstPassword], list[str]]:
    """A school officer for every school directly under the district that has none; returns the
    first passwords and, for schools skipped, why (their username is taken by another account)."""
    schools = Organization.objects.visible_to(manager).filter(parent=district, kind=OrganizationKind.SCHOOL)
    staffed = set(
        User.objects.filter(organization__in=schools, role=Role.SCHOOL_OFFICER).values_list(
            "organization_id", flat=True
        )
    )
    wanted = [s for s in schools.order_by("code") if s.pk not in staffed]
    taken = set(
        User.objects.filter(username__in=[school_officer_username(s) for s in wanted]).values_list(
            "username", flat=True
        )
    )
    skipped, new = [], []
    for school in wanted:
        username = school_officer_username(school)
        if username in taken:
            skipped.append(_("%(s)s：用户名“%(u)s”已被其他账号使用") % {"s": school.name, "u": username})
            continue
        new.append(
            User(
                username=username,
                first_name=f"{school.name}填报员",  # data, not the page's language
                organization=school,
                role=Role.SCHOOL_OFFICER,
                must_change_password=True,
            )
        )
    lines = []
    for user in new:
        password = first_password()
        user.set_password(password)
        lines.append(first_password_line(user, password))
    User.objects.bulk_create(new)
    return lines, skipped


# ---- the `users` import kind ------------------------------------------------------------------

# The role column takes bureau staff's other common name (局机关工作人员) as well as the one the pages show.
ROLE_ALIASES = {"局机关工作人员": Role.STAFF}


class UserImport(ImportSpec):
    """用户: accounts by username. New accounts have no usable password until a manager issues
    first passwords on the 用户管理 page; an account the importer may not manage is a row error."""

    kind = "users"
    label = "用户"
    model = User
    key = ("username",)
    audit_fields = ()
    columns = [
        Text(
            "用户名",
            "username",
            required=True,
            max_length=150,
            help="字母、数字和 @ . + - _，最长150位",
            example="zhang_san",
        ),
        Text("姓名", "first_name", required=True, max_length=150, example="张三"),
        Org("单位代码", "organization", required=True, help="账号所属单位的单位代码", example="S0001"),
        Choice("角色", "role", Role.choices, required=True, example="学校填报员"),
        Text("手机号", "phone", max_length=20, example="13800000000"),
        Text("邮箱", "email", max_length=254, example="zhangsan@example.cn"),
    ]
    instructions = (
        "用户名相同的行视为同一账号：已有账号按本文件更新姓名、单位、角色、手机号和邮箱。",
        "只能导入您管辖范围内单位的账号，角色不能高于您自己的角色（局机关工作人员即教育局工作人员）。",
        "新账号导入后没有可用密码：请在“用户管理”页面为其生成初始密码，下载后分发；首次登录须修改密码。",
    )

    def refusal(self, user) -> str | None:
        return None if user is None else User.objects.write_refusal(user)

    def parse_cell(self, column: Column, raw: Any, ctx: ImportContext) -> Any:
        if column.field == "organization" and (raw is None or not str(raw).strip()):
            raise CellError(_("必须填写"))
        if column.field == "role" and isinstance(raw, str) and raw.strip() in ROLE_ALIASES:
            raw = Role(ROLE_ALIASES[raw.strip()]).label
        value = super().parse_cell(column, raw, ctx)
        if column.field == "username":
            try:
                User.username_validator(value)
            except forms.ValidationError:
                raise CellError(_("只能包含字母、数字和 @ . + - _")) from None
        if column.field == "role" and ctx.user is not None and value not in ctx.user.grantable_roles:
            raise CellError(_("您不能授予“%(r)s”角色") % {"r": Role(value).label})
        if column.field == "email" and value:
            try:
                forms.EmailField().clean(value)
            except forms.ValidationError:
                raise CellError(_("“%(v)s”不是有效的邮箱地址") % {"v": value}) from None
        return value

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        names = [r.values["username"] for r in rows]
        stored = {u.username: u for u in User.objects.filter(username__in=names).select_related("organization")}
        managed = stored
        if ctx.user is not None:
            ids = set(
                User.objects.visible_to(ctx.user)
                .filter(pk__in=[u.pk for u in stored.values()])
                .values_list("pk", flat=True)
            )
            managed = {name: u for name, u in stored.items() if u.pk in ids}
        ctx.state["existing"] = managed
        errors = []
        for row in rows:
            name = row.values["username"]
            if name in stored and name not in managed:
                errors.append(
                    f"第{row.number}行 用户名: " + _("“%(u)s”已被您管辖范围以外或角色高于您的账号使用") % {"u": name}
                )
            elif ctx.user is not None and name == ctx.user.username:
                errors.append(f"第{row.number}行 用户名: " + _("不能通过导入修改自己的账号"))
        return errors

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, User]:
        return {(name,): user for name, user in ctx.state["existing"].items()}

    def export_sheet(self, queryset):
        return super().export_sheet(queryset.order_by("username"))

    def write(self, validation, user) -> None:
        # No usable password yet (a random unusable hash each): first passwords are issued on the page.
        insert_rows(
            User,
            [
                {**self.prepare(row.values), "password": make_password(None), "must_change_password": True}
                for row in validation.to_add
            ],
        )
        changed, fields = [], set()
        for row in validation.to_update:
            for name, value in self.prepare(row.values).items():
                setattr(row.instance, name, value)
            changed.append(row.instance)
            fields.update(row.changed)
        update_rows(User, changed, sorted(fields))
