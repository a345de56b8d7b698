"""Duty rosters (值班: 带班领导 + 双人双岗, 24-hour coverage), the duty log, swaps, the holiday
calendar, and incident reports (突发事件信息报送: 初报 → 续报 → 终报, timeliness).

A shift's 带班领导 is a member of the organisation's leadership group (emergency.LeadershipMember)
current on the shift's date; officers are staff who need not be users, so they are names."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Case, DateTimeField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Now
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from emergency.models import LeadershipGroup, LeadershipMember, Organization, Record, RecordQuerySet, track_history
from emergency.text import chinese_date

from . import conf
from .choices import (
    IncidentLevel,
    IncidentType,
    LogKind,
    ReportStage,
    ShiftKind,
    SwapPosition,
    Timeliness,
)


def local_text(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# ---- holidays ---------------------------------------------------------------------------------


@track_history
class Holiday(models.Model):
    """A day of the national holiday calendar (法定节假日), or a weekend made a working day (调休上班).

    Kept by an administrator; the roster builder marks or skips holidays."""

    date = models.DateField(_lazy("日期"), unique=True)
    name = models.CharField(_lazy("名称"), max_length=50)
    is_workday = models.BooleanField(
        _lazy("调休上班"), default=False, help_text=_lazy("勾选表示这天是调休上班的工作日")
    )

    class Meta:
        verbose_name = _lazy("节假日")
        verbose_name_plural = pgettext_lazy("plural", "节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{formats.date_format(self.date)} {self.name}"


# ---- leaders ----------------------------------------------------------------------------------


class LeaderResolver:
    """Finds the 带班领导 named on a row among the organisation's leadership group as it stood on
    the day (joined by then, not yet left), from members loaded once for many rows."""

    def __init__(self, members: Iterable[LeadershipMember]):
        self.by_org_name: dict[tuple[int, str], list[LeadershipMember]] = defaultdict(list)
        self.orgs_with_group: set[int] = set()
        for member in members:
            self.by_org_name[(member.organization_id, member.name)].append(member)

    @classmethod
    def for_rows(cls, orgs: Iterable[int], names: Iterable[str]) -> LeaderResolver:
        org_ids = set(orgs)
        resolver = cls(LeadershipMember.objects.filter(group__organization_id__in=org_ids, name__in=set(names)))
        resolver.orgs_with_group = set(
            LeadershipGroup.objects.filter(organization_id__in=org_ids).values_list("organization_id", flat=True)
        )
        return resolver

    def resolve(self, org_id: int, day: datetime.date, name: str) -> LeadershipMember:
        """The member, or ValidationError saying why nobody of that name may lead duty that day."""
        if org_id not in self.orgs_with_group:
            raise ValidationError(_("该单位尚未成立领导小组，带班领导须是领导小组成员"))
        members = self.by_org_name.get((org_id, name), [])
        if not members:
            raise ValidationError(_("“%(n)s”不是该单位领导小组成员") % {"n": name})
        current = [m for m in members if is_current(m, day)]
        if len(current) > 1:
            raise ValidationError(
                _("领导小组中有%(k)d位在任成员名为“%(n)s”，无法区分") % {"k": len(current), "n": name}
            )
        if not current:
            member = members[0]
            if member.joined_on > day:
                reason = _("于%(d)s才加入领导小组") % {"d": chinese_date(member.joined_on)}
            else:
                reason = _("已于%(d)s离开领导小组") % {"d": chinese_date(member.left_on)}
            raise ValidationError(
                _("“%(n)s”%(r)s，%(day)s不能担任带班领导") % {"n": name, "r": reason, "day": chinese_date(day)}
            )
        return current[0]


def is_current(member: LeadershipMember, day: datetime.date) -> bool:
    """The same rule as LeadershipGroup.members_on(day), on a member already loaded."""
    return member.joined_on <= day and (member.left_on is None or member.left_on > day)


def resolve_leader(org: Organization, day: datetime.date, name: str) -> LeadershipMember:
    return LeaderResolver.for_rows([org.pk], [name]).resolve(org.pk, day, name)


# ---- shifts -----------------------------------------------------------------------------------


class DutyShiftQuerySet(RecordQuerySet):
    def for_list(self) -> DutyShiftQuerySet:
        return self.select_related("organization", "leader")

    def in_period(self, first: datetime.date, last: datetime.date) -> DutyShiftQuerySet:
        """Shifts of the duty days first … last, and the shift of the day before (a night shift
        reaches into the first day)."""
        return self.filter(date__gte=first - datetime.timedelta(days=1), date__lte=last)


SHIFT_ORDER = Case(When(shift=ShiftKind.FULL, then=0), When(shift=ShiftKind.DAY, then=1), default=2)


@track_history
class DutyShift(Record):
    """值班: one shift of an organisation's roster, led by a member of its leadership group
    (带班领导) and kept by two different officers (双人双岗)."""

    date = models.DateField(_lazy("值班日期"))
    shift = models.CharField(_lazy("班次"), max_length=10, choices=ShiftKind.choices)
    leader = models.ForeignKey(
        LeadershipMember, verbose_name=_lazy("带班领导"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    officer_1 = models.CharField(_lazy("值班人员1"), max_length=50)
    officer_2 = models.CharField(_lazy("值班人员2"), max_length=50)
    phone = models.CharField(_lazy("联系电话"), max_length=50, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("值班班次")
        verbose_name_plural = pgettext_lazy("plural", "值班表")
        ordering = ["date", SHIFT_ORDER]
        indexes = [models.Index(fields=["date"], name="dutyshift_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date", "shift"],
                name="dutyshift_once_per_org_day",
                violation_error_message=_lazy("本单位该日期已有这个班次"),
            ),
            models.CheckConstraint(
                condition=~Q(officer_1=F("officer_2")),
                name="dutyshift_two_different_officers",
                violation_error_message=_lazy("双人双岗：两名值班人员必须是不同的人"),
            ),
        ]

    def __str__(self) -> str:
        return f"{formats.date_format(self.date)} {self.get_shift_display()}"

    @property
    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        return conf.shift_window(self.date, self.shift)

    @property
    def hours(self) -> str:
        start, end = self.window
        return f"{start:%H:%M}—{'次日' if end.date() > start.date() else ''}{end:%H:%M}"

    @property
    def leader_is_current(self) -> bool:
        """Whether the 带班领导 belongs to this organisation's group as it stood on the day; a
        leader who has since left (or moved) no longer counts for the shift."""
        return self.leader.organization_id == self.organization_id and is_current(self.leader, self.date)

    @property
    def is_covered(self) -> bool:
        """Led by a current member of the group and kept by two different officers."""
        officers = {self.officer_1.strip(), self.officer_2.strip()} - {""}
        return self.leader_is_current and len(officers) == 2

    def clean(self) -> None:
        self.officer_1, self.officer_2 = self.officer_1.strip(), self.officer_2.strip()
        errors = {}
        if self.officer_1 and self.officer_1 == self.officer_2:
            errors["officer_2"] = _("双人双岗：两名值班人员必须是不同的人")
        if self.leader_id and self.leader.name in (self.officer_1, self.officer_2):
            errors["officer_1"] = _("带班领导不能同时担任值班人员")
        if self.leader_id and self.organization_id and self.date:
            if self.leader.organization_id != self.organization_id:
                errors["leader"] = _("带班领导须是本单位领导小组成员")
            elif not is_current(self.leader, self.date):
                try:
                    resolve_leader(self.organization, self.date, self.leader.name)
                except ValidationError as exc:
                    errors["leader"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)

    def person(self, position: str) -> str:
        return self.leader.name if position == SwapPosition.LEADER else getattr(self, position)

    @transaction.atomic
    def swap(
        self,
        position: str,
        replacement: str,
        agreed_by: str,
        user,
        reason: str = "",
        exchange: DutyShift | None = None,
    ) -> list[DutySwap]:
        """调班: `replacement` takes `position` on this shift with `agreed_by`'s consent. With
        `exchange` the two trade places: the person replaced takes the replacement's place on that
        other shift. Both shifts must still be properly staffed afterwards."""
        replacement = replacement.strip()
        shifts = {
            s.pk: s
            for s in DutyShift.objects.select_for_update().filter(pk__in={self.pk, getattr(exchange, "pk", self.pk)})
        }
        this = shifts[self.pk]
        replaced = this.person(position)
        if replacement == replaced:
            raise ValidationError(_("替班人与原值班人相同"))
        changes: list[tuple[DutyShift, str, str, str]] = []  # (shift, position, replaced, replacement)
        if position == SwapPosition.LEADER:
            this.leader = resolve_leader(this.organization, this.date, replacement)
        else:
            setattr(this, position, replacement)
        changes.append((this, position, replaced, replacement))
        if exchange is not None:
            other = shifts[exchange.pk]
            if other.pk == this.pk or other.organization_id != this.organization_id:
                raise ValidationError(_("对调的班次须是本单位的另一个班次"))
            if position == SwapPosition.LEADER:
                if other.leader.name != replacement:
                    raise ValidationError(_("对调班次%(s)s的带班领导不是“%(n)s”") % {"s": other, "n": replacement})
                other.leader = resolve_leader(other.organization, other.date, replaced)
                changes.append((other, position, replacement, replaced))
            else:
                slot = next((p for p in ("officer_1", "officer_2") if getattr(other, p) == replacement), None)
                if slot is None:
                    raise ValidationError(_("对调班次%(s)s没有值班人员“%(n)s”") % {"s": other, "n": replacement})
                setattr(other, slot, replaced)
                changes.append((other, slot, replacement, replaced))
        swaps = []
        for shift in {id(c[0]): c[0] for c in changes}.values():
            shift.full_clean(exclude=["organization", "created_by", "updated_by"], validate_unique=False)
            shift.updated_by = user
            shift.save()
        for shift, slot, before, after in changes:
            swaps.append(
                DutySwap.objects.create(
                    organization_id=shift.organization_id,
                    shift=shift,
                    position=slot,
                    replaced=before,
                    replacement=after,
                    agreed_by=agreed_by.strip(),
                    reason=reason,
                    exchanged_with=(exchange if shift.pk == this.pk else this) if exchange is not None else None,
                    created_by=user,
                    updated_by=user,
                )
            )
        return swaps


@track_history
class DutySwap(Record):
    """调班: one person's place on a shift taken by another, and who agreed to it. When two shifts
    trade people, each shift gets its own line pointing at the other."""

    shift = models.ForeignKey(DutyShift, verbose_name=_lazy("班次"), on_delete=models.CASCADE, related_name="swaps")
    position = models.CharField(_lazy("岗位"), max_length=10, choices=SwapPosition.choices)
    replaced = models.CharField(_lazy("原值班人"), max_length=50)
    replacement = models.CharField(_lazy("替班人"), max_length=50)
    agreed_by = models.CharField(_lazy("同意人"), max_length=50)
    reason = models.CharField(_lazy("调班原因"), max_length=200, blank=True)
    exchanged_with = models.ForeignKey(
        DutyShift,
        verbose_name=_lazy("对调班次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _lazy("调班记录")
        verbose_name_plural = pgettext_lazy("plural", "调班记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_position_display()}：{self.replaced} → {self.replacement}"


# ---- the duty log -----------------------------------------------------------------------------


class DutyLogQuerySet(RecordQuerySet):
    def for_list(self) -> DutyLogQuerySet:
        return self.select_related("organization", "shift")


@track_history
class DutyLog(Record):
    """值班记录: a call, document or event received during a shift, or the handover note (交接班)."""

    shift = models.ForeignKey(
        DutyShift, verbose_name=_lazy("班次"), on_delete=models.PROTECT, related_name="log_entries"
    )
    kind = models.CharField(_lazy("类别"), max_length=10, choices=LogKind.choices)
    received_at = models.DateTimeField(_lazy("时间"))
    source = models.CharField(_lazy("来电/来文单位或人员"), max_length=100, blank=True)
    content = models.TextField(_lazy("内容"))
    handling = models.TextField(_lazy("处理情况"), blank=True)
    incident = models.ForeignKey(
        "Incident",
        verbose_name=_lazy("关联突发事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
    )

    objects = DutyLogQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("值班记录")
        verbose_name_plural = pgettext_lazy("plural", "值班记录")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["received_at"], name="dutylog_received_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {local_text(self.received_at)}"

    def save(self, *args, **kwargs) -> None:
        self.organization_id = self.shift.organization_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.shift_id and self.received_at:
            start, end = self.shift.window
            if not start <= self.received_at <= end:
                raise ValidationError(
                    {
                        "received_at": _("时间不在该班次的值班时段内（%(s)s 至 %(e)s）")
                        % {"s": local_text(start), "e": local_text(end)}
                    }
                )
        if self.incident_id and self.shift_id and self.incident.organization_id != self.shift.organization_id:
            raise ValidationError({"incident": _("只能关联本单位的突发事件")})


# ---- incidents --------------------------------------------------------------------------------


def deadline_expression() -> Case:
    """known_at + the time limit of the incident's level, in SQL (for lists, panels and summaries)."""
    return Case(
        *(When(level=level, then=F("known_at") + Value(delta)) for level, delta in conf.report_limits().items()),
        output_field=DateTimeField(),
    )


class IncidentQuerySet(RecordQuerySet):
    def with_timeliness(self, now: datetime.datetime | None = None) -> IncidentQuerySet:
        """Annotate the first report's time, the deadline and the Timeliness value. Without `now`
        the database's clock decides what is overdue when the query runs (a queryset built once,
        as a view's class attribute, stays right)."""
        moment = Value(now) if now is not None else Now()
        first = IncidentReport.objects.filter(incident=OuterRef("pk"), stage=ReportStage.INITIAL).values("reported_at")
        return self.annotate(
            first_reported_at=Subquery(first[:1]),
            report_deadline=deadline_expression(),
        ).annotate(
            timeliness_value=Case(
                When(
                    first_reported_at__isnull=False, first_reported_at__lte=F("report_deadline"), then=Value("on_time")
                ),
                When(first_reported_at__isnull=False, then=Value("late")),
                When(report_deadline__lt=moment, then=Value("overdue")),
                default=Value("pending"),
                output_field=models.CharField(),
            )
        )

    def for_list(self) -> IncidentQuerySet:
        last = IncidentReport.objects.filter(incident=OuterRef("pk")).order_by("-reported_at", "-pk").values("stage")
        return self.select_related("organization").with_timeliness().annotate(last_stage=Subquery(last[:1]))


@track_history
class Incident(Record):
    """突发事件: what happened, where, how grave, and when it happened and became known; its
    reports (初报 → 续报 → 终报) go up the tree to every bureau above by scope."""

    title = models.CharField(_lazy("事件名称"), max_length=200)
    incident_type = models.CharField(_lazy("事件类型"), max_length=20, choices=IncidentType.choices)
    level = models.CharField(_lazy("事件等级"), max_length=20, choices=IncidentLevel.choices)
    occurred_at = models.DateTimeField(_lazy("发生时间"))
    known_at = models.DateTimeField(_lazy("获知时间"), help_text=_lazy("本单位知悉事件的时间，报送时限从此起算"))
    place = models.CharField(_lazy("发生地点"), max_length=200)
    deaths = models.PositiveIntegerField(_lazy("死亡人数"), default=0)
    injuries = models.PositiveIntegerField(_lazy("受伤人数"), default=0)
    property_loss = models.DecimalField(
        _lazy("直接财产损失（万元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    description = models.TextField(_lazy("事件概况"))

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("突发事件")
        verbose_name_plural = pgettext_lazy("plural", "突发事件")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["occurred_at"], name="incident_occurred_at")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "title", "occurred_at"], name="incident_once"),
            models.CheckConstraint(
                condition=Q(known_at__gte=F("occurred_at")),
                name="incident_known_after_occurred",
                violation_error_message=_lazy("获知时间不能早于发生时间"),
            ),
            models.CheckConstraint(condition=Q(property_loss__gte=0), name="incident_loss_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        now = timezone.now()
        if self.occurred_at and self.occurred_at > now:
            errors["occurred_at"] = _("发生时间不能晚于现在")
        if self.known_at and self.known_at > now:
            errors["known_at"] = _("获知时间不能晚于现在")
        if self.known_at and self.occurred_at and self.known_at < self.occurred_at:
            errors["known_at"] = _("获知时间不能早于发生时间")
        if errors:
            raise ValidationError(errors)

    @property
    def casualties(self) -> int:
        return self.deaths + self.injuries

    @property
    def report_limit(self) -> datetime.timedelta:
        return conf.report_limits()[self.level]

    @property
    def report_deadline(self) -> datetime.datetime:
        # Set by with_timeliness() when loaded through it; computed otherwise.
        return self.__dict__.get("report_deadline") or self.known_at + self.report_limit

    @report_deadline.setter
    def report_deadline(self, value) -> None:
        self.__dict__["report_deadline"] = value

    @property
    def first_reported_at(self) -> datetime.datetime | None:
        if "first_reported_at" not in self.__dict__:
            first = self.reports.filter(stage=ReportStage.INITIAL).first()
            self.__dict__["first_reported_at"] = first.reported_at if first else None
        return self.__dict__["first_reported_at"]

    @first_reported_at.setter
    def first_reported_at(self, value) -> None:
        self.__dict__["first_reported_at"] = value

    def timeliness(self, now: datetime.datetime | None = None) -> Timeliness:
        """按时 / 迟报 against the limit of the level, or 逾期未报 / 待初报 while no 初报 is filed."""
        first, deadline = self.first_reported_at, self.report_deadline
        if first is not None:
            return Timeliness.ON_TIME if first <= deadline else Timeliness.LATE
        return Timeliness.OVERDUE if (now or timezone.now()) > deadline else Timeliness.PENDING

    def next_stages(self, reports: list[IncidentReport] | None = None) -> list[str]:
        """The stages that may be filed next: 初报 first, then 续报 or 终报; nothing after 终报."""
        stages = {r.stage for r in (reports if reports is not None else self.reports.all())}
        if ReportStage.FINAL in stages:
            return []
        if ReportStage.INITIAL not in stages:
            return [ReportStage.INITIAL]
        return [ReportStage.FOLLOW_UP, ReportStage.FINAL]

    def file_report(
        self, stage: str, text: str, author: str, user, reported_at: datetime.datetime | None = None
    ) -> IncidentReport:
        """Add the next report of the chain, checked against the chain as it is in the database."""
        now = timezone.now()
        reported_at = reported_at or now
        with transaction.atomic():
            Incident.objects.select_for_update().filter(pk=self.pk).first()  # one report at a time
            reports = list(self.reports.all())
            allowed = self.next_stages(reports)
            if stage not in allowed:
                if not allowed:
                    raise ValidationError(_("已报送终报，不能再报送"))
                raise ValidationError(
                    _("现在只能报送：%(s)s") % {"s": "、".join(str(ReportStage(s).label) for s in allowed)}
                )
            if reported_at > now + datetime.timedelta(minutes=1):
                raise ValidationError(_("报送时间不能晚于现在"))
            if reported_at < self.known_at:
                raise ValidationError(_("报送时间不能早于获知时间"))
            if reports and reported_at < max(r.reported_at for r in reports):
                raise ValidationError(_("报送时间不能早于上一次报送"))
            report = IncidentReport.objects.create(
                incident=self,
                organization_id=self.organization_id,
                stage=stage,
                reported_at=reported_at,
                author=author.strip(),
                text=text,
                created_by=user,
                updated_by=user,
            )
            from .reminders import report_filed  # it reads these models

            report_filed(self, report)
        self.__dict__.pop("first_reported_at", None)
        return report


@track_history
class IncidentReport(Record):
    """One report of an incident's chain (初报, 续报 or 终报): when, by whom, what it said.

    Reports are not edited once filed; a correction is the next 续报."""

    incident = models.ForeignKey(
        Incident, verbose_name=_lazy("突发事件"), on_delete=models.PROTECT, related_name="reports"
    )
    stage = models.CharField(_lazy("报送类别"), max_length=10, choices=ReportStage.choices)
    reported_at = models.DateTimeField(_lazy("报送时间"))
    author = models.CharField(_lazy("报告人"), max_length=50)
    text = models.TextField(_lazy("报告内容"))

    class Meta:
        verbose_name = _lazy("事件报告")
        verbose_name_plural = pgettext_lazy("plural", "事件报告")
        ordering = ["reported_at", "pk"]
        indexes = [models.Index(fields=["reported_at"], name="incidentreport_reported_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(stage=ReportStage.INITIAL), name="incident_one_initial_report"
            ),
            models.UniqueConstraint(
                fields=["incident"], condition=Q(stage=ReportStage.FINAL), name="incident_one_final_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {local_text(self.reported_at)}"

    def save(self, *args, **kwargs) -> None:
        self.organization_id = self.incident.organization_id
        super().save(*args, **kwargs)


@track_history
class ReportReceipt(Record):
    """签收: a bureau above has read a report. `organization` is the receiving bureau, so its home
    panel stops asking once someone there has signed."""

    report = models.ForeignKey(
        IncidentReport, verbose_name=_lazy("事件报告"), on_delete=models.CASCADE, related_name="receipts"
    )

    class Meta:
        verbose_name = _lazy("报告签收")
        verbose_name_plural = pgettext_lazy("plural", "报告签收")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["report", "organization"], name="receipt_once_per_bureau")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.report_id}"
