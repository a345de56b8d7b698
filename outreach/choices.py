"""Choices of the outreach area; their order is the one the Excel drop-downs show."""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class OutreachForm(models.TextChoices):
    """活动形式."""

    PUBLICITY_WEEK = "week", _lazy("宣传周")
    INTO_SCHOOLS = "into_schools", _lazy("进校园")
    CLASS_MEETING = "class_meeting", _lazy("班队会")
    ASSEMBLY = "assembly", _lazy("校会")
    LECTURE = "lecture", _lazy("专题报告")
    VIDEO = "video", _lazy("观看视频")
    STREET_STATION = "street", _lazy("街头宣传站")
    OTHER = "other", _lazy("其他")


# Forms held inside a school (the seed: 通过班队会、校会、专题报告、观看光盘等形式开展…安全知识教育).
SCHOOL_FORMS = (
    OutreachForm.PUBLICITY_WEEK,
    OutreachForm.INTO_SCHOOLS,
    OutreachForm.CLASS_MEETING,
    OutreachForm.ASSEMBLY,
    OutreachForm.LECTURE,
    OutreachForm.VIDEO,
    OutreachForm.OTHER,
)


class Topic(models.TextChoices):
    """宣传主题: several per event."""

    FIRE = "fire", _lazy("防火")
    EARTHQUAKE = "earthquake", _lazy("防震")
    TRAFFIC = "traffic", _lazy("交通")
    DROWNING = "drowning", _lazy("防溺水")
    FOOD = "food", _lazy("食品安全")
    STAMPEDE = "stampede", _lazy("防踩踏")
    FLOOD = "flood", _lazy("防汛防台")
    LIGHTNING = "lightning", _lazy("防雷电")
    TERROR = "terror", _lazy("反恐防暴")
    HEALTH = "health", _lazy("公共卫生")
    CYBER = "cyber", _lazy("网络安全")
    OTHER = "other", _lazy("其他")
