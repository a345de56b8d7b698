"""Choices of the outreach area, in DESIGN.md's order (the Excel drop-downs show them so)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutreachForm(models.TextChoices):
    """活动形式."""

    PUBLICITY_WEEK = "week", _("宣传周")
    INTO_SCHOOLS = "into_schools", _("进校园")
    CLASS_MEETING = "class_meeting", _("班队会")
    ASSEMBLY = "assembly", _("校会")
    LECTURE = "lecture", _("专题报告")
    VIDEO = "video", _("观看视频")
    STREET_STATION = "street", _("街头宣传站")
    OTHER = "other", _("其他")


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

    FIRE = "fire", _("防火")
    EARTHQUAKE = "earthquake", _("防震")
    TRAFFIC = "traffic", _("交通")
    DROWNING = "drowning", _("防溺水")
    FOOD = "food", _("食品安全")
    STAMPEDE = "stampede", _("防踩踏")
    FLOOD = "flood", _("防汛防台")
    LIGHTNING = "lightning", _("防雷电")
    TERROR = "terror", _("反恐防暴")
    HEALTH = "health", _("公共卫生")
    CYBER = "cyber", _("网络安全")
    OTHER = "other", _("其他")
