"""Choices of the hazard area; their order is the one the Excel drop-downs show."""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class CampaignKind(models.TextChoices):
    SELF = "self", _lazy("自查")
    SPECIAL = "special", _lazy("专项检查")
    JOINT = "joint", _lazy("联合检查")


class HazardCategory(models.TextChoices):
    FIRE = "fire", _lazy("消防安全")
    BUILDING = "building", _lazy("校舍安全")
    FOOD = "food", _lazy("食品卫生")
    TRAFFIC = "traffic", _lazy("交通安全")
    SURROUNDINGS = "surroundings", _lazy("周边环境")
    ELECTRICITY = "electricity", _lazy("用电安全")
    EQUIPMENT = "equipment", _lazy("设施设备")
    OTHER = "other", _lazy("其他")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _lazy("一般隐患")
    MAJOR = "major", _lazy("重大隐患")


class HazardStatus(models.TextChoices):
    PENDING = "pending", _lazy("待整改")
    RECTIFYING = "rectifying", _lazy("整改中")
    REVIEW = "review", _lazy("待复查")
    CLOSED = "closed", _lazy("已销号")


class HazardAction(models.TextChoices):
    """What a transition did; 登记 is the hazard's first entry in its history."""

    REGISTER = "register", _lazy("登记")
    START = "start", _lazy("开始整改")
    SUBMIT = "submit", _lazy("提交复查")
    CLOSE = "close", _lazy("复查销号")
    RETURN = "return", _lazy("退回整改")


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _lazy("逾期提醒")
    SUPERVISION = "supervision", _lazy("督办通知")


# The states an Excel import may set (its 状态 column): a new hazard starts as 待整改 or
# 整改中; 待复查 needs someone who submitted the rectification and 已销号 a re-inspection, both only
# through the actions in the browser.
IMPORT_STATES = (HazardStatus.PENDING, HazardStatus.RECTIFYING)

STATUS_BADGES = {
    HazardStatus.PENDING: "danger",
    HazardStatus.RECTIFYING: "warning",
    HazardStatus.REVIEW: "info",
    HazardStatus.CLOSED: "success",
}
