"""应急演练: drills held by schools and bureaus, the drill requirement per 学段 that compliance is
measured against, and drills a bureau schedules for its schools."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from emergency.models import Organization, Record, RecordQuerySet, Stage, track_history
from plans.models import EmergencyPlan

from .choices import DrillForm, DrillType, RequirementPeriod


class DrillQuerySet(RecordQuerySet):
    def for_list(self) -> DrillQuerySet:
        return self.select_related("organization", "plan")

    def held_between(self, start: datetime.date, end: datetime.date) -> DrillQuerySet:
        """Held on or after `start` and before `end` (half-open, so year ranges chain)."""
        return self.filter(held_on__gte=start, held_on__lt=end)


@track_history
class Drill(Record):
    """应急演练: one drill held by an organisation, with who took part and what it found."""

    name = models.CharField(_lazy("演练名称"), max_length=200)
    held_on = models.DateField(_lazy("演练日期"))
    drill_type = models.CharField(_lazy("演练类型"), max_length=16, choices=DrillType.choices)
    drill_form = models.CharField(_lazy("演练形式"), max_length=16, choices=DrillForm.choices, blank=True)
    plan = models.ForeignKey(
        EmergencyPlan,
        verbose_name=_lazy("关联预案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drills",
    )
    students = models.PositiveIntegerField(_lazy("参演学生人数"), null=True, blank=True)
    staff = models.PositiveIntegerField(_lazy("参演教职工人数"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_lazy("时长(分钟)"), null=True, blank=True)
    problems_found = models.TextField(_lazy("发现问题"), blank=True)
    remarks = models.TextField(_lazy("备注"), blank=True)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("应急演练")
        verbose_name_plural = pgettext_lazy("plural", "应急演练")
        ordering = ["-held_on", "organization__path"]
        indexes = [models.Index(fields=["held_on", "id"], name="drill_held_on")]  # lists: newest first, ties by id
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "held_on"], name="drill_name_date_per_org")
        ]

    def __str__(self) -> str:
        return _("%(name)s（%(day)s）") % {"name": self.name, "day": formats.date_format(self.held_on)}

    @property
    def participants(self) -> int:
        """参演人次: students and staff together."""
        return (self.students or 0) + (self.staff or 0)

    def plan_revision_reason(self) -> str:
        day = self.held_on
        return f"{day.year}年{day.month}月{day.day}日演练“{self.name}”发现问题：{self.problems_found}"

    def schedules_met(self) -> models.QuerySet:
        """The scheduled drills this drill fulfils: same school, same type, held in the window."""
        return ScheduledSchool.objects.filter(
            organization_id=self.organization_id,
            schedule__drill_type=self.drill_type,
            schedule__planned_on__lte=self.held_on,
            schedule__deadline__gte=self.held_on,
        ).select_related("schedule")


@track_history
class DrillRequirement(models.Model):
    """How many drills a school of one 学段 must hold: at least `min_count` drills of the listed
    types in every month (or quarter). Defaults from 教基一厅〔2014〕2号 (中小学每月、幼儿园每季度
    至少一次应急疏散演练), seeded after migrate (apps.py) and changed in the admin."""

    stage = models.CharField(_lazy("学段"), max_length=16, choices=Stage.choices, unique=True)
    period = models.CharField(_lazy("周期"), max_length=10, choices=RequirementPeriod.choices)
    min_count = models.PositiveSmallIntegerField(_lazy("每周期至少次数"), default=1, validators=[MinValueValidator(1)])
    drill_types = ArrayField(
        models.CharField(max_length=16, choices=DrillType.choices),
        verbose_name=_lazy("计入的演练类型"),
        default=list,
        help_text=_lazy("指南中的应急疏散演练包括火灾、地震时的疏散，默认疏散、消防、防震演练都计入"),
    )
    exempt_months = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)]),
        verbose_name=_lazy("不计的月份"),
        default=list,
        blank=True,
        help_text=_lazy("按月要求时不计的月份，如寒暑假 2、7、8 月；默认每个月都计"),
    )
    basis = models.CharField(_lazy("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _lazy("演练达标要求")
        verbose_name_plural = pgettext_lazy("plural", "演练达标要求")
        ordering = ["stage"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}：{self.describe()}"

    def describe(self) -> str:
        labels = dict(DrillType.choices)
        types = "、".join(str(labels.get(t, t)) for t in self.drill_types) or str(_("任意类型"))
        text = _("%(period)s至少%(n)d次（%(types)s演练）") % {
            "period": self.get_period_display(),
            "n": self.min_count,
            "types": types,
        }
        if self.exempt_months and self.period == RequirementPeriod.MONTH:
            months = "、".join(str(m) for m in sorted(self.exempt_months))
            text += _("，%(months)s月不计") % {"months": months}
        return text


class DrillScheduleQuerySet(RecordQuerySet):
    def visible_to(self, user) -> DrillScheduleQuerySet:
        """A schedule is seen by its owner's subtree, and read by the schools it names (their own
        rows only: views show targets through `targets_visible_to`)."""
        if not user.is_authenticated or user.sees_everything or user.organization_id is None:
            return super().visible_to(user)
        path = user.organization.path
        named = ScheduledSchool.objects.filter(schedule=OuterRef("pk"), organization__path__startswith=path)
        return self.filter(Q(organization__path__startswith=path) | Exists(named))

    def for_list(self, user) -> DrillScheduleQuerySet:
        """With the number of named schools in the user's scope, and how many have held the drill."""
        scope = Q()
        if not user.sees_everything:
            path = user.organization.path if user.organization_id else " "  # matches no path
            scope = Q(targets__organization__path__startswith=path)
        return self.select_related("organization").annotate(
            target_count=Count("targets", filter=scope),
            done_count=Count("targets", filter=scope & Q(Exists(drill_held(OuterRef("targets__organization"))))),
        )


def drill_held(school, prefix: str = "") -> models.QuerySet:
    """Drills that fulfil a scheduled item: the school's, of the schedule's type, in its window.
    `school` is an OuterRef to the school; `prefix` leads from the outer row to its schedule."""
    return Drill.objects.filter(
        organization=school,
        drill_type=OuterRef(f"{prefix}drill_type"),
        held_on__gte=OuterRef(f"{prefix}planned_on"),
        held_on__lte=OuterRef(f"{prefix}deadline"),
    )


@track_history
class DrillSchedule(Record):
    """演练安排: a bureau (or a school, for itself) plans a drill of one type for some schools in a
    window; a scheduled school has done it once it holds a drill of that type in the window."""

    title = models.CharField(_lazy("安排名称"), max_length=200)
    drill_type = models.CharField(_lazy("演练类型"), max_length=16, choices=DrillType.choices)
    planned_on = models.DateField(_lazy("计划日期"), help_text=_lazy("演练窗口的第一天"))
    deadline = models.DateField(_lazy("完成期限"), help_text=_lazy("演练窗口的最后一天"))
    notes = models.TextField(_lazy("要求"), blank=True)

    objects = DrillScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("演练安排")
        verbose_name_plural = pgettext_lazy("plural", "演练安排")
        ordering = ["-planned_on", "title"]
        indexes = [models.Index(fields=["planned_on"], name="drillschedule_planned_on")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "title", "planned_on"], name="schedule_title_per_org"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("planned_on")), name="schedule_window_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def targets_visible_to(self, user) -> models.QuerySet:
        """The named schools the user may see, each with the first drill that fulfils it."""
        targets = self.targets.select_related("organization")
        if not user.sees_everything:
            targets = targets.filter(organization__path__startswith=user.organization.path)
        first = drill_held(OuterRef("organization"), "schedule__").order_by("held_on")
        return targets.annotate(
            held_on=Subquery(first.values("held_on")[:1]), drill_id=Subquery(first.values("pk")[:1])
        ).order_by("organization__path")


@track_history
class ScheduledSchool(models.Model):
    """One school named by a drill schedule."""

    schedule = models.ForeignKey(DrillSchedule, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(
        Organization, verbose_name=_lazy("学校"), on_delete=models.CASCADE, related_name="scheduled_drills"
    )

    class Meta:
        verbose_name = _lazy("演练安排学校")
        verbose_name_plural = pgettext_lazy("plural", "演练安排学校")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "organization"], name="scheduled_school_once"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule}：{self.organization}"
