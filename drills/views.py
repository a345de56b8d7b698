"""Pages of 应急演练: drills, drill schedules, and the compliance page."""

from __future__ import annotations

import datetime

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from emergency.excel import SheetSpec, workbook_bytes
from emergency.generic import (
    PER_PAGE,
    RecordDeleteView,
    RecordDetailView,
    RecordEditView,
    RecordHistoryView,
    RecordListView,
    excel_response,
    history_source,
    require_write,
)
from emergency.models import AttachmentKind, Organization
from emergency.queries import check_day
from emergency.tables import TupleRows
from emergency.text import CheckedTextMixin
from emergency.years import record_span

from .compliance import SchoolRow, Window, built_compliance
from .filters import DrillFilter, DrillScheduleFilter
from .forms import DrillForm, DrillScheduleForm
from .models import Drill, DrillSchedule, ScheduledSchool
from .tables import ComplianceGroupTable, ComplianceSchoolTable, DrillScheduleTable, DrillTable

# ---- drills -----------------------------------------------------------------------------------


class DrillList(RecordListView):
    model = Drill
    queryset = Drill.objects.for_list()
    filterset_class = DrillFilter
    table_class = DrillTable
    import_kind = "drills"


class DrillDetail(RecordDetailView):
    model = Drill
    # No plan row: the plan has its own card on the page, a link with its revision state.
    fields = [
        "organization",
        "name",
        "held_on",
        "drill_type",
        "drill_form",
        "students",
        "staff",
        "duration_minutes",
        "problems_found",
        "remarks",
    ]
    attachment_kinds = ((AttachmentKind.PHOTO, _lazy("照片")), (AttachmentKind.DOCUMENT, _lazy("文档")))

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "plan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drill = self.object
        context["schedules_met"] = drill.schedules_met()
        context["can_flag_plan"] = bool(
            drill.plan_id and drill.problems_found and drill.plan.in_force and context["can_write"]
        )
        context["plan_flagged"] = bool(drill.plan_id and drill.plan_revision_reason() in drill.plan.revision_note)
        return context


class DrillEdit(RecordEditView):
    model = Drill
    form_class = DrillForm


class DrillDelete(RecordDeleteView):
    model = Drill


class DrillHistory(RecordHistoryView):
    model = Drill


@history_source(_lazy("标记预案需修订"))
@login_required
@require_POST
def drill_flag_plan(request, pk):
    """A drill found problems: mark its plan "needs revision" (突发事件应对法 Art. 28)."""
    drill = get_object_or_404(Drill.objects.visible_to(request.user).select_related("plan"), pk=pk)
    require_write(request.user, drill)
    plan = drill.plan
    if plan is None or not drill.problems_found:
        messages.error(request, _("这次演练没有关联预案或没有记录发现的问题"))
    elif not plan.in_force:
        messages.error(request, _("关联预案已废止，请在现行版本上标记"))
    else:
        # The plan is the drill's school's own, so in scope whenever the drill is.
        plan.mark_needs_revision(drill.plan_revision_reason(), request.user)
        messages.success(request, _("已标记%(p)s需修订") % {"p": plan})
    return redirect(drill.get_absolute_url())


# ---- schedules --------------------------------------------------------------------------------


class DrillScheduleList(RecordListView):
    model = DrillSchedule
    filterset_class = DrillScheduleFilter
    table_class = DrillScheduleTable

    def get_queryset(self):
        return DrillSchedule.objects.for_list(self.request.user).visible_to(self.request.user)


class DrillScheduleDetail(RecordDetailView):
    model = DrillSchedule
    fields = ["organization", "title", "drill_type", "planned_on", "deadline", "notes"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        targets = list(self.object.targets_visible_to(self.request.user))
        context["targets"] = targets
        context["done"] = sum(1 for t in targets if t.held_on)
        # Only the owner's subtree changes the schedule; a school named in it reads it.
        context["can_write"] = (
            context["can_write"]
            and DrillSchedule.objects.editable_by(self.request.user).filter(pk=self.object.pk).exists()
        )
        return context


class DrillScheduleEdit(RecordEditView):
    model = DrillSchedule
    form_class = DrillScheduleForm

    def get_queryset(self):
        return DrillSchedule.objects.editable_by(self.request.user)

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            wanted = set(form.cleaned_data["schools"])
            schedule = self.object
            schedule.targets.exclude(organization_id__in=wanted).delete()
            have = set(schedule.targets.values_list("organization_id", flat=True))
            ScheduledSchool.objects.bulk_create(
                [ScheduledSchool(schedule=schedule, organization_id=pk) for pk in wanted - have]
            )
        return response


class DrillScheduleDelete(RecordDeleteView):
    model = DrillSchedule

    def get_queryset(self):
        return DrillSchedule.objects.editable_by(self.request.user)


class DrillScheduleHistory(RecordHistoryView):
    model = DrillSchedule


# ---- compliance -------------------------------------------------------------------------------


class ComplianceForm(CheckedTextMixin, forms.Form):
    org = forms.CharField(label=_lazy("单位代码"), required=False, max_length=32)
    start = forms.CharField(label=_lazy("起始月份"), required=False, widget=forms.DateInput(attrs={"type": "month"}))
    end = forms.CharField(label=_lazy("截止月份"), required=False, widget=forms.DateInput(attrs={"type": "month"}))
    behind = forms.BooleanField(label=_lazy("只看未达标学校"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @staticmethod
    def _month(text: str, field: str) -> datetime.date | None:
        if not text:
            return None
        try:
            return check_day(datetime.datetime.strptime(text.strip()[:7], "%Y-%m").date())
        except ValueError:
            raise forms.ValidationError({field: _("月份格式应为 2026-03")}) from None
        except forms.ValidationError as exc:
            raise forms.ValidationError({field: exc.messages}) from None

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        first = self._month(cleaned.get("start"), "start") or today.replace(month=1, day=1)
        last = self._month(cleaned.get("end"), "end") or today.replace(day=1)
        if last < first:
            raise forms.ValidationError({"end": _("截止月份不能早于起始月份")})
        if (last.year - first.year) * 12 + last.month - first.month >= 60:
            raise forms.ValidationError({"end": _("统计期最长5年")})
        cleaned["window"] = Window.of_months(first, last)
        code = (cleaned.get("org") or "").strip()
        visible = Organization.objects.visible_to(self.user)
        if code:
            org = visible.filter(code=code).first()
            if org is None:
                raise forms.ValidationError({"org": _("单位代码“%(c)s”不存在或不在您的管辖范围内") % {"c": code}})
        elif self.user.organization_id:
            org = self.user.organization
        else:
            org = visible.filter(parent__isnull=True).order_by("code").first()
        cleaned["organization"] = org
        return cleaned


def _requirement_rows(result):
    return [[r.get_stage_display(), r.describe(), r.basis] for r in result.requirements]


@login_required
def compliance_page(request):
    """Required vs held drills per district and per school, for any window and part of the tree."""
    # The window and organisation in force are written into the form, so the page shows them.
    data = request.GET.copy()
    if not (data.get("start") and data.get("end")):  # the latest year with records, up to its last month
        latest = record_span().latest_month
        data.setdefault("start", f"{latest.year}-01")
        data.setdefault("end", f"{latest:%Y-%m}" if latest.year == timezone.localdate().year else f"{latest.year}-12")
    if request.user.organization_id:
        data.setdefault("org", request.user.organization.code)
    form = ComplianceForm(data, user=request.user)
    if not form.is_valid():
        return render(request, "drills/compliance.html", {"form": form}, status=400)
    org, window = form.cleaned_data["organization"], form.cleaned_data["window"]
    if org is None:
        return render(request, "drills/compliance.html", {"form": form})
    built = built_compliance(org, window)
    result = built.value
    schools = TupleRows(result.rows_behind if form.cleaned_data.get("behind") else result.rows, SchoolRow)
    if request.GET.get("export") == "xlsx":
        return excel_response(workbook_bytes(compliance_sheets(result, schools)), f"演练达标情况-{org.code}.xlsx")
    group_table = ComplianceGroupTable(result.groups, prefix="g-")
    school_table = ComplianceSchoolTable(
        schools, prefix="s-", order_by=request.GET.get("s-sort") or ("-shortfall", "code")
    )
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(group_table)
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(school_table)
    return render(
        request,
        "drills/compliance.html",
        {
            "form": form,
            "result": result,
            "built": built,
            "org": org,
            "window": window,
            "group_table": group_table if result.has_bureaus_below else None,
            "school_table": school_table,
        },
    )


def compliance_sheets(result, schools) -> list[SheetSpec]:
    title = f"{result.org.name} {result.window.label()}"
    groups = SheetSpec(
        "按区县",
        [
            "单位",
            "学校数",
            "有演练要求的学校",
            "达标学校",
            "未达标学校",
            "达标率(%)",
            "应开展次数",
            "已开展次数",
            "缺少次数",
            "要求完成率(%)",
            "各类演练总数",
        ],
        (
            [
                g.name,
                g.schools,
                g.with_requirement,
                g.compliant,
                g.behind,
                g.rate,
                g.required,
                g.held,
                g.shortfall,
                g.completion,
                g.all_drills,
            ]
            for g in [*result.groups, result.total]
        ),
        note=title,
    )
    by_school = SheetSpec(
        "按学校",
        [
            "单位代码",
            "学校",
            "所属单位",
            "学段",
            "演练要求",
            "应开展次数",
            "已开展次数",
            "达标月(季)数",
            "应达标月(季)数",
            "缺少次数",
            "各类演练总数",
            "结果",
        ],
        (
            [
                s.code,
                s.name,
                s.group_name,
                s.stage_label,
                result.requirement_text(s),
                s.required,
                s.held,
                s.met_periods,
                s.required_periods,
                s.shortfall,
                s.all_drills,
                "达标" if s.compliant else "未达标" if s.behind else "无要求",
            ]
            for s in schools
        ),
        note=title,
    )
    return [groups, by_school, SheetSpec("达标要求", ["学段", "要求", "依据"], _requirement_rows(result))]


# ---- home panel -------------------------------------------------------------------------------
