from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class PlanCategory(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _lazy("综合应急预案")
    SPECIAL = "special", _lazy("专项应急预案")
    ON_SITE = "on_site", _lazy("现场处置方案")


class EventType(models.TextChoices):
    """The four kinds of emergency of 突发事件应对法."""

    NATURAL = "natural", _lazy("自然灾害")
    ACCIDENT = "accident", _lazy("事故灾难")
    HEALTH = "health", _lazy("公共卫生事件")
    SOCIAL = "social", _lazy("社会安全事件")


class PlanStatus(models.TextChoices):
    CURRENT = "current", _lazy("现行")
    REVISING = "revising", _lazy("修订中")
    RETIRED = "retired", _lazy("已废止")


class PlanLevel(models.TextChoices):
    """Who owns a plan: a bureau (市/区县教育局) or a school."""

    BUREAU = "bureau", _lazy("教育局预案")
    SCHOOL = "school", _lazy("学校预案")


STATUS_BADGES = {PlanStatus.CURRENT: "success", PlanStatus.REVISING: "warning", PlanStatus.RETIRED: "secondary"}
