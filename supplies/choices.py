"""Choices of the supplies area, with their Chinese labels and badge colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplyCategory(models.TextChoices):
    """物资类别, in DESIGN.md's order (the Excel drop-down shows them so)."""

    FIRE = "fire", _("消防器材")
    MEDICAL = "medical", _("医疗急救")
    RESCUE = "rescue", _("救生器材")
    LIGHTING = "lighting", _("照明通信")
    LIVING = "living", _("生活保障")
    PROTECTIVE = "protective", _("防护用品")
    OTHER = "other", _("其他")


# Days between two inspections of an item, by category, unless the catalogue sets its own.
# Fire extinguishers are checked monthly (GB 50444); the others are our defaults.
DEFAULT_CHECK_INTERVAL_DAYS = {
    SupplyCategory.FIRE: 30,
    SupplyCategory.MEDICAL: 90,
    SupplyCategory.RESCUE: 180,
    SupplyCategory.LIGHTING: 90,
    SupplyCategory.LIVING: 180,
    SupplyCategory.PROTECTIVE: 180,
    SupplyCategory.OTHER: 180,
}


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("入库")
    ISSUE = "issue", _("出库")
    TRANSFER = "transfer", _("调拨")
    SCRAP = "scrap", _("报废")
    COUNT = "count", _("盘点")


class MaintenanceKind(models.TextChoices):
    UPKEEP = "upkeep", _("维护")
    SERVICE = "service", _("保养")
    TEST = "test", _("检测")


class MaintenanceResult(models.TextChoices):
    GOOD = "good", _("完好")
    REPAIRED = "repaired", _("已维修")
    REPLACE = "replace", _("需更换")


class AlertKind(models.TextChoices):
    EXPIRING = "expiring", _("即将过期")
    EXPIRED = "expired", _("已过期")
    BELOW_STANDARD = "below_standard", _("低于储备标准")
    INSPECTION_OVERDUE = "inspection_overdue", _("检查逾期")


ALERT_BADGES = {
    AlertKind.EXPIRING: "warning",
    AlertKind.EXPIRED: "danger",
    AlertKind.BELOW_STANDARD: "danger",
    AlertKind.INSPECTION_OVERDUE: "warning",
}


class CensusStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class ReturnStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认无误")
    CORRECTED = "corrected", _("已更正")


RETURN_BADGES = {
    ReturnStatus.PENDING: "secondary",
    ReturnStatus.CONFIRMED: "success",
    ReturnStatus.CORRECTED: "info",
}
