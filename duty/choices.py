"""The choices of duty rosters and incident reports, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class ShiftKind(models.TextChoices):
    """班次: the times of each are settings (duty.conf.shift_times)."""

    DAY = "day", _lazy("白班")
    NIGHT = "night", _lazy("夜班")
    FULL = "full", _lazy("全天")


class SwapPosition(models.TextChoices):
    LEADER = "leader", _lazy("带班领导")
    OFFICER_1 = "officer_1", _lazy("值班人员1")
    OFFICER_2 = "officer_2", _lazy("值班人员2")


class LogKind(models.TextChoices):
    """What a duty log line records: something received during the shift, or the handover."""

    CALL = "call", _lazy("来电")
    DOCUMENT = "document", _lazy("来文")
    EVENT = "event", _lazy("事件")
    HANDOVER = "handover", _lazy("交接班")
    OTHER = "other", _lazy("其他")


class IncidentType(models.TextChoices):
    """突发事件类型 as the 突发事件应对法 names them."""

    NATURAL = "natural", _lazy("自然灾害")
    ACCIDENT = "accident", _lazy("事故灾难")
    PUBLIC_HEALTH = "public_health", _lazy("公共卫生事件")
    SOCIAL_SECURITY = "social_security", _lazy("社会安全事件")


class IncidentLevel(models.TextChoices):
    """突发事件等级, gravest first."""

    PARTICULARLY_MAJOR = "particularly_major", _lazy("特别重大")
    MAJOR = "major", _lazy("重大")
    LARGE = "large", _lazy("较大")
    GENERAL = "general", _lazy("一般")


# 较大 and above: reported within the hour and named in the summary's narrative.
SERIOUS_LEVELS = (IncidentLevel.PARTICULARLY_MAJOR, IncidentLevel.MAJOR, IncidentLevel.LARGE)


class ReportStage(models.TextChoices):
    """The chain of an incident's reports: one 初报, any number of 续报, one 终报 that closes it."""

    INITIAL = "initial", _lazy("初报")
    FOLLOW_UP = "follow_up", _lazy("续报")
    FINAL = "final", _lazy("终报")


class Timeliness(models.TextChoices):
    """How an incident's first report stands against the time limit of its level."""

    ON_TIME = "on_time", _lazy("按时报送")
    LATE = "late", _lazy("迟报")
    OVERDUE = "overdue", _lazy("逾期未报")
    PENDING = "pending", _lazy("待初报")

    @property
    def badge(self) -> str:
        return {"on_time": "success", "late": "danger", "overdue": "danger", "pending": "warning"}[self.value]
