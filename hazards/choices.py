"""Choices of the hazard area, in the order DESIGN.md lists them (the Excel drop-downs follow it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    SELF = "self", _("自查")
    SPECIAL = "special", _("专项检查")
    JOINT = "joint", _("联合检查")


class HazardCategory(models.TextChoices):
    FIRE = "fire", _("消防安全")
    BUILDING = "building", _("校舍安全")
    FOOD = "food", _("食品卫生")
    TRAFFIC = "traffic", _("交通安全")
    SURROUNDINGS = "surroundings", _("周边环境")
    ELECTRICITY = "electricity", _("用电安全")
    EQUIPMENT = "equipment", _("设施设备")
    OTHER = "other", _("其他")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    REVIEW = "review", _("待复查")
    CLOSED = "closed", _("已销号")


class HazardAction(models.TextChoices):
    """What a transition did; 登记 is the hazard's first entry in its history."""

    REGISTER = "register", _("登记")
    START = "start", _("开始整改")
    SUBMIT = "submit", _("提交复查")
    CLOSE = "close", _("复查销号")
    RETURN = "return", _("退回整改")


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("逾期提醒")
    SUPERVISION = "supervision", _("督办通知")


# The states an Excel import may set (DESIGN.md's 状态 column): a new hazard starts as 待整改 or
# 整改中; 待复查 needs someone who submitted the rectification and 已销号 a re-inspection, both only
# through the actions in the browser.
IMPORT_STATES = (HazardStatus.PENDING, HazardStatus.RECTIFYING)

STATUS_BADGES = {
    HazardStatus.PENDING: "danger",
    HazardStatus.RECTIFYING: "warning",
    HazardStatus.REVIEW: "info",
    HazardStatus.CLOSED: "success",
}
