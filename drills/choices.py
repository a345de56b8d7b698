from django.db import models
from django.utils.translation import gettext_lazy as _


class DrillType(models.TextChoices):
    EVACUATION = "evacuation", _("疏散")
    FIRE = "fire", _("消防")
    EARTHQUAKE = "earthquake", _("防震")
    STAMPEDE = "stampede", _("防踩踏")
    ANTI_TERROR = "anti_terror", _("反恐防暴")
    DROWNING = "drowning", _("防溺水")
    FOOD_SAFETY = "food_safety", _("食品安全")
    OTHER = "other", _("其他")


class DrillForm(models.TextChoices):
    LIVE = "live", _("实战演练")
    TABLETOP = "tabletop", _("桌面推演")
    COMBINED = "combined", _("综合演练")


class RequirementPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")


# The 指南 (教基一厅〔2014〕2号) is about emergency *evacuation*: fire and earthquake drills in
# schools are evacuation drills too, so by default they count towards the requirement.
EVACUATION_TYPES = [DrillType.EVACUATION, DrillType.FIRE, DrillType.EARTHQUAKE]
