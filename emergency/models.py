"""The core: the organisation tree, users and roles, the shared record base, the leadership
group, documents, attachments and import jobs. Nothing here knows about any area app."""

from __future__ import annotations

import datetime
import posixpath
import uuid

import pghistory
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy


def track_history(model: type[models.Model] | None = None, *, exclude: tuple[str, ...] = ()):
    """Keep every insert, update and delete of a model in its event table, by database trigger, so
    bulk writes and QuerySet.update() are kept too. Trackers are made anew for every model: they
    bind to the model they track. Fields in `exclude` are neither copied nor make an event.

    The triggers are statement-level: one insert into the event table per statement, from the
    statement's transition table, where a row-level trigger ran its function (and two exception
    blocks in it) once per row, which made large imports slow."""

    def track(model: type[models.Model]) -> type[models.Model]:
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            level=pghistory.Statement,
            exclude=list(exclude) or None,
        )(model)

    return track(model) if model is not None else track


# The work a leader is refused, as the one message of that reason names it (read_only_refusal); a
# model names its own in `written_as` (a summary is compiled, an import imported).
CHANGE_RECORDS = pgettext_lazy("refused", "修改记录")


def read_only_refusal(user, work=CHANGE_RECORDS) -> str | None:
    """Leaders read only: why `user` may do no `work` at all (None: they may write). The one
    message of this reason, naming the work refused."""
    if user.is_authenticated and user.can_write:
        return None
    return _("局领导账号只能查看，不能%(work)s") % {"work": work}


class WriteRule:
    """The one door for writing, beside `visible_to` for reading, on every queryset a page writes
    through. `write_refusal(user, record)` says why `user` may not write (None: they may): any
    record of the model (`record` None: a page before it has looked one up, a list's buttons), a
    new one (unsaved), or that one (saved: change or delete it); `editable_by(user)` holds the
    records they may change. Views, forms, buttons and menus all ask it; a model's queryset
    overrides it to add its own reasons, each with its one message."""

    def editable_by(self, user):
        return self.visible_to(user) if user.is_authenticated and user.can_write else self.none()

    def write_refusal(self, user, record=None) -> str | None:
        if reason := read_only_refusal(user, getattr(self.model, "written_as", CHANGE_RECORDS)):
            return reason
        if record is not None and record.pk is not None and (refusal := getattr(record, "change_refusal", None)):
            return refusal()
        return None


class OrganizationKind(models.TextChoices):
    CITY = "city", _lazy("市教育局")
    DISTRICT = "district", _lazy("区县教育局")
    SCHOOL = "school", _lazy("学校")


class Stage(models.TextChoices):
    """学段: drill requirements differ between kindergartens and primary/secondary schools."""

    KINDERGARTEN = "kindergarten", _lazy("幼儿园")
    PRIMARY = "primary", _lazy("小学")
    JUNIOR = "junior", _lazy("初中")
    SENIOR = "senior", _lazy("高中")
    NINE_YEAR = "nine_year", _lazy("九年一贯制")
    COMPLETE = "complete", _lazy("完全中学")
    VOCATIONAL = "vocational", _lazy("中等职业学校")
    SPECIAL = "special", _lazy("特殊教育学校")


class OrganizationQuerySet(WriteRule, models.QuerySet):
    def visible_to(self, user) -> OrganizationQuerySet:
        """The organisations in the user's subtree: their own and everything below it."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.organization_id is None:
            return self.none()
        return self.filter(path__startswith=user.organization.path)

    def write_refusal(self, user, record=None) -> str | None:
        """Bureaus make organisations; a school officer keeps their own school's details."""
        if record is not None and record.pk is None and user.role == Role.SCHOOL_OFFICER:
            return _("学校填报员不能新建单位")
        return super().write_refusal(user, record)

    def subtree_of(self, org: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=org.path)


code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,32}$", _lazy("单位代码只能由字母、数字、下划线和短横线组成，最长32位")
)


@track_history
class Organization(models.Model):
    """A node of the education system's tree: 市教育局 → 区县教育局 → 学校.

    `path` is the chain of codes from the root ("/C01/D03/S0042/"), so a subtree is one indexed
    prefix query however deep or wide the tree grows."""

    code = models.CharField(_lazy("单位代码"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_lazy("单位名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_lazy("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_lazy("单位类型"), max_length=16, choices=OrganizationKind.choices)
    stage = models.CharField(_lazy("学段"), max_length=16, choices=Stage.choices, blank=True)
    address = models.CharField(_lazy("地址"), max_length=200, blank=True)
    contact = models.CharField(_lazy("联系人"), max_length=50, blank=True)
    phone = models.CharField(_lazy("联系电话"), max_length=50, blank=True)
    students = models.PositiveIntegerField(_lazy("在校学生数"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_lazy("教职工数"), null=True, blank=True)
    path = models.CharField(max_length=400, editable=False, db_index=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("单位")
        verbose_name_plural = pgettext_lazy("plural", "单位")
        ordering = ["path"]
        # Two indexes on the path: the pattern one serves the subtree's LIKE '/C/D01/%', the plain
        # one ORDER BY path, so a list sorted by unit reads its first page in index order instead
        # of sorting every record (a province's stock lines: millions).
        indexes = [
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="org_path_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moved or renamed: rewrite the prefix of every descendant in one statement.
                Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.path.count("/") - old_path.count("/")),
                )

    def get_absolute_url(self) -> str:
        return reverse("emergency:organization_detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位")})
        if self.kind == OrganizationKind.SCHOOL and self.parent_id is None:
            raise ValidationError({"parent": _("学校必须有上级单位")})

    def compute_path(self) -> str:
        return (self.parent.path if self.parent_id else "/") + self.code + "/"

    def subtree(self) -> OrganizationQuerySet:
        return Organization.objects.subtree_of(self)


# The tree's levels, from the root down.
KIND_LEVEL = {OrganizationKind.CITY: 0, OrganizationKind.DISTRICT: 1, OrganizationKind.SCHOOL: 2}


def placement_error(
    user, org: Organization | None, kind: str, parent_kind: str | None, parent_unchanged: bool
) -> str | None:
    """The one rule for an organisation's kind and place in the tree, for the form and the import.

    A unit never changes its own kind or parent: that is decided by the level above. Only an
    administrator (or the command line without a user) makes a root. A unit is never of a higher
    level than the unit above it (a 学区 may be a bureau under a bureau), nor lower than one below it."""
    operator = user is None or user.sees_everything
    if org is not None and not operator and org.pk == user.organization_id:
        if kind != org.kind:
            return _("不能修改本单位自己的单位类型")
        if not parent_unchanged:
            return _("不能调整本单位自己的上级单位")
        return None
    if parent_kind is None:
        if operator or (org is not None and org.parent_id is None and parent_unchanged):
            return None
        return _("只有系统管理员可以设置顶级单位")
    if parent_kind == OrganizationKind.SCHOOL:
        return _("学校不能作为上级单位")
    if KIND_LEVEL[kind] < KIND_LEVEL[parent_kind]:
        return _("“%(parent)s”之下不能设“%(kind)s”") % {
            "parent": OrganizationKind(parent_kind).label,
            "kind": OrganizationKind(kind).label,
        }
    if org is not None and org.pk and kind != org.kind:
        if kind == OrganizationKind.SCHOOL and org.children.exists():
            return _("有下级单位的单位不能改为学校")
        higher = [k for k, level in KIND_LEVEL.items() if level < KIND_LEVEL[kind]]
        if org.children.filter(kind__in=higher).exists():
            return _("下级单位中有更高级别的单位，不能改为“%(kind)s”") % {"kind": OrganizationKind(kind).label}
    return None


class Role(models.TextChoices):
    ADMIN = "admin", _lazy("系统管理员")
    STAFF = "staff", _lazy("教育局工作人员")
    SCHOOL_OFFICER = "school_officer", _lazy("学校填报员")
    LEADER = "leader", _lazy("局领导")


# Who may give which roles (the 用户管理 rule): an administrator any, bureau staff any but
# administrator, within their subtree; school officers and leaders manage nobody.
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: tuple(Role.values),
    Role.STAFF: (Role.STAFF, Role.SCHOOL_OFFICER, Role.LEADER),
}


NOT_A_MANAGER = _lazy("只有系统管理员和教育局工作人员可以管理账号")


class UserQuerySet(WriteRule, models.QuerySet):
    def visible_to(self, user) -> UserQuerySet:
        """The accounts a user manages: in their subtree and holding a role they may give."""
        if not user.is_authenticated or not user.grantable_roles:
            return self.none()
        if user.sees_everything:
            return self
        if user.organization_id is None:
            return self.none()
        return self.filter(
            organization__path__startswith=user.organization.path,
            role__in=user.grantable_roles,
            is_superuser=False,
        )

    def write_refusal(self, user, record=None) -> str | None:
        """Accounts are managed by whoever may give a role (administrators and bureau staff)."""
        if not user.grantable_roles:
            return str(NOT_A_MANAGER)
        return super().write_refusal(user, record)

    def awaiting_first_password(self) -> UserQuerySet:
        """Active accounts with no usable password yet: those an import created."""
        return self.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX, is_active=True)


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


# Passwords and logins change without being history: the hash is a secret, a login no change.
@track_history(exclude=("password", "last_login"))
class User(AbstractUser):
    """A person who signs in: belongs to one organisation, whose subtree is their scope."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_lazy("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_lazy("角色"), max_length=20, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField(_lazy("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _lazy("须修改密码"), default=False, help_text=_lazy("首次登录或密码被重置后，须先修改密码才能使用")
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _lazy("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def can_write(self) -> bool:
        """Leaders read; everyone else in scope may enter and correct records."""
        return self.is_authenticated and self.role != Role.LEADER

    @property
    def grantable_roles(self) -> tuple[str, ...]:
        """The roles this user may give to the accounts they manage; none: they manage nobody."""
        if not self.is_authenticated or not self.is_active:
            return ()
        if self.is_superuser:
            return GRANTABLE_ROLES[Role.ADMIN]
        return GRANTABLE_ROLES.get(self.role, ())

    def get_absolute_url(self) -> str:
        return reverse("emergency:user_detail", args=[self.pk])

    def in_scope(self, org: Organization | None) -> bool:
        if org is None:
            return False
        if self.sees_everything:
            return True
        return self.organization_id is not None and org.path.startswith(self.organization.path)


def url_name(model: type[models.Model], action: str) -> str:
    """The name of a model's record page (generic.record_urls makes them): `<app>:<model>_<action>`."""
    return f"{model._meta.app_label}:{model._meta.model_name}_{action}"


class RecordQuerySet(WriteRule, models.QuerySet):
    def visible_to(self, user) -> RecordQuerySet:
        """The only door to records: every view, export, chart and summary goes through it."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.organization_id is None:
            return self.none()
        return self.filter(organization__path__startswith=user.organization.path)

    def editable_by(self, user) -> RecordQuerySet:
        """Records the user may change or attach files to: their own subtree, even where a model's
        visible_to is wider (a campaign or schedule from above is read below, never changed)."""
        return RecordQuerySet.visible_to(self, user) if user.is_authenticated and user.can_write else self.none()

    def in_subtree(self, org: Organization) -> RecordQuerySet:
        return self.filter(organization__path__startswith=org.path)


class Record(models.Model):
    """The base of every record an organisation keeps: who owns it, who wrote it and when.

    Concrete records are decorated with `track_history`, so every insert, update and delete,
    by form, import or job, lands in their event table with the acting user."""

    organization = models.ForeignKey(Organization, verbose_name=_lazy("单位"), on_delete=models.PROTECT, db_index=True)
    created_at = models.DateTimeField(_lazy("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_lazy("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(url_name(type(self), "detail"), args=[self.pk])

    def change_refusal(self) -> str | None:
        """Why this record is no longer changed by anyone, its files included (None: it may be)."""
        return None


@receiver(class_prepared)
def index_unit_unless_keyed_by_it(sender, **kwargs) -> None:
    """A record with a unique constraint over all its rows that begins with its unit needs no index
    on the unit alone: the constraint's index serves every lookup by unit, and finds a natural key
    whole where the unit's index found the unit's rows and filtered them. The second index only
    slowed writes (an import inserts thousands of rows at once)."""
    if not issubclass(sender, Record) or sender._meta.abstract:
        return
    keyed = (
        isinstance(c, models.UniqueConstraint) and c.condition is None and list(c.fields)[:1] == ["organization"]
        for c in sender._meta.constraints
    )
    if any(keyed):
        sender._meta.get_field("organization").db_index = False


class GroupRole(models.TextChoices):
    LEADER = "leader", _lazy("组长")
    DEPUTY = "deputy", _lazy("副组长")
    MEMBER = "member", _lazy("成员")


class DocumentKind(models.TextChoices):
    WORK_PLAN = "work_plan", _lazy("工作方案")
    RULES = "rules", _lazy("制度")
    ACTIVITY_PLAN = "activity_plan", _lazy("活动方案")
    NOTICE = "notice", _lazy("通知")
    RESPONSIBILITY = "responsibility", _lazy("责任表")
    OTHER = "other", _lazy("其他")


def upload_path(instance: models.Model, filename: str) -> str:
    # A random name: the original one is kept in the record and given back on download.
    ext = posixpath.splitext(filename)[1].lower()[:10]
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{uuid.uuid4().hex}{ext}"


@track_history
class Document(Record):
    """A written document an organisation issues: 工作方案, 制度, 活动方案 …"""

    title = models.CharField(_lazy("标题"), max_length=200)
    number = models.CharField(_lazy("文号"), max_length=100, blank=True)
    kind = models.CharField(_lazy("类别"), max_length=20, choices=DocumentKind.choices)
    issued_on = models.DateField(_lazy("印发日期"))
    file = models.FileField(_lazy("文件"), upload_to=upload_path, blank=True)
    original_name = models.CharField(_lazy("原文件名"), max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = _lazy("文件")
        verbose_name_plural = pgettext_lazy("plural", "文件")
        ordering = ["-issued_on", "title"]
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="document_title_per_org")]

    def __str__(self) -> str:
        return f"《{self.title}》"


@track_history
class LeadershipGroup(Record):
    """领导小组: the group an organisation sets up to lead its emergency work."""

    name = models.CharField(_lazy("名称"), max_length=100)
    established_on = models.DateField(_lazy("成立日期"))
    founding_document = models.ForeignKey(
        Document, verbose_name=_lazy("成立文件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    office_in_charge = models.CharField(_lazy("应急事项承办科室"), max_length=100, blank=True)
    daily_responsible = models.CharField(_lazy("日常工作负责人"), max_length=100, blank=True)

    class Meta:
        verbose_name = _lazy("领导小组")
        verbose_name_plural = pgettext_lazy("plural", "领导小组")
        constraints = [models.UniqueConstraint(fields=["organization"], name="one_group_per_org")]

    def __str__(self) -> str:
        return self.name

    def members_on(self, day: datetime.date) -> models.QuerySet:
        """The group as it stood on a day: joined by then and not yet left."""
        return self.members.filter(Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gt=day))


@track_history
class LeadershipMember(Record):
    """A member of a leadership group; leaving sets `left_on`, so the group's past stays readable."""

    group = models.ForeignKey(
        LeadershipGroup, verbose_name=_lazy("领导小组"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_lazy("姓名"), max_length=50)
    title = models.CharField(_lazy("职务"), max_length=100)
    group_role = models.CharField(_lazy("组内职务"), max_length=10, choices=GroupRole.choices)
    department = models.CharField(_lazy("科室"), max_length=100, blank=True)
    phone = models.CharField(_lazy("电话"), max_length=50, blank=True)
    duties = models.TextField(_lazy("职责分工"), blank=True)
    joined_on = models.DateField(_lazy("加入日期"))
    left_on = models.DateField(_lazy("离开日期"), null=True, blank=True)

    class Meta:
        verbose_name = _lazy("领导小组成员")
        verbose_name_plural = pgettext_lazy("plural", "领导小组成员")
        # 组长 first, then 副组长, then 成员: the order a group's notice lists them in.
        ordering = [
            "group",
            models.Case(models.When(group_role="leader", then=0), models.When(group_role="deputy", then=1), default=2),
            "joined_on",
            "name",
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_group_role_display()}）"

    def save(self, *args, **kwargs) -> None:
        self.organization_id = self.group.organization_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("离开日期不能早于加入日期")})


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _lazy("文档")
    PHOTO = "photo", _lazy("照片")
    BEFORE = "before", _lazy("整改前照片")
    AFTER = "after", _lazy("整改后照片")


@track_history
class Attachment(Record):
    """A file attached to any record (plan text, drill photos, hazard before/after photos).

    Served only through a scoped view; the owning record's organisation is copied here so the
    same `visible_to` rule applies."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        _lazy("类别"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.DOCUMENT
    )
    file = models.FileField(_lazy("文件"), upload_to=upload_path)
    original_name = models.CharField(_lazy("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_lazy("大小"))

    class Meta:
        verbose_name = _lazy("附件")
        verbose_name_plural = pgettext_lazy("plural", "附件")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class JobStatus(models.TextChoices):
    QUEUED = "queued", _lazy("排队中")
    RUNNING = "running", _lazy("处理中")
    READY = "ready", _lazy("待确认")
    DONE = "done", _lazy("已完成")
    FAILED = "failed", _lazy("失败")


class BackgroundJob(Record):
    """A job a Celery worker does for a user, whose state lives on its row so that none is left
    behind (emergency/jobs.py): sent to the broker or waiting for it (`sent_at`), claimed by one
    worker under a lease it keeps renewing (`lease_until`), and sent again by the sweeper when the
    broker lost it or the lease ran out because its worker died."""

    status = models.CharField(_lazy("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_lazy("进度"), default=0)
    attempts = models.PositiveSmallIntegerField(_lazy("尝试次数"), default=0)
    sent_at = models.DateTimeField(_lazy("发送时间"), null=True, blank=True)
    lease_until = models.DateTimeField(_lazy("租约到期"), null=True, blank=True)

    # The text field the job tells its user what went wrong in.
    message_field: str

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["status"],
                name="%(app_label)s_%(class)s_active",
                condition=Q(status__in=["queued", "running"]),
            )
        ]

    def task_name(self) -> str:
        """The Celery task that does the job's next step."""
        raise NotImplementedError

    @property
    def waiting_note(self) -> str:
        """What a queued job tells its user while it waits for a broker or a worker to come back."""
        if self.status != JobStatus.QUEUED:
            return ""
        if self.sent_at is None:
            return _("已排队，服务恢复后自动处理")
        return _("处理中断，正在重试") if self.attempts else ""


class ImportJob(BackgroundJob):
    """One Excel upload: its file, the validation result shown as a preview, and what was written.

    Large files are validated and written by Celery; the page polls this row for progress."""

    kind = models.CharField(_lazy("数据类型"), max_length=20)
    file = models.FileField(_lazy("文件"), upload_to=upload_path)
    original_name = models.CharField(_lazy("原文件名"), max_length=255)
    total_rows = models.PositiveIntegerField(_lazy("数据行数"), default=0)
    to_add = models.PositiveIntegerField(_lazy("新增"), default=0)
    to_update = models.PositiveIntegerField(_lazy("更新"), default=0)
    unchanged = models.PositiveIntegerField(_lazy("无变化"), default=0)
    errors = models.JSONField(_lazy("错误"), default=list)
    preview = models.JSONField(_lazy("预览"), default=dict)
    message = models.TextField(_lazy("说明"), blank=True)
    confirmed_at = models.DateTimeField(_lazy("确认时间"), null=True, blank=True)
    applied_at = models.DateTimeField(_lazy("写入时间"), null=True, blank=True)

    message_field = "message"
    written_as = pgettext_lazy("refused", "导入")

    class Meta(BackgroundJob.Meta):
        verbose_name = _lazy("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("emergency:importjob_detail", args=[self.pk])

    def task_name(self) -> str:
        return "emergency.tasks.apply_import" if self.confirmed_at else "emergency.tasks.validate_import"

    @property
    def can_retry(self) -> bool:
        """A failure that was not the file's (the database or the disk went away) can be tried again."""
        return self.status == JobStatus.FAILED and not self.errors and self.applied_at is None


class SummaryRun(BackgroundJob):
    """One compilation of the annual summary for an organisation's subtree and a calendar year.

    The Celery job fills it in; the page polls it, so a reload or a restarted server finds it where
    it was. Once finalised, the narrative and the files are kept unchanged."""

    year = models.PositiveSmallIntegerField(_lazy("年度"))
    notice = models.CharField(_lazy("依据的通知"), max_length=200, blank=True)
    figures = models.JSONField(_lazy("指标"), default=list)
    checks = models.JSONField(_lazy("一致性检查"), default=list)  # compiler.consistency_checks: label, passed, detail
    narrative = models.TextField(_lazy("总结正文"), blank=True)
    workbook = models.FileField(_lazy("Excel 文件"), upload_to=upload_path, blank=True)
    document = models.FileField(_lazy("Word 文件"), upload_to=upload_path, blank=True)
    # The finalised Word file rendered by LibreOffice in a worker, where it is installed.
    pdf = models.FileField(_lazy("PDF 文件"), upload_to=upload_path, blank=True)
    with_outlook = models.BooleanField(
        _lazy("附存在问题和下一步工作打算"),
        default=True,
        help_text=_lazy("按年底仍未完成的事项起草结尾一节，定稿前可修改或删去"),
    )
    error = models.TextField(_lazy("错误"), blank=True)
    started_at = models.DateTimeField(_lazy("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_lazy("完成时间"), null=True, blank=True)
    finalized_at = models.DateTimeField(_lazy("定稿时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("定稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    message_field = "error"
    written_as = pgettext_lazy("refused", "编制总结")

    class Meta(BackgroundJob.Meta):
        verbose_name = _lazy("年度总结")
        verbose_name_plural = pgettext_lazy("plural", "年度总结")
        ordering = ["-created_at"]
        indexes = [*BackgroundJob.Meta.indexes, models.Index(fields=["organization", "year"])]

    def __str__(self) -> str:
        return _("%(o)s%(y)d年度应急管理工作总结") % {"o": self.organization.name, "y": self.year}

    def get_absolute_url(self) -> str:
        return reverse("emergency:summaryrun_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.finalized_at is not None

    def task_name(self) -> str:
        return "emergency.tasks.compile_summary"

    @property
    def failed_checks(self) -> list[dict]:
        return [check for check in self.checks if not check["passed"]]

    def figure_map(self) -> dict[str, dict]:
        return {f["key"]: f for f in self.figures}


class ChoiceSynonymQuerySet(WriteRule, models.QuerySet):
    def write_refusal(self, user, record=None) -> str | None:
        """The synonyms are one table for the whole deployment, kept by its administrators."""
        if not (user.is_authenticated and user.sees_everything):
            return _("只有系统管理员可以修改选项同义词")
        return super().write_refusal(user, record)

    def for_kind(self, kind: str) -> dict[str, dict[str, str]]:
        """An import kind's synonyms in one query, as the import reads them: field → {synonym: value}."""
        from .imports import normalize  # imports.py builds on these models

        found: dict[str, dict[str, str]] = {}
        for field, synonym, value in (
            self.filter(kind=kind).order_by("synonym").values_list("field", "synonym", "value")
        ):
            found.setdefault(field, {})[normalize(synonym)] = value
        return found


@track_history
class ChoiceSynonym(models.Model):
    """Another way of writing a choice in an Excel import (职高 for 中等职业学校): the abbreviations
    bureaus use, one table per import column, kept on the 规则设置 page."""

    kind = models.CharField(_lazy("导入类型"), max_length=20)
    field = models.CharField(_lazy("列"), max_length=50)
    synonym = models.CharField(_lazy("写法"), max_length=50)
    value = models.CharField(_lazy("对应的选项"), max_length=50)

    objects = ChoiceSynonymQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("选项同义词")
        verbose_name_plural = pgettext_lazy("plural", "选项同义词")
        constraints = [models.UniqueConstraint(fields=["kind", "field", "synonym"], name="choice_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.synonym} → {self.value}"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> MessageQuerySet:
        """A user's inbox is theirs alone: administrators do not read other people's messages."""
        return self.filter(recipient=user) if user.is_authenticated else self.none()

    def unread(self) -> MessageQuerySet:
        return self.filter(read_at__isnull=True)


class Message(models.Model):
    """One line of a user's inbox (站内消息): what is due, overdue or waiting for them, with a link
    to the records. Made once per recipient and `key` (what it reminds of, e.g. one hazard's
    deadline), however often the job that finds it runs; kept MESSAGE_KEEP_DAYS."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_lazy("收件人"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_lazy("类别"), max_length=40)
    text = models.CharField(_lazy("内容"), max_length=500)
    url = models.CharField(_lazy("链接"), max_length=500, blank=True)
    # The unit whose records the message is about: always inside the recipient's scope.
    organization = models.ForeignKey(
        Organization, verbose_name=_lazy("单位"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_lazy("提醒事项"), max_length=200)
    created_at = models.DateTimeField(_lazy("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_lazy("已读时间"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("站内消息")
        verbose_name_plural = pgettext_lazy("plural", "站内消息")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_message_per_reminder")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="inbox_newest_first"),
            models.Index(fields=["recipient"], name="inbox_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.text


class ChannelKind(models.TextChoices):
    EMAIL = "email", _lazy("电子邮件")
    DINGTALK = "dingtalk", _lazy("钉钉群机器人")
    WECOM = "wecom", _lazy("企业微信群机器人")


class ChannelQuerySet(RecordQuerySet):
    """A unit's channels are seen and configured like its records: by its staff and those above it
    (a district's office often sets up its schools' robots), every unit's by an administrator."""


class Channel(models.Model):
    """Where a unit's messages also go besides its people's inboxes: a group robot (钉钉, 企业微信)
    or a shared mailbox, configured by the unit's staff. The address of a robot holds its key and
    `secret` its signing secret: neither is shown again after saving, nor kept in any history."""

    organization = models.ForeignKey(
        Organization, verbose_name=_lazy("单位"), on_delete=models.CASCADE, related_name="channels"
    )
    kind = models.CharField(_lazy("渠道"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_lazy("名称"), max_length=100, help_text=_lazy("例如：区教育局应急管理工作群"))
    address = models.CharField(
        _lazy("地址"),
        max_length=500,
        help_text=_lazy("机器人的 Webhook 地址（含 access_token 或 key），或电子邮箱地址"),
    )
    secret = models.CharField(
        _lazy("加签密钥"), max_length=200, blank=True, help_text=_lazy("钉钉机器人“加签”安全设置的密钥")
    )
    is_active = models.BooleanField(_lazy("启用此渠道"), default=True)
    last_sent_at = models.DateTimeField(_lazy("最近发送成功"), null=True, blank=True)
    last_error = models.CharField(_lazy("最近一次失败原因"), max_length=300, blank=True)

    objects = ChannelQuerySet.as_manager()
    written_as = pgettext_lazy("refused", "配置消息渠道")

    class Meta:
        verbose_name = _lazy("消息渠道")
        verbose_name_plural = pgettext_lazy("plural", "消息渠道")
        ordering = ["organization__path", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("emergency:channel_list")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _lazy("待发送")
    SENDING = "sending", _lazy("发送中")
    SENT = "sent", _lazy("已发送")
    FAILED = "failed", _lazy("发送失败")


class Delivery(models.Model):
    """One message on its way out of the site: to a unit's channel, or to a person's own e-mail.
    Rows first, sent by a worker under a lease (a worker that dies mid-send leaves it to be sent
    again once the lease runs out), at most once per channel or person and reminder."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=200)
    text = models.TextField()  # a digest holds a day's messages
    url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(auto_now_add=True)  # when it may next be tried
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="one_post_per_channel_and_reminder"),
            models.UniqueConstraint(fields=["recipient", "key"], name="one_mail_per_person_and_reminder"),
            models.CheckConstraint(
                condition=Q(channel__isnull=False) ^ Q(recipient__isnull=False), name="delivery_has_one_target"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="delivery_to_send", condition=Q(status__in=["pending", "sending"]))
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.channel or self.recipient}"


class EmailChoice(models.TextChoices):
    EACH = "each", _lazy("每条消息发一封")
    DIGEST = "digest", _lazy("每天汇总成一封")
    NONE = "none", _lazy("不发邮件")


class MessagePreference(models.Model):
    """How a person wants their messages by e-mail: each, a daily digest, or none, and the kinds
    they do not want mailed at all. The inbox always has everything."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference")
    email = models.CharField(_lazy("邮件提醒"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.EACH)
    muted = ArrayField(
        models.CharField(max_length=40), verbose_name=_lazy("不发邮件的消息类别"), default=list, blank=True
    )

    class Meta:
        verbose_name = _lazy("消息设置")
        verbose_name_plural = pgettext_lazy("plural", "消息设置")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"

    def mails(self, kind: str) -> bool:
        return self.email == EmailChoice.EACH and kind not in self.muted
