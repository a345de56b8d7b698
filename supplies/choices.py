"""Choices of the supplies area, with their Chinese labels and badge colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class SupplyCategory(models.TextChoices):
    """物资类别, in the order the Excel drop-down shows them."""

    FIRE = "fire", _lazy("消防器材")
    MEDICAL = "medical", _lazy("医疗急救")
    RESCUE = "rescue", _lazy("救生器材")
    LIGHTING = "lighting", _lazy("照明通信")
    LIVING = "living", _lazy("生活保障")
    PROTECTIVE = "protective", _lazy("防护用品")
    OTHER = "other", _lazy("其他")


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
    RECEIVE = "receive", _lazy("入库")
    ISSUE = "issue", _lazy("出库")
    TRANSFER = "transfer", _lazy("调拨")
    SCRAP = "scrap", _lazy("报废")
    COUNT = "count", _lazy("盘点")


class MaintenanceKind(models.TextChoices):
    UPKEEP = "upkeep", _lazy("维护")
    SERVICE = "service", _lazy("保养")
    TEST = "test", _lazy("检测")


class MaintenanceResult(models.TextChoices):
    GOOD = "good", _lazy("完好")
    REPAIRED = "repaired", _lazy("已维修")
    REPLACE = "replace", _lazy("需更换")


class AlertKind(models.TextChoices):
    EXPIRING = "expiring", _lazy("即将过期")
    EXPIRED = "expired", _lazy("已过期")
    BELOW_STANDARD = "below_standard", _lazy("低于储备标准")
    INSPECTION_OVERDUE = "inspection_overdue", _lazy("检查逾期")


ALERT_BADGES = {
    AlertKind.EXPIRING: "warning",
    AlertKind.EXPIRED: "danger",
    AlertKind.BELOW_STANDARD: "danger",
    AlertKind.INSPECTION_OVERDUE: "warning",
}


class CensusStatus(models.TextChoices):
    OPEN = "open", _lazy("进行中")
    CLOSED = "closed", _lazy("已结束")


class ReturnStatus(models.TextChoices):
    PENDING = "pending", _lazy("待确认")
    CONFIRMED = "confirmed", _lazy("已确认无误")
    CORRECTED = "corrected", _lazy("已更正")


RETURN_BADGES = {
    ReturnStatus.PENDING: "secondary",
    ReturnStatus.CONFIRMED: "success",
    ReturnStatus.CORRECTED: "info",
}
