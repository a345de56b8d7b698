"""应急物资: the catalogue of items, stock lines per organisation, storage location and batch,
the movements that change them, maintenance, reserve standards, alerts and the census (物资普查).

A stock line's quantity changes only through `supplies.movements.move_stock` (or an Excel import,
which records the same movements), inside one transaction holding the line's row lock, so two
people moving the same stock at once cannot take it below zero."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from emergency.models import (
    Organization,
    OrganizationKind,
    Record,
    RecordQuerySet,
    Role,
    Stage,
    WriteRule,
    track_history,
)

from .choices import (
    DEFAULT_CHECK_INTERVAL_DAYS,
    AlertKind,
    CensusStatus,
    MaintenanceKind,
    MaintenanceResult,
    MovementKind,
    ReturnStatus,
    SupplyCategory,
)


def expiry_warning_days() -> int:
    """How many days ahead an expiry is announced (setting SUPPLY_EXPIRY_WARNING_DAYS, default 30)."""
    return int(getattr(settings, "SUPPLY_EXPIRY_WARNING_DAYS", 30))


class SupplyItemQuerySet(WriteRule, models.QuerySet):
    def visible_to(self, user) -> SupplyItemQuerySet:
        """The catalogue is shared by the whole system: everyone signed in reads it."""
        return self if user.is_authenticated else self.none()

    def write_refusal(self, user, record=None) -> str | None:
        """The shared catalogue is kept by administrators and the city bureau's staff."""
        if reason := super().write_refusal(user, record):
            return reason
        org = user.organization
        if user.sees_everything or (user.role == Role.STAFF and org is not None and org.kind == OrganizationKind.CITY):
            return None
        return _("物资目录由市教育局统一维护")


@track_history
class SupplyItem(models.Model):
    """物资目录: one kind of item (name + 规格型号), its category, unit and inspection interval.

    Shared by every organisation so that the city can add up 灭火器 across schools; kept by the
    city's staff and administrators, and grown by imports that name an item not yet listed."""

    name = models.CharField(_lazy("物资名称"), max_length=100)
    category = models.CharField(_lazy("物资类别"), max_length=16, choices=SupplyCategory.choices)
    spec = models.CharField(_lazy("规格型号"), max_length=100, blank=True)
    unit = models.CharField(_lazy("计量单位"), max_length=20, blank=True)
    check_interval_days = models.PositiveSmallIntegerField(
        _lazy("检查周期（天）"), blank=True, help_text=_lazy("两次维护检查之间的最长天数；留空按物资类别的默认周期")
    )
    notes = models.CharField(_lazy("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_lazy("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_lazy("更新时间"), auto_now=True)

    objects = SupplyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("物资品种")
        verbose_name_plural = pgettext_lazy("plural", "物资目录")
        ordering = ["category", "name", "spec"]
        constraints = [models.UniqueConstraint(fields=["name", "spec"], name="supply_item_name_spec")]

    def __str__(self) -> str:
        return f"{self.name}（{self.spec}）" if self.spec else self.name

    def save(self, *args, **kwargs) -> None:
        if not self.check_interval_days:
            self.check_interval_days = DEFAULT_CHECK_INTERVAL_DAYS[self.category]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("supplies:supplyitem_detail", args=[self.pk])


def expired_on(day: datetime.date) -> Q:
    """A line of `held_on(day)` still held at the end of `day` and past its expiry date."""
    return Q(held__gt=0, expires_on__lt=day)


def alert_open_on(day: datetime.date) -> Q:
    """Raised by the end of `day` and not resolved by then."""
    return Q(raised_on__lte=day) & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=day))


class StockQuerySet(RecordQuerySet):
    def for_list(self) -> StockQuerySet:
        return self.select_related("organization", "item")

    def held_on(self, day: datetime.date) -> StockQuerySet:
        """Each line with `held`: its quantity at the end of `day` (today's less what moved since)."""
        later = (
            StockMovement.objects.filter(stock=models.OuterRef("pk"), happened_on__gt=day)
            .order_by()
            .values("stock")
            .annotate(s=models.Sum("change"))
            .values("s")
        )
        moved = models.Subquery(later, output_field=models.IntegerField())
        return self.annotate(held=models.F("quantity") - Coalesce(moved, models.Value(0)))

    def holding(self) -> StockQuerySet:
        return self.filter(quantity__gt=0)

    def expired(self, today: datetime.date) -> StockQuerySet:
        return self.holding().filter(expires_on__lt=today)

    def expiring(self, today: datetime.date, days: int | None = None) -> StockQuerySet:
        horizon = today + datetime.timedelta(days=expiry_warning_days() if days is None else days)
        return self.holding().filter(expires_on__gte=today, expires_on__lte=horizon)

    def usable(self, today: datetime.date) -> StockQuerySet:
        """What counts towards a reserve: not expired on `today`."""
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


@track_history
class Stock(Record):
    """A stock line (台账行): how many of one item an organisation keeps at one storage place, of
    one batch (生产日期 / 有效期至). The Excel import works on the line without a batch number,
    one per [单位, 物资名称, 规格型号, 存放地点]; further batches come in by 入库."""

    item = models.ForeignKey(SupplyItem, verbose_name=_lazy("物资"), on_delete=models.PROTECT, related_name="stock")
    location = models.CharField(_lazy("存放地点"), max_length=100, blank=True)
    batch = models.CharField(
        _lazy("批次号"), max_length=50, blank=True, help_text=_lazy("同一地点存放多批同种物资时区分批次")
    )
    quantity = models.PositiveIntegerField(_lazy("数量"), default=0)
    produced_on = models.DateField(_lazy("生产日期"), null=True, blank=True)
    expires_on = models.DateField(_lazy("有效期至"), null=True, blank=True)
    last_checked_on = models.DateField(_lazy("上次检查日期"), null=True, blank=True)
    keeper = models.CharField(_lazy("责任人"), max_length=50, blank=True)

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("物资台账")
        verbose_name_plural = pgettext_lazy("plural", "物资台账")
        ordering = ["organization__path", "item__category", "item__name", "location", "batch"]
        indexes = [models.Index(fields=["expires_on"]), models.Index(fields=["organization", "item"])]
        constraints = [
            models.UniqueConstraint(fields=["organization", "item", "location", "batch"], name="stock_line"),
            # The import's natural key: the line an Excel row names. Concurrent imports cannot double it.
            models.UniqueConstraint(
                fields=["organization", "item", "location"], condition=Q(batch=""), name="stock_natural_key"
            ),
        ]

    def __str__(self) -> str:
        where = f"·{self.location}" if self.location else ""
        batch = f"·{self.batch}" if self.batch else ""
        return f"{self.item}{where}{batch}"

    @property
    def next_check_due(self) -> datetime.date | None:
        """When the next inspection is due: the last one plus the item's interval."""
        if self.last_checked_on is None:
            return None
        return self.last_checked_on + datetime.timedelta(days=self.item.check_interval_days)

    def expiry_status(self, today: datetime.date) -> str:
        """ "expired", "expiring" (within the warning days) or "" for a line holding nothing or fine."""
        if self.expires_on is None or not self.quantity:
            return ""
        if self.expires_on < today:
            return AlertKind.EXPIRED
        if self.expires_on <= today + datetime.timedelta(days=expiry_warning_days()):
            return AlertKind.EXPIRING
        return ""

    def inspection_overdue(self, today: datetime.date) -> bool:
        due = self.next_check_due
        return bool(self.quantity) and (due is None or due < today)


class MovementQuerySet(RecordQuerySet):
    def for_list(self) -> MovementQuerySet:
        return self.select_related("organization", "stock__item", "counterpart__organization", "created_by")


@track_history
class StockMovement(Record):
    """One change of a stock line: 入库, 出库, 调拨 (one row on each side), 报废 or 盘点 — with who
    (created_by) and why (reason), and the balance it left. Never edited: a mistake is put right
    by another movement, so the ledger always adds up."""

    stock = models.ForeignKey(Stock, verbose_name=_lazy("物资台账"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_lazy("类型"), max_length=10, choices=MovementKind.choices)
    change = models.IntegerField(_lazy("变动数量"), help_text=_lazy("增加为正，减少为负"))
    balance = models.PositiveIntegerField(_lazy("结存数量"))
    counterpart = models.ForeignKey(
        Stock,
        verbose_name=_lazy("调拨对方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    happened_on = models.DateField(_lazy("日期"))
    reason = models.CharField(_lazy("原因或用途"), max_length=200)
    # The 入库 that opens a line (by form, import or demo) is not a replenishment in the summary.
    is_opening = models.BooleanField(_lazy("建账"), default=False)
    census_return = models.ForeignKey(
        "CensusReturn",
        verbose_name=_lazy("物资普查"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections_made",
    )

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("出入库记录")
        verbose_name_plural = pgettext_lazy("plural", "出入库记录")
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["happened_on"])]

    def __str__(self) -> str:
        sign = "+" if self.change > 0 else ""
        return f"{self.get_kind_display()} {self.stock.item.name} {sign}{self.change}"

    @property
    def direction(self) -> str:
        if self.kind == MovementKind.TRANSFER:
            return str(_("调入")) if self.change > 0 else str(_("调出"))
        return self.get_kind_display()


class MaintenanceQuerySet(RecordQuerySet):
    def for_list(self) -> MaintenanceQuerySet:
        return self.select_related("organization", "stock__item")


@track_history
class MaintenanceRecord(Record):
    """维护 / 保养 / 检测 of a stock line; sets the line's 上次检查日期 and the next due date."""

    stock = models.ForeignKey(
        Stock, verbose_name=_lazy("物资台账"), on_delete=models.PROTECT, related_name="maintenance"
    )
    kind = models.CharField(_lazy("类型"), max_length=10, choices=MaintenanceKind.choices)
    done_on = models.DateField(_lazy("日期"))
    result = models.CharField(_lazy("结果"), max_length=10, choices=MaintenanceResult.choices, default="good")
    done_by = models.CharField(_lazy("执行人"), max_length=50, blank=True)
    next_due_on = models.DateField(_lazy("下次到期日期"), editable=False)
    notes = models.TextField(_lazy("情况说明"), blank=True)

    objects = MaintenanceQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("维护保养记录")
        verbose_name_plural = pgettext_lazy("plural", "维护保养记录")
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["done_on"])]
        constraints = [
            models.UniqueConstraint(fields=["stock", "kind", "done_on"], name="maintenance_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.stock.item.name}{self.get_kind_display()}（{self.done_on:%Y-%m-%d}）"

    def save(self, *args, **kwargs) -> None:
        self.organization_id = self.stock.organization_id
        self.next_due_on = self.done_on + datetime.timedelta(days=self.stock.item.check_interval_days)
        super().save(*args, **kwargs)
        # The line remembers its latest inspection; an older record entered late does not move it back.
        Stock.objects.filter(pk=self.stock_id).filter(
            Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=self.done_on)
        ).update(last_checked_on=self.done_on)


class StandardQuerySet(RecordQuerySet):
    def for_list(self) -> StandardQuerySet:
        return self.select_related("organization", "item", "target")


@track_history
class ReserveStandard(Record):
    """储备标准: the least quantity of an item that organisations below the setting bureau must
    keep — one named organisation, every school of a 学段, or (both blank) every school.

    Where several apply, the most specific wins (organisation, then 学段, then all schools), and
    among equals the one set nearest to the organisation."""

    item = models.ForeignKey(SupplyItem, verbose_name=_lazy("物资"), on_delete=models.PROTECT, related_name="+")
    minimum = models.PositiveIntegerField(_lazy("最低储备数量"))
    stage = models.CharField(_lazy("适用学段"), max_length=16, choices=Stage.choices, blank=True)
    target = models.ForeignKey(
        Organization,
        verbose_name=_lazy("适用单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    notes = models.CharField(_lazy("依据"), max_length=200, blank=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("储备标准")
        verbose_name_plural = pgettext_lazy("plural", "储备标准")
        ordering = ["item__category", "item__name", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "item", "stage", "target"], name="one_standard_per_scope", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}≥{self.minimum}（{self.applies_to}）"

    @property
    def applies_to(self) -> str:
        if self.target_id:
            return str(self.target)
        if self.stage:
            return str(_("全部%(s)s")) % {"s": self.get_stage_display()}
        return str(_("全部学校"))

    @property
    def specificity(self) -> int:
        return 3 if self.target_id else 2 if self.stage else 1


class AlertQuerySet(RecordQuerySet):
    def open(self) -> AlertQuerySet:
        return self.filter(resolved_on__isnull=True)

    def for_list(self) -> AlertQuerySet:
        return self.select_related("organization", "item", "stock")


@track_history
class SupplyAlert(Record):
    """A condition that needs someone's attention: a line expiring or expired, an organisation
    below its reserve standard, an inspection overdue. Raised and resolved by `refresh_alerts`,
    so the daily job can run any number of times and leaves one open alert per condition."""

    kind = models.CharField(_lazy("预警类型"), max_length=20, choices=AlertKind.choices)
    item = models.ForeignKey(SupplyItem, verbose_name=_lazy("物资"), on_delete=models.CASCADE, related_name="+")
    stock = models.ForeignKey(
        Stock, verbose_name=_lazy("物资台账"), null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    quantity = models.PositiveIntegerField(_lazy("涉及数量"), default=0)
    due_on = models.DateField(_lazy("到期日期"), null=True, blank=True)
    detail = models.CharField(_lazy("说明"), max_length=200)
    raised_on = models.DateField(_lazy("预警日期"))
    resolved_on = models.DateField(_lazy("解除日期"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("物资预警")
        verbose_name_plural = pgettext_lazy("plural", "物资预警")
        # Open alerts first, then the most recently resolved.
        ordering = [models.F("resolved_on").desc(nulls_first=True), "kind", "due_on", "id"]
        indexes = [models.Index(fields=["raised_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organization", "item", "stock"],
                condition=Q(resolved_on__isnull=True),
                name="one_open_alert_per_condition",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.item}"


class CensusQuerySet(RecordQuerySet):
    def write_refusal(self, user, record=None) -> str | None:
        """A census is organised by a bureau; the schools answer it (CensusReturn)."""
        if record is not None and record.pk is None and user.role == Role.SCHOOL_OFFICER:
            return _("物资普查由教育局组织")
        return super().write_refusal(user, record)

    def for_list(self) -> CensusQuerySet:
        return self.select_related("organization").annotate(
            units=models.Count("returns"),
            answered=models.Count("returns", filter=~Q(returns__status=ReturnStatus.PENDING)),
        )


@track_history
class SupplyCensus(Record):
    """物资普查: a bureau asks every school below it (and every office that keeps stock) to confirm
    or correct its counts by a deadline. Opening it creates one return per organisation."""

    title = models.CharField(_lazy("普查名称"), max_length=100)
    opened_on = models.DateField(_lazy("开始日期"))
    deadline = models.DateField(_lazy("截止日期"))
    status = models.CharField(_lazy("状态"), max_length=10, choices=CensusStatus.choices, default=CensusStatus.OPEN)
    notes = models.TextField(_lazy("普查要求"), blank=True)

    objects = CensusQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("物资普查")
        verbose_name_plural = pgettext_lazy("plural", "物资普查")
        ordering = ["-opened_on"]
        indexes = [models.Index(fields=["opened_on"])]
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="census_title_per_org")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date) -> bool:
        return self.status == CensusStatus.OPEN and today <= self.deadline


class ReturnQuerySet(RecordQuerySet):
    def for_list(self) -> ReturnQuerySet:
        return self.select_related("organization", "census", "confirmed_by")


@track_history
class CensusReturn(Record):
    """One organisation's answer to a census: confirmed as it stands, or corrected (each
    correction a 盘点 movement pointing back here)."""

    census = models.ForeignKey(
        SupplyCensus, verbose_name=_lazy("物资普查"), on_delete=models.CASCADE, related_name="returns"
    )
    status = models.CharField(_lazy("状态"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.PENDING)
    confirmed_on = models.DateField(_lazy("确认日期"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lines = models.PositiveIntegerField(_lazy("台账行数"), default=0)
    corrections = models.PositiveIntegerField(_lazy("更正行数"), default=0)
    note = models.CharField(_lazy("说明"), max_length=200, blank=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("普查确认")
        verbose_name_plural = pgettext_lazy("plural", "普查确认")
        ordering = ["census", "organization__path"]
        indexes = [models.Index(fields=["confirmed_on"])]
        constraints = [models.UniqueConstraint(fields=["census", "organization"], name="one_return_per_org")]

    def __str__(self) -> str:
        return f"{self.census}·{self.organization}"
