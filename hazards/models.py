"""排查行动 and 隐患: the inspection campaigns a bureau or school runs, and the hazards they find,
carried through the closed loop 发现 → 登记 → 限期整改 → 复查验收 → 销号.

A hazard moves only through its actions (`Hazard.act`): the school starts and submits the
rectification, a level above re-inspects and closes it or returns it; every step is kept as a
HazardTransition. Overdue (逾期) is derived from the deadline; the daily job only marks it and
sends the reminder once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from emergency.models import (
    Organization,
    OrganizationKind,
    Record,
    RecordQuerySet,
    Role,
    read_only_refusal,
    track_history,
)

from .choices import CampaignKind, HazardAction, HazardCategory, HazardLevel, HazardStatus, NoticeKind


class FocusPeriod(models.Model):
    """A sensitive period inspections concentrate on (春节, 两会, 五一 …): a list kept in the admin."""

    name = models.CharField(_lazy("名称"), max_length=30, unique=True)
    # How the annual summary writes it, e.g. “五·一” for 五一, as the seed does.
    narrative_name = models.CharField(_lazy("总结中的写法"), max_length=30, blank=True)
    sort_order = models.PositiveSmallIntegerField(_lazy("排序"), default=0)
    active = models.BooleanField(_lazy("可选"), default=True)

    class Meta:
        verbose_name = _lazy("重点时段")
        verbose_name_plural = pgettext_lazy("plural", "重点时段")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def in_narrative(self) -> str:
        return self.narrative_name or self.name


class Department(models.Model):
    """A department that takes part in joint inspections (教育, 公安, 消防 …), kept in the admin."""

    name = models.CharField(_lazy("名称"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_lazy("排序"), default=0)
    active = models.BooleanField(_lazy("可选"), default=True)

    class Meta:
        verbose_name = _lazy("检查部门")
        verbose_name_plural = pgettext_lazy("plural", "检查部门")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


def path_and_ancestors(org: Organization) -> list[str]:
    """The paths of an organisation and of every organisation above it: "/C/DA/SA1/" gives
    ["/C/", "/C/DA/", "/C/DA/SA1/"]. A path is the prefix of another exactly when it is in this list."""
    codes = org.path.strip("/").split("/")
    return ["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes) + 1)]


class InspectionCampaignQuerySet(RecordQuerySet):
    def visible_to(self, user) -> InspectionCampaignQuerySet:
        """Campaigns organised in the user's subtree, and those organised above it that cover the
        user's organisation (a school sees the bureau's self-inspection round it must report to)."""
        if not user.is_authenticated or user.sees_everything or user.organization_id is None:
            return super().visible_to(user)
        return self.filter(Q(organization__path__startswith=user.organization.path) | self._covering(user.organization))

    def write_refusal(self, user, record=None) -> str | None:
        """A campaign organised above the user is read by them, changed only by its organiser."""
        if reason := super().write_refusal(user, record):
            return reason
        if record is not None and record.pk is not None and not self.editable_by(user).filter(pk=record.pk).exists():
            return _("只有组织单位可以修改或删除排查行动")
        return None

    def covering(self, org: Organization) -> InspectionCampaignQuerySet:
        """Campaigns an organisation takes part in: its own, or organised above it with it in scope."""
        return self.filter(self._covering(org))

    def _covering(self, org: Organization) -> Q:
        paths = path_and_ancestors(org)
        chosen = InspectionCampaign.scope.through.objects.filter(inspectioncampaign_id=OuterRef("pk"))
        return Q(organization__path__in=paths) & (~Exists(chosen) | Exists(chosen.filter(organization__path__in=paths)))

    def for_list(self, user) -> InspectionCampaignQuerySet:
        """With the hazards found, counted only where the user may look: a school sees its own
        count on the city's campaign, never the other schools'."""
        counted = Q()
        if not user.sees_everything:
            counted = Q(hazards__organization__path__startswith=user.organization.path)
        return self.select_related("organization", "focus_period").annotate(
            hazard_count=Count("hazards", filter=counted)
        )


@track_history
class InspectionCampaign(Record):
    """排查行动: a round of inspection an organisation organises for its subtree (or a chosen part of
    it): a self-inspection (自查) at a sensitive period, a special inspection (专项检查), or a joint
    inspection (联合检查) by several departments, each of which signs off."""

    title = models.CharField(_lazy("名称"), max_length=200)
    kind = models.CharField(_lazy("类型"), max_length=10, choices=CampaignKind.choices)
    focus_period = models.ForeignKey(
        FocusPeriod, verbose_name=_lazy("重点时段"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_lazy("开始日期"))
    end_date = models.DateField(_lazy("结束日期"), null=True, blank=True)
    lead = models.CharField(
        _lazy("牵头单位"), max_length=100, blank=True, help_text=_lazy("如联合检查由市政府牵头组织；留空为组织单位")
    )
    content = models.TextField(_lazy("检查内容"), blank=True)
    scope = models.ManyToManyField(
        Organization,
        verbose_name=_lazy("范围单位"),
        blank=True,
        related_name="+",
        help_text=_lazy("留空为组织单位的全部下级单位；选定的单位包括其下级单位"),
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_lazy("参加部门"), through="CampaignDepartment", blank=True, related_name="+"
    )

    objects = InspectionCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("排查行动")
        verbose_name_plural = pgettext_lazy("plural", "排查行动")
        ordering = ["-start_date", "title"]
        indexes = [models.Index(fields=["start_date"], name="campaign_start_date")]
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="campaign_title_per_organiser")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期")})

    def scope_paths(self) -> list[str]:
        return [o.path for o in self.scope.all()] or [self.organization.path]

    def covers(self, org: Organization) -> bool:
        return any(org.path.startswith(p) for p in self.scope_paths()) and org.path.startswith(self.organization.path)

    def units_in_scope(self) -> models.QuerySet:
        """The schools this campaign asks to inspect and report."""
        condition = Q()
        for path in self.scope_paths():
            condition |= Q(path__startswith=path)
        return Organization.objects.filter(condition, kind=OrganizationKind.SCHOOL)


@track_history
class CampaignDepartment(models.Model):
    """A department's part in a joint inspection and its sign-off (会签): who signed and when."""

    campaign = models.ForeignKey(
        InspectionCampaign, verbose_name=_lazy("排查行动"), on_delete=models.CASCADE, related_name="signoffs"
    )
    department = models.ForeignKey(
        Department, verbose_name=_lazy("部门"), on_delete=models.PROTECT, related_name="signoffs"
    )
    signed_by = models.CharField(_lazy("签字人"), max_length=50, blank=True)
    signed_on = models.DateField(_lazy("签字日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _lazy("部门会签")
        verbose_name_plural = pgettext_lazy("plural", "部门会签")
        ordering = ["department__sort_order", "department__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "department"], name="one_signoff_per_department")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.department}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


@track_history
class CampaignReport(Record):
    """A unit's report that it carried out a campaign's inspection, so a school that found nothing
    still counts as having reported."""

    campaign = models.ForeignKey(
        InspectionCampaign, verbose_name=_lazy("排查行动"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_lazy("上报日期"))
    inspected_by = models.CharField(_lazy("检查人员"), max_length=100, blank=True)
    note = models.TextField(_lazy("排查情况"), blank=True)

    class Meta:
        verbose_name = _lazy("排查上报")
        verbose_name_plural = pgettext_lazy("plural", "排查上报")
        ordering = ["-reported_on"]
        indexes = [models.Index(fields=["reported_on"], name="campaign_report_date")]
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="one_report_per_unit")]

    def __str__(self) -> str:
        return f"{self.organization}：{self.campaign}"

    def get_absolute_url(self) -> str:
        return self.campaign.get_absolute_url()


# ---- the closed loop ---------------------------------------------------------------------------


class TransitionRefused(Exception):
    """An action that is not allowed now or not to this user; the message says why, in Chinese."""


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[str, ...]
    target: str
    by: str  # "owner": the hazard's own organisation; "reviewer": a level above it


STEPS = {
    HazardAction.START: Step(HazardAction.START, (HazardStatus.PENDING,), HazardStatus.RECTIFYING, "owner"),
    HazardAction.SUBMIT: Step(HazardAction.SUBMIT, (HazardStatus.RECTIFYING,), HazardStatus.REVIEW, "owner"),
    HazardAction.CLOSE: Step(HazardAction.CLOSE, (HazardStatus.REVIEW,), HazardStatus.CLOSED, "reviewer"),
    HazardAction.RETURN: Step(HazardAction.RETURN, (HazardStatus.REVIEW,), HazardStatus.RECTIFYING, "reviewer"),
}


# The work of the closed loop (its steps, supervision, acknowledgement), as a leader is refused it.
RECTIFICATION = pgettext_lazy("refused", "办理隐患整改")


def rectification_refusal(user) -> str | None:
    """Leaders read only: the loop's rule before each step's own (`Hazard.refusal`)."""
    return read_only_refusal(user, RECTIFICATION)


def is_owner_side(user, org: Organization) -> bool:
    """The school rectifies: its officer, or staff of the organisation that owns the hazard."""
    return (
        user.is_authenticated
        and user.role in (Role.SCHOOL_OFFICER, Role.STAFF)
        and user.organization_id is not None
        and user.organization_id == org.pk
    )


def follows_units_below(user, org: Organization) -> bool:
    """A bureau's staff, leaders and administrators follow what its units below have open; a
    school officer follows their own school."""
    return user.role != Role.SCHOOL_OFFICER and org.kind != OrganizationKind.SCHOOL


def is_reviewer(user, org: Organization) -> bool:
    """District or city staff above the hazard's organisation re-inspect it. Nobody is above the
    top of the tree, so its own staff review its own hazards (never the one who submitted)."""
    if not user.is_authenticated or user.role != Role.STAFF or user.organization_id is None:
        return False
    own = user.organization
    if org.pk == own.pk:
        return org.parent_id is None
    return org.path.startswith(own.path)


def local_today() -> datetime.date:
    return timezone.localdate()


def open_on(day: datetime.date) -> Q:
    """Found by the end of `day` and not closed by then."""
    return Q(found_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def overdue_on(day: datetime.date) -> Q:
    """Open at the end of `day` and past its deadline (a deadline of `day` itself is not late yet,
    as Hazard.is_overdue has it)."""
    return open_on(day) & Q(deadline__lt=day)


def closed_in(year: int) -> Q:
    return Q(closed_on__gte=datetime.date(year, 1, 1), closed_on__lt=datetime.date(year + 1, 1, 1))


class HazardQuerySet(RecordQuerySet):
    def for_list(self) -> HazardQuerySet:
        return self.select_related("organization", "campaign")

    def still_open(self) -> HazardQuerySet:
        return self.exclude(status=HazardStatus.CLOSED)

    def overdue(self, today: datetime.date | None = None) -> HazardQuerySet:
        """Not yet closed and past the deadline (整改期限) as of `today`."""
        return self.still_open().filter(deadline__lt=today or local_today())


@track_history
class Hazard(Record):
    """隐患: a hazard an organisation found, with its rectification and where it stands in the loop
    待整改 → 整改中 → 待复查 → 已销号 (退回整改 sends it from 待复查 back to 整改中).

    `status` changes only through `act()`; 逾期 is derived from `deadline` (`is_overdue`); the
    daily job sets `overdue_since` once, which is what its reminder is keyed on."""

    campaign = models.ForeignKey(
        InspectionCampaign,
        verbose_name=_lazy("排查行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    # A drill that brought the hazard to light (突发事件应对法 Art. 28: drills find what to fix).
    drill = models.ForeignKey(
        "drills.Drill",
        verbose_name=_lazy("发现于演练"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    found_on = models.DateField(_lazy("发现日期"))
    category = models.CharField(_lazy("隐患类别"), max_length=16, choices=HazardCategory.choices)
    level = models.CharField(_lazy("隐患等级"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    description = models.CharField(_lazy("隐患描述"), max_length=500)
    location = models.CharField(_lazy("隐患位置"), max_length=200, blank=True)
    responsible = models.CharField(_lazy("整改责任人"), max_length=50, blank=True)
    measures = models.TextField(_lazy("整改措施"), blank=True)
    deadline = models.DateField(_lazy("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_lazy("整改完成日期"), null=True, blank=True)
    status = models.CharField(
        _lazy("状态"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.PENDING, editable=False
    )
    closed_on = models.DateField(_lazy("销号日期"), null=True, blank=True, editable=False)
    overdue_since = models.DateField(_lazy("逾期起始日期"), null=True, blank=True, editable=False)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("隐患")
        verbose_name_plural = pgettext_lazy("plural", "隐患")
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["found_on", "id"], name="hazard_found_on"),  # lists: newest first, ties by id
            models.Index(fields=["closed_on"], name="hazard_closed_on"),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline"),
            # Lists of the hazards still open, newest first (督办): without it the scan walks back
            # through every recently closed hazard to fill a page.
            models.Index(
                fields=["-found_on", "-id"], condition=~Q(status=HazardStatus.CLOSED), name="hazard_open_found_on"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "found_on", "description"], name="hazard_natural_key"),
            models.CheckConstraint(
                condition=~Q(level=HazardLevel.MAJOR) | Q(deadline__isnull=False), name="major_hazard_has_deadline"
            ),
            models.CheckConstraint(
                condition=Q(status=HazardStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=HazardStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="closed_hazard_has_closed_on",
            ),
        ]

    def __str__(self) -> str:
        text = self.description
        return text if len(text) <= 40 else text[:39] + "…"

    def clean(self) -> None:
        errors = {}
        if self.level == HazardLevel.MAJOR and not self.deadline:
            errors["deadline"] = _("重大隐患必须规定整改期限")
        if self.deadline and self.found_on and self.deadline < self.found_on:
            errors["deadline"] = _("整改期限不能早于发现日期")
        if self.rectified_on and self.found_on and self.rectified_on < self.found_on:
            errors["rectified_on"] = _("整改完成日期不能早于发现日期")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.status == HazardStatus.CLOSED

    def change_refusal(self) -> str | None:
        # A closed (销号) hazard is the record of work done, its photos the evidence.
        return _("已销号的隐患不能修改或删除") if self.is_closed else None

    def is_overdue_on(self, day: datetime.date) -> bool:
        return not self.is_closed and self.deadline is not None and self.deadline < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(local_today())

    # ---- actions ---------------------------------------------------------------------------

    def refusal(self, action: str, user) -> str | None:
        """Why `user` may not take `action` now, or None when they may."""
        step = STEPS.get(action)
        if step is None:
            return _("未知的操作")
        if reason := rectification_refusal(user):
            return reason
        label = HazardAction(action).label
        if self.status not in step.sources:
            return _("隐患当前状态为“%(s)s”，不能“%(a)s”") % {"s": self.get_status_display(), "a": label}
        if step.by == "owner" and not is_owner_side(user, self.organization):
            return _("只有隐患所在单位（%(o)s）的填报员或工作人员可以“%(a)s”") % {"o": self.organization, "a": label}
        if step.by == "reviewer":
            if not is_reviewer(user, self.organization):
                return _("只有上级教育局的工作人员可以复查隐患并“%(a)s”") % {"a": label}
            if action == HazardAction.CLOSE:
                if self.level == HazardLevel.MAJOR and user.organization.kind != OrganizationKind.CITY:
                    return _("重大隐患须由市教育局复查销号")
                if self.submitted_by_id() == user.pk:
                    return _("提交整改的人不能自己复查销号，请由其他工作人员复查")
        return None

    def available_actions(self, user) -> list[str]:
        return [action for action in STEPS if self.refusal(action, user) is None]

    def submitted_by_id(self) -> int | None:
        """Who submitted the rectification now awaiting re-inspection."""
        return (
            self.transitions.filter(action=HazardAction.SUBMIT)
            .order_by("-at", "-id")
            .values_list("user_id", flat=True)
            .first()
        )

    def act(self, action: str, user, comment: str = "", **fields) -> HazardTransition:
        """Take one step of the loop, or refuse with TransitionRefused and change nothing.

        The row is locked first, so two people pressing buttons at once cannot both move it."""
        comment = (comment or "").strip()
        with transaction.atomic():
            current = Hazard.objects.select_for_update().select_related("organization").get(pk=self.pk)
            reason = current.refusal(action, user)
            if reason is None:
                reason = current._missing_for(action, comment, fields)
            if reason is not None:
                raise TransitionRefused(reason)
            step = STEPS[action]
            previous = current.status
            current.status = step.target
            update = ["status", "updated_by", "updated_at"]
            if action == HazardAction.SUBMIT:
                current.rectified_on = fields["rectified_on"]
                if fields.get("measures"):
                    current.measures = fields["measures"]
                update += ["rectified_on", "measures"]
            if action == HazardAction.CLOSE:
                current.closed_on = local_today()
                update.append("closed_on")
            if action == HazardAction.RETURN:
                current.rectified_on = None
                update.append("rectified_on")
            current.updated_by = user
            current.save(update_fields=update)
            transition = HazardTransition.objects.create(
                hazard=current, action=action, from_status=previous, to_status=step.target, user=user, comment=comment
            )
        for name in update:
            setattr(self, name, getattr(current, name))
        return transition

    def _missing_for(self, action: str, comment: str, fields: dict) -> str | None:
        if action == HazardAction.RETURN and not comment:
            return _("退回整改必须写明退回原因")
        if action == HazardAction.SUBMIT:
            done = fields.get("rectified_on")
            if done is None:
                return _("提交复查必须填写整改完成日期")
            if done > local_today():
                return _("整改完成日期不能晚于今天")
            if done < self.found_on:
                return _("整改完成日期不能早于发现日期")
            if not (fields.get("measures") or self.measures).strip():
                return _("提交复查必须填写整改措施")
        return None

    def start_rectification(self, user, comment: str = "") -> HazardTransition:
        return self.act(HazardAction.START, user, comment)

    def submit_for_review(self, user, rectified_on: datetime.date, measures: str = "", comment: str = ""):
        return self.act(HazardAction.SUBMIT, user, comment, rectified_on=rectified_on, measures=measures)

    def close(self, user, comment: str = "") -> HazardTransition:
        return self.act(HazardAction.CLOSE, user, comment)

    def return_for_rectification(self, user, reason: str) -> HazardTransition:
        return self.act(HazardAction.RETURN, user, reason)


class HazardTransition(models.Model):
    """One step of a hazard's loop, kept for good: from which state to which, by whom, when, why."""

    hazard = models.ForeignKey(Hazard, verbose_name=_lazy("隐患"), on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_lazy("操作"), max_length=10, choices=HazardAction.choices)
    from_status = models.CharField(_lazy("原状态"), max_length=12, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_lazy("新状态"), max_length=12, choices=HazardStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_lazy("时间"), default=timezone.now)
    comment = models.TextField(_lazy("意见"), blank=True)

    class Meta:
        verbose_name = _lazy("隐患办理记录")
        verbose_name_plural = pgettext_lazy("plural", "隐患办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_transition_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class HazardNoticeQuerySet(RecordQuerySet):
    def still_open(self) -> HazardNoticeQuerySet:
        """Not yet acknowledged by the organisation, about a hazard not yet closed."""
        return self.filter(acknowledged_at__isnull=True).exclude(hazard__status=HazardStatus.CLOSED)

    def for_list(self) -> HazardNoticeQuerySet:
        return self.select_related("organization", "hazard", "issuer")


@track_history
class HazardNotice(Record):
    """A notice to the organisation responsible for a hazard (`organization`): the daily job's
    overdue reminder (逾期提醒), or a supervision notice (督办通知) from a level above. It stays
    open on the organisation's home page until acknowledged or until the hazard is closed."""

    hazard = models.ForeignKey(Hazard, verbose_name=_lazy("隐患"), on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_lazy("类别"), max_length=12, choices=NoticeKind.choices)
    text = models.TextField(_lazy("内容"))
    issuer = models.ForeignKey(
        Organization, verbose_name=_lazy("督办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    respond_by = models.DateField(_lazy("办结期限"), null=True, blank=True)
    # The hazard's deadline a reminder was for: one reminder per deadline, however often the job runs.
    for_deadline = models.DateField(_lazy("对应整改期限"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_lazy("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("签收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.TextField(_lazy("回复"), blank=True)

    objects = HazardNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("督办与提醒")
        verbose_name_plural = pgettext_lazy("plural", "督办与提醒")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["acknowledged_at"], name="notice_acknowledged_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "for_deadline"],
                condition=Q(kind=NoticeKind.REMINDER),
                name="one_reminder_per_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.hazard}"

    def get_absolute_url(self) -> str:
        return self.hazard.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.hazard.status != HazardStatus.CLOSED
