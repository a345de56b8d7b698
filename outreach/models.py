"""应急管理宣传: campaigns (e.g. 应急管理宣传周, with their dates for the year and their plan
document) and the publicity events held by schools and bureaus, with what they handed out."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from emergency.models import Document, Record, RecordQuerySet, track_history

from .choices import OutreachForm, Topic


class CampaignQuerySet(RecordQuerySet):
    def for_list(self) -> CampaignQuerySet:
        return self.select_related("organization", "plan").annotate(event_count=models.Count("activities"))

    def for_organisation(self, org) -> CampaignQuerySet:
        """Campaigns an organisation takes part in: its own and those of the bureaus above it."""
        parts = org.path.strip("/").split("/")
        ancestors = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        return self.filter(organization__path__in=ancestors)


@track_history
class OutreachCampaign(Record):
    """A publicity campaign a bureau runs (应急管理宣传周, 安全教育日 …): its dates for the year and
    the plan document (活动方案) that sets it out. Schools' events during it are linked to it."""

    name = models.CharField(_lazy("活动名称"), max_length=100)
    starts_on = models.DateField(_lazy("开始日期"))
    ends_on = models.DateField(_lazy("结束日期"))
    theme = models.CharField(_lazy("活动主题"), max_length=200, blank=True)
    plan = models.ForeignKey(
        Document,
        verbose_name=_lazy("活动方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_lazy("说明"), blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("宣传活动方案")
        verbose_name_plural = pgettext_lazy("plural", "宣传活动方案")
        ordering = ["-starts_on", "name"]
        indexes = [models.Index(fields=["starts_on"])]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "starts_on"], name="campaign_once_per_start")
        ]

    def __str__(self) -> str:
        return _("%(year)d年%(name)s") % {"year": self.starts_on.year, "name": self.name}

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})


class EventQuerySet(RecordQuerySet):
    def for_list(self) -> EventQuerySet:
        return self.select_related("organization", "campaign")


# What an event counts: people reached and materials handed out (lists, imports, summary, dashboard).
COUNTS = ("participants", "banners", "posters", "boards", "leaflets")


@track_history
class OutreachEvent(Record):
    """One publicity event: a 班队会, a 专题报告, a street publicity station …, its topics, how many
    took part and the materials used (横幅 条, 挂图 套, 展板 块, 宣传单 张); photos as attachments."""

    campaign = models.ForeignKey(
        OutreachCampaign,
        verbose_name=_lazy("所属宣传活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    name = models.CharField(_lazy("活动名称"), max_length=100)
    held_on = models.DateField(_lazy("活动日期"))
    form = models.CharField(_lazy("活动形式"), max_length=16, choices=OutreachForm.choices)
    topics = ArrayField(
        models.CharField(max_length=16, choices=Topic.choices), verbose_name=_lazy("宣传主题"), default=list, blank=True
    )
    participants = models.PositiveIntegerField(_lazy("参与人数"), default=0)
    banners = models.PositiveIntegerField(_lazy("横幅(条)"), default=0)
    posters = models.PositiveIntegerField(_lazy("挂图(套)"), default=0)
    boards = models.PositiveIntegerField(_lazy("展板(块)"), default=0)
    leaflets = models.PositiveIntegerField(_lazy("宣传单(张)"), default=0)
    notes = models.TextField(_lazy("备注"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("宣传活动")
        verbose_name_plural = pgettext_lazy("plural", "宣传活动")
        ordering = ["-held_on", "name"]
        indexes = [models.Index(fields=["held_on"])]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "held_on"], name="outreach_event_natural_key")
        ]

    def __str__(self) -> str:
        return self.name

    def get_topics_display(self) -> str:
        labels = dict(Topic.choices)
        return "、".join(str(labels.get(t, t)) for t in self.topics)
