import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordTable
from emergency.tables import RowsTable

from .models import Drill, DrillSchedule


class DrillTable(RecordTable):
    name = tables.Column(linkify=True)
    plan = tables.Column(verbose_name=_lazy("关联预案"), accessor="plan__name", order_by=("plan__name",))
    participants = tables.Column(verbose_name=_lazy("参演人次"), orderable=False, empty_values=())

    class Meta(RecordTable.Meta):
        model = Drill
        fields = ["name", "organization", "held_on", "drill_type", "drill_form", "plan", "students", "staff"]
        order_by = "-held_on"

    def render_participants(self, record):
        return record.participants


class DrillScheduleTable(RecordTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_lazy("安排单位"), order_by=("organization__path",))
    target_count = tables.Column(verbose_name=_lazy("安排学校数"))
    done_count = tables.Column(verbose_name=_lazy("已完成学校数"))

    class Meta(RecordTable.Meta):
        model = DrillSchedule
        fields = ["title", "organization", "drill_type", "planned_on", "deadline", "target_count", "done_count"]
        order_by = "-planned_on"

    def value_done_count(self, value):
        return value

    def render_done_count(self, value, record):
        colour = "success" if value == record.target_count else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, value)


class ComplianceGroupTable(RowsTable):
    """Compliance per district (child of the organisation looked at); rows are `GroupRow`s."""

    name = tables.Column(verbose_name=_lazy("单位"))
    schools = tables.Column(verbose_name=_lazy("学校数"))
    with_requirement = tables.Column(verbose_name=_lazy("有演练要求的学校"))
    compliant = tables.Column(verbose_name=_lazy("达标学校"))
    behind = tables.Column(verbose_name=_lazy("未达标学校"))
    rate = tables.Column(verbose_name=_lazy("达标率(%)"))
    required = tables.Column(verbose_name=_lazy("应开展次数"))
    held = tables.Column(verbose_name=_lazy("已开展次数"))
    shortfall = tables.Column(verbose_name=_lazy("缺少次数"))
    completion = tables.Column(verbose_name=_lazy("要求完成率(%)"))
    all_drills = tables.Column(verbose_name=_lazy("各类演练总数"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "compliance-groups"}
        empty_text = _lazy("范围内没有学校")


class ComplianceSchoolTable(RowsTable):
    """Compliance per school; rows are `SchoolRow`s."""

    code = tables.Column(verbose_name=_lazy("单位代码"))
    name = tables.Column(verbose_name=_lazy("学校"))
    group_name = tables.Column(verbose_name=_lazy("所属单位"))
    stage_label = tables.Column(verbose_name=_lazy("学段"), order_by=("stage",))
    required = tables.Column(verbose_name=_lazy("应开展次数"))
    held = tables.Column(verbose_name=_lazy("已开展次数"))
    met = tables.Column(verbose_name=_lazy("达标月(季)数"), accessor="met_periods", order_by=("met_periods",))
    shortfall = tables.Column(verbose_name=_lazy("缺少次数"))
    all_drills = tables.Column(verbose_name=_lazy("各类演练总数"))
    state = tables.Column(verbose_name=_lazy("结果"), accessor="shortfall", order_by=("shortfall",))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "compliance-schools"}
        empty_text = _lazy("没有符合条件的学校")

    def render_met(self, value, record):
        return f"{value}/{record.required_periods}"

    def render_state(self, value, record):
        if not record.has_requirement:
            return format_html('<span class="badge text-bg-light">{}</span>', _("无要求"))
        if record.compliant:
            return format_html('<span class="badge text-bg-success">{}</span>', _("达标"))
        return format_html('<span class="badge text-bg-danger">{}</span>', _("未达标"))
