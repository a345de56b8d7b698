from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanCategory(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ON_SITE = "on_site", _("现场处置方案")


class EventType(models.TextChoices):
    """The four kinds of emergency of 突发事件应对法."""

    NATURAL = "natural", _("自然灾害")
    ACCIDENT = "accident", _("事故灾难")
    HEALTH = "health", _("公共卫生事件")
    SOCIAL = "social", _("社会安全事件")


class PlanStatus(models.TextChoices):
    CURRENT = "current", _("现行")
    REVISING = "revising", _("修订中")
    RETIRED = "retired", _("已废止")


class PlanLevel(models.TextChoices):
    """Who owns a plan: a bureau (市/区县教育局) or a school."""

    BUREAU = "bureau", _("教育局预案")
    SCHOOL = "school", _("学校预案")


STATUS_BADGES = {PlanStatus.CURRENT: "success", PlanStatus.REVISING: "warning", PlanStatus.RETIRED: "secondary"}
