from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class DrillType(models.TextChoices):
    EVACUATION = "evacuation", _lazy("疏散")
    FIRE = "fire", _lazy("消防")
    EARTHQUAKE = "earthquake", _lazy("防震")
    STAMPEDE = "stampede", _lazy("防踩踏")
    ANTI_TERROR = "anti_terror", _lazy("反恐防暴")
    DROWNING = "drowning", _lazy("防溺水")
    FOOD_SAFETY = "food_safety", _lazy("食品安全")
    OTHER = "other", _lazy("其他")


class DrillForm(models.TextChoices):
    LIVE = "live", _lazy("实战演练")
    TABLETOP = "tabletop", _lazy("桌面推演")
    COMBINED = "combined", _lazy("综合演练")


class RequirementPeriod(models.TextChoices):
    MONTH = "month", _lazy("每月")
    QUARTER = "quarter", _lazy("每季度")


# The 指南 (教基一厅〔2014〕2号) is about emergency *evacuation*: fire and earthquake drills in
# schools are evacuation drills too, so by default they count towards the requirement.
EVACUATION_TYPES = [DrillType.EVACUATION, DrillType.FIRE, DrillType.EARTHQUAKE]
