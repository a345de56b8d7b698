"""应急预案: the plans a bureau or a school keeps, their versions and their review cycle.

A plan is known by its organisation and name; each revision is a new row with its own version
number, and a new version in force retires the earlier ones (`settle_versions`), so the plan's
history is the rows sharing its name. Plans are evaluated every `PLAN_REVISION_YEARS` years
(国办发〔2024〕5号) and after drills that found problems (突发事件应对法 Art. 28)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from emergency.models import OrganizationKind, Record, RecordQuerySet, track_history

from .choices import EventType, PlanCategory, PlanStatus

# How far ahead a revision date counts as "due": the list and the home panel warn this early.
REVIEW_WARNING_DAYS = 90
BUREAU_KINDS = (OrganizationKind.CITY, OrganizationKind.DISTRICT)


def default_next_revision(issued_on: datetime.date) -> datetime.date:
    """The issued date plus the revision period; 29 February falls back to the 28th."""
    years = settings.PLAN_REVISION_YEARS
    try:
        return issued_on.replace(year=issued_on.year + years)
    except ValueError:
        return issued_on.replace(year=issued_on.year + years, day=28)


def next_version_label(version: str) -> str:
    """The version number a revision proposes: 1.0 → 2.0, 3 → 4, anything else gets 修订版."""
    text = version.strip()
    try:
        number = float(text.lstrip("Vv"))
    except ValueError:
        return f"{text}修订版" if text else "2.0"
    prefix = text[0] if text[:1] in ("V", "v") else ""
    return f"{prefix}{int(number) + 1}.0" if "." in text else f"{prefix}{int(number) + 1}"


def in_force_on(day: datetime.date) -> Q:
    """Issued by `day` and not yet retired on it (a plan retired on an unknown day is out)."""
    return Q(issued_on__lte=day) & (
        Q(retired_on__isnull=True, status__in=[PlanStatus.CURRENT, PlanStatus.REVISING]) | Q(retired_on__gt=day)
    )


def overdue_on(day: datetime.date) -> Q:
    """In force on `day` and past its revision date."""
    return in_force_on(day) & Q(next_revision_on__lt=day)


def due_on(day: datetime.date) -> Q:
    """In force on `day`, to be revised within REVIEW_WARNING_DAYS days of it."""
    horizon = day + datetime.timedelta(days=REVIEW_WARNING_DAYS)
    return in_force_on(day) & Q(next_revision_on__gte=day, next_revision_on__lte=horizon)


def flagged_on(day: datetime.date) -> Q:
    """In force on `day` and marked for revision by a drill."""
    return in_force_on(day) & Q(needs_revision=True)


class EmergencyPlanQuerySet(RecordQuerySet):
    def for_list(self) -> EmergencyPlanQuerySet:
        return self.select_related("organization")

    def in_force(self) -> EmergencyPlanQuerySet:
        """Not retired: the current text, or the text still applying while a revision is drafted."""
        return self.exclude(status=PlanStatus.RETIRED)

    def in_force_on(self, day: datetime.date) -> EmergencyPlanQuerySet:
        return self.filter(in_force_on(day))

    def school_level(self) -> EmergencyPlanQuerySet:
        return self.filter(organization__kind=OrganizationKind.SCHOOL)

    def due_for_revision(self, today: datetime.date | None = None) -> EmergencyPlanQuerySet:
        """In force, with the revision date within the next REVIEW_WARNING_DAYS days."""
        today = today or timezone.localdate()
        return self.in_force().filter(
            next_revision_on__gte=today, next_revision_on__lte=today + datetime.timedelta(days=REVIEW_WARNING_DAYS)
        )

    def overdue(self, today: datetime.date | None = None) -> EmergencyPlanQuerySet:
        today = today or timezone.localdate()
        return self.in_force().filter(next_revision_on__lt=today)

    def revision_counts(self, today: datetime.date | None = None) -> dict[str, int]:
        """Due, overdue and flagged-by-a-drill plans in force, in one aggregate query."""
        today = today or timezone.localdate()
        horizon = today + datetime.timedelta(days=REVIEW_WARNING_DAYS)
        return self.in_force().aggregate(
            due=models.Count("pk", filter=Q(next_revision_on__gte=today, next_revision_on__lte=horizon)),
            overdue=models.Count("pk", filter=Q(next_revision_on__lt=today)),
            flagged=models.Count("pk", filter=Q(needs_revision=True)),
        )

    def current_named(self, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], EmergencyPlan]:
        """(organisation id, plan name) → the version a drill refers to: the latest one in force,
        else the latest at all. One query, however many pairs."""
        if not pairs:
            return {}
        found: dict[tuple[int, str], EmergencyPlan] = {}
        retired_last = models.Case(models.When(status=PlanStatus.RETIRED, then=1), default=0)
        # Narrowed by organisations and names, matched exactly here.
        candidates = self.filter(organization_id__in={p[0] for p in pairs}, name__in={p[1] for p in pairs})
        for plan in candidates.order_by("organization_id", "name", retired_last, "-issued_on", "-pk"):
            if (plan.organization_id, plan.name) in pairs:
                found.setdefault((plan.organization_id, plan.name), plan)
        return found

    def settle_versions(self) -> None:
        """Make the version rule true for every plan name these rows belong to: the latest
        version in force (现行) retires every earlier version, on the day its successor was
        issued. Safe to run on any superset of the plans touched, and to run twice."""
        plans = self.model.objects
        group = {"organization": OuterRef("organization"), "name": OuterRef("name")}
        later_current = plans.filter(**group, status=PlanStatus.CURRENT).filter(
            Q(issued_on__gt=OuterRef("issued_on")) | Q(issued_on=OuterRef("issued_on"), pk__gt=OuterRef("pk"))
        )
        successor = (
            plans.filter(**group, issued_on__gt=OuterRef("issued_on"))
            .exclude(status=PlanStatus.REVISING)
            .order_by("issued_on")
            .values("issued_on")[:1]
        )
        scope = self.model.objects.filter(pk__in=self.values("pk"))
        with transaction.atomic():
            # A plan put back in force is no longer retired.
            scope.exclude(status=PlanStatus.RETIRED).filter(retired_on__isnull=False).update(retired_on=None)
            scope.exclude(status=PlanStatus.RETIRED).filter(Exists(later_current)).update(
                status=PlanStatus.RETIRED, retired_on=Coalesce(Subquery(successor), F("issued_on"))
            )
            scope.filter(status=PlanStatus.RETIRED, retired_on__isnull=True).update(
                retired_on=Coalesce(Subquery(successor), Value(timezone.localdate()))
            )


@track_history
class EmergencyPlan(Record):
    """应急预案: one version of a plan of a bureau or a school, with its file as an attachment."""

    name = models.CharField(_lazy("预案名称"), max_length=200)
    category = models.CharField(_lazy("预案类别"), max_length=16, choices=PlanCategory.choices)
    event_types = ArrayField(
        models.CharField(max_length=16, choices=EventType.choices),
        verbose_name=_lazy("事件类型"),
        default=list,
        blank=True,
    )
    issued_on = models.DateField(_lazy("发布日期"))
    version = models.CharField(_lazy("版本号"), max_length=20, default="1.0")
    next_revision_on = models.DateField(
        _lazy("下次修订日期"), null=True, blank=True, help_text=_lazy("留空时为发布日期加修订周期（默认3年）")
    )
    status = models.CharField(_lazy("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.CURRENT)
    remarks = models.TextField(_lazy("备注"), blank=True)
    needs_revision = models.BooleanField(_lazy("需修订"), default=False)
    revision_note = models.TextField(_lazy("修订原因"), blank=True)
    retired_on = models.DateField(_lazy("废止日期"), null=True, blank=True, editable=False)

    objects = EmergencyPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("应急预案")
        verbose_name_plural = pgettext_lazy("plural", "应急预案")
        ordering = ["organization__path", "name", "-issued_on"]
        indexes = [
            models.Index(fields=["issued_on"], name="plan_issued_on"),
            models.Index(fields=["next_revision_on"], name="plan_next_revision_on"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "version"], name="plan_name_version_per_org")
        ]

    def __str__(self) -> str:
        return f"《{self.name}》{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.next_revision_on is None and self.issued_on:
            self.next_revision_on = default_next_revision(self.issued_on)
        with transaction.atomic():
            super().save(*args, **kwargs)
            EmergencyPlan.objects.filter(organization_id=self.organization_id, name=self.name).settle_versions()
        self.refresh_from_db(fields=["status", "retired_on"])

    @property
    def in_force(self) -> bool:
        return self.status != PlanStatus.RETIRED

    @property
    def overdue(self) -> bool:
        return self.in_force and self.next_revision_on is not None and self.next_revision_on < timezone.localdate()

    @property
    def review_due(self) -> bool:
        """In force and to be revised within REVIEW_WARNING_DAYS days (or already late)."""
        if not self.in_force or self.next_revision_on is None:
            return False
        return self.next_revision_on <= timezone.localdate() + datetime.timedelta(days=REVIEW_WARNING_DAYS)

    def versions(self) -> EmergencyPlanQuerySet:
        """Every version of this plan, newest first (the detail page's version history)."""
        return EmergencyPlan.objects.filter(organization_id=self.organization_id, name=self.name).order_by(
            "-issued_on", "-pk"
        )

    def mark_needs_revision(self, reason: str, user) -> None:
        """A drill found problems with this plan: flag it, keeping every reason given."""
        self.needs_revision = True
        if reason not in self.revision_note:
            self.revision_note = f"{self.revision_note}\n{reason}".strip()
        self.updated_by = user
        self.save(update_fields=["needs_revision", "revision_note", "updated_by", "updated_at"])
