"""Pages of duty rosters, the duty log and incident reports. The record pages are the generic ones;
the roster pages (month, builder, coverage, exports) and the POST actions (swap, report, sign)
are small functions, each scoped with visible_to and refused to read-only leaders."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from emergency.generic import (
    RecordDeleteView,
    RecordDetailView,
    RecordEditView,
    RecordHistoryView,
    RecordListView,
    excel_response,
    history_source,
    permitted_url,
    require_write,
    writes_to,
)
from emergency.models import Organization
from emergency.queries import query_year
from emergency.text import text_problem
from emergency.years import record_span

from . import conf, coverage, roster
from .filters import DutyLogFilter, DutyShiftFilter, IncidentFilter
from .forms import (
    DutyLogForm,
    DutyShiftForm,
    IncidentForm,
    PeriodForm,
    ProposalFormSet,
    ReportForm,
    RosterBuilderForm,
    SwapForm,
    parse_month,
)
from .models import DutyLog, DutyShift, Holiday, Incident, ReportReceipt
from .tables import DutyLogTable, DutyShiftTable, IncidentTable


def _org_in_scope(request, code: str | None) -> Organization | None:
    """The organisation named by code (default: the user's own), or 404 when out of scope."""
    code = (code or "").strip()
    if not code:
        return request.user.organization
    if text_problem(code):
        raise BadRequest(text_problem(code))
    return get_object_or_404(Organization.objects.visible_to(request.user), code=code)


# ---- shifts -----------------------------------------------------------------------------------


class DutyShiftList(RecordListView):
    model = DutyShift
    queryset = DutyShift.objects.for_list()
    filterset_class = DutyShiftFilter
    table_class = DutyShiftTable
    import_kind = "duty"


class DutyShiftDetail(RecordDetailView):
    model = DutyShift
    queryset = DutyShift.objects.for_list()
    fields = ["organization", "date", "shift", "leader", "officer_1", "officer_2", "phone"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shift = self.object
        context.update(
            swaps=shift.swaps.select_related("exchanged_with"),
            log_entries=shift.log_entries.all(),
            swap_form=SwapForm(shift=shift),
            start_end=shift.window,
        )
        return context


class DutyShiftEdit(RecordEditView):
    model = DutyShift
    form_class = DutyShiftForm


class DutyShiftDelete(RecordDeleteView):
    model = DutyShift


class DutyShiftHistory(RecordHistoryView):
    model = DutyShift


@history_source(_lazy("调班"))
@login_required
@require_POST
def dutyshift_swap(request, pk):
    """调班 on a shift, with who agreed; a trade with another shift changes both."""
    shift = get_object_or_404(DutyShift.objects.visible_to(request.user).select_related("leader"), pk=pk)
    require_write(request.user, shift)
    form = SwapForm(request.POST, shift=shift)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shift.swap(
                data["position"],
                data["replacement"],
                data["agreed_by"],
                request.user,
                reason=data["reason"],
                exchange=data["exchange"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已调班：%(s)s") % {"s": shift})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(shift.get_absolute_url())


# ---- the duty log -----------------------------------------------------------------------------


class DutyLogList(RecordListView):
    model = DutyLog
    queryset = DutyLog.objects.for_list()
    filterset_class = DutyLogFilter
    table_class = DutyLogTable


class DutyLogDetail(RecordDetailView):
    model = DutyLog
    queryset = DutyLog.objects.for_list().select_related("incident")
    fields = ["organization", "shift", "kind", "received_at", "source", "content", "handling", "incident"]


class DutyLogEdit(RecordEditView):
    model = DutyLog
    form_class = DutyLogForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        shift_id = self.request.GET.get("shift", "")
        if shift_id.isdigit():
            kwargs["shift"] = DutyShift.objects.visible_to(self.request.user).filter(pk=shift_id).first()
        return kwargs


class DutyLogDelete(RecordDeleteView):
    model = DutyLog


class DutyLogHistory(RecordHistoryView):
    model = DutyLog


# ---- incidents --------------------------------------------------------------------------------


class IncidentList(RecordListView):
    model = Incident
    queryset = Incident.objects.for_list()
    filterset_class = IncidentFilter
    table_class = IncidentTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["limits_sentence"] = roster.limits_sentence()
        return context


class IncidentDetail(RecordDetailView):
    model = Incident
    queryset = Incident.objects.select_related("organization").with_timeliness()
    fields = [*IncidentForm.Meta.fields]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        reports = list(incident.reports.select_related("created_by").prefetch_related("receipts__organization"))
        stages = incident.next_stages(reports)
        user = self.request.user
        own = user.organization_id
        unsigned = [
            r
            for r in reports
            if own and own != incident.organization_id and own not in {x.organization_id for x in r.receipts.all()}
        ]
        context.update(
            reports=reports,
            timeliness=incident.timeliness(),
            deadline=incident.report_deadline,
            limit=conf.describe_limit(incident.report_limit),
            report_form=ReportForm(stages=stages, initial={"author": str(user)}) if stages else None,
            unsigned=unsigned,
        )
        return context


class IncidentEdit(RecordEditView):
    model = Incident
    form_class = IncidentForm


class IncidentDelete(RecordDeleteView):
    model = Incident


class IncidentHistory(RecordHistoryView):
    model = Incident


@history_source(_lazy("报送"))
@login_required
@require_POST
def incident_report(request, pk):
    """File the next report of the chain (初报, 续报 or 终报)."""
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    require_write(request.user, incident)
    form = ReportForm(request.POST, stages=incident.next_stages())
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = incident.file_report(
                data["stage"], data["text"], data["author"], request.user, reported_at=data["reported_at"]
            )
        except (ValidationError, IntegrityError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [_("报告未保存，请刷新后重试")])))
        else:
            messages.success(request, _("已报送%(s)s") % {"s": report.get_stage_display()})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(incident.get_absolute_url())


@history_source(_lazy("签收报告"))
@login_required
@require_POST
def incident_receive(request, pk):
    """签收: the user's bureau has read every report of this incident from a unit below."""
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    require_write(request.user, incident)
    own = request.user.organization_id
    if own is None or own == incident.organization_id:
        raise PermissionDenied(_("只有上级单位签收下级报送的信息"))
    with transaction.atomic():
        pending = incident.reports.exclude(receipts__organization_id=own)
        ReportReceipt.objects.bulk_create(
            [
                ReportReceipt(report=r, organization_id=own, created_by=request.user, updated_by=request.user)
                for r in pending
            ],
            ignore_conflicts=True,
        )
    messages.success(request, _("已签收"))
    return redirect(incident.get_absolute_url())


# ---- the monthly roster, its exports, the builder and the coverage check -----------------------


def _month_param(request) -> tuple[int, int]:
    text = request.GET.get("month") or f"{record_span().latest_month:%Y-%m}"
    try:
        return parse_month(text)
    except ValidationError:
        raise Http404 from None


def _month_shifts(org: Organization, year: int, month: int) -> list[DutyShift]:
    days = roster.month_days(year, month)
    return list(
        DutyShift.objects.filter(organization=org, date__gte=days[0], date__lte=days[-1])
        .select_related("leader")
        .order_by(*DutyShift._meta.ordering)
    )


@login_required
def roster_month(request):
    """The month's roster of one organisation, day by day, with its coverage and holidays."""
    org = _org_in_scope(request, request.GET.get("org"))
    year, month = _month_param(request)
    context = {"org": org, "year": year, "month": month, "month_value": f"{year:04d}-{month:02d}"}
    context["build_url"] = permitted_url(request.user, "duty:roster_build")
    first = datetime.date(year, month, 1)
    context["previous"] = f"{(first - datetime.timedelta(days=1)):%Y-%m}"
    context["following"] = f"{(first + datetime.timedelta(days=32)):%Y-%m}"
    if org is not None:
        shifts = _month_shifts(org, year, month)
        days = roster.month_days(year, month)
        holidays = {h.date: h for h in Holiday.objects.filter(date__gte=days[0], date__lte=days[-1])}
        by_day: dict[datetime.date, list[DutyShift]] = {}
        for s in shifts:
            by_day.setdefault(s.date, []).append(s)
        context["days"] = [
            {"date": d, "weekday": formats.date_format(d, "l"), "holiday": holidays.get(d), "shifts": by_day.get(d, [])}
            for d in days
        ]
        context.update(first_day=days[0], last_day=days[-1])
        context["coverage"] = coverage.check_organisation(org, days[0], days[-1])
        context["query"] = urlencode({"org": org.code, "month": context["month_value"]})
    return render(request, "duty/roster_month.html", context)


@login_required
def roster_export(request):
    org = _org_in_scope(request, request.GET.get("org"))
    if org is None:
        raise Http404
    year, month = _month_param(request)
    data = roster.roster_workbook(org, year, month, _month_shifts(org, year, month), prepared_by=str(request.user))
    return excel_response(data, f"{org.name}{year}年{month}月值班表.xlsx")


@login_required
def responsibility_export(request):
    """值班工作人员责任表 of a month (month=YYYY-MM) or a whole year (year=YYYY)."""
    org = _org_in_scope(request, request.GET.get("org"))
    if org is None:
        raise Http404
    if request.GET.get("year"):
        year = query_year(request, 0)
        first, last, period = datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}年"
    else:
        year, month = _month_param(request)
        days = roster.month_days(year, month)
        first, last, period = days[0], days[-1], f"{year}年{month}月"
    shifts = list(
        DutyShift.objects.filter(organization=org, date__gte=first, date__lte=last)
        .select_related("leader")
        .order_by(*DutyShift._meta.ordering)
    )
    data = roster.responsibility_workbook(org, period, shifts)
    return excel_response(data, f"{org.name}值班工作人员责任表（{period}）.xlsx")


def _proposal_rows(formset, org: Organization) -> list[dict]:
    """What each row of the preview shows beside its inputs: the day, the shift, holiday, whether
    it replaces a saved shift."""
    rows = []
    for form in formset:
        raw_day = form["date"].value()
        day = raw_day if isinstance(raw_day, datetime.date) else datetime.date.fromisoformat(str(raw_day))
        rows.append(
            {"form": form, "date": day, "weekday": formats.date_format(day, "l"), "shift": form["shift"].value()}
        )
    if rows:
        holidays = {h.date: h for h in Holiday.objects.filter(date__gte=rows[0]["date"], date__lte=rows[-1]["date"])}
        saved: dict[datetime.date, set[str]] = {}
        for day, kind in DutyShift.objects.filter(
            organization=org, date__gte=rows[0]["date"], date__lte=rows[-1]["date"]
        ).values_list("date", "shift"):
            saved.setdefault(day, set()).add(kind)
        labels = dict(DutyShift._meta.get_field("shift").choices)
        for row in rows:
            kinds = saved.get(row["date"], set())
            row["holiday"] = holidays.get(row["date"])
            row["saved"] = row["shift"] in kinds
            # A 全天 shift beside a 白班/夜班 of the same day would be a double booking.
            start, end = conf.shift_window(row["date"], row["shift"])
            row["overlaps"] = [
                labels[k]
                for k in sorted(kinds - {row["shift"]})
                if conf.shift_window(row["date"], k)[0] < end and start < conf.shift_window(row["date"], k)[1]
            ]
            row["shift_label"] = labels.get(row["shift"], "")
    return rows


@history_source(_lazy("排班"))
@login_required
@writes_to(DutyShift)
def roster_build(request):
    """Propose a month from the rotations, let staff adjust every row, then save in one go."""
    form = RosterBuilderForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        members = roster.group_members(org)
        year, month = form.cleaned_data["month"]
        if "save" in request.POST:
            formset = ProposalFormSet(request.POST, form_kwargs={"members": members})
            if formset.is_valid():
                try:
                    count = _save_proposals(org, year, month, formset, request.user)
                except ValidationError as exc:
                    messages.error(request, "；".join(exc.messages))
                else:
                    messages.success(request, _("已保存%(n)d个班次") % {"n": count})
                    query = urlencode({"org": org.code, "month": f"{year:04d}-{month:02d}"})
                    return redirect(reverse("duty:roster_month") + "?" + query)
        else:
            try:
                proposals = form.propose()
            except ValidationError as exc:
                form.add_error(None, exc)
                return render(request, "duty/roster_build.html", context)
            formset = ProposalFormSet(
                initial=[
                    {
                        "keep": True,
                        "date": p.date,
                        "shift": p.shift,
                        "leader": p.leader.pk if p.leader else "",
                        "officer_1": p.officer_1,
                        "officer_2": p.officer_2,
                        "phone": p.phone,
                    }
                    for p in proposals
                ],
                form_kwargs={"members": members},
            )
        context.update(formset=formset, rows=_proposal_rows(formset, org), org=org)
    return render(request, "duty/roster_build.html", context)


def _save_proposals(org: Organization, year: int, month: int, formset, user) -> int:
    days = roster.month_days(year, month)
    kept = [f.cleaned_data for f in formset if f.cleaned_data.get("keep")]
    if any(not days[0] <= row["date"] <= days[-1] for row in kept):
        raise ValidationError(_("排班日期不在所选月份内"))
    count = 0
    try:
        with transaction.atomic():
            existing = {
                (s.date, s.shift): s
                for s in DutyShift.objects.select_for_update().filter(
                    organization=org, date__gte=days[0], date__lte=days[-1]
                )
            }
            for row in kept:
                shift = existing.get((row["date"], row["shift"])) or DutyShift(
                    organization=org, date=row["date"], shift=row["shift"], created_by=user
                )
                shift.leader = row["member"]
                shift.officer_1, shift.officer_2, shift.phone = row["officer_1"], row["officer_2"], row["phone"]
                shift.updated_by = user
                shift.save()
                count += 1
    except IntegrityError:
        raise ValidationError(_("保存时值班表已被他人修改，请重新生成")) from None
    return count


@login_required
def coverage_check(request):
    """Every hour of a period: has it a 带班领导 and two officers? Gaps and double bookings listed."""
    today = timezone.localdate()
    first = today.replace(day=1)
    initial = {"start": first, "end": roster.month_days(first.year, first.month)[-1]}
    form = PeriodForm(request.GET or None, initial=initial)
    context = {"form": form, "limits_sentence": roster.limits_sentence()}
    if form.is_bound and form.is_valid():
        org = _org_in_scope(request, form.cleaned_data["org"])
        if org is None:
            form.add_error("org", _("请填写单位代码"))
        else:
            result = coverage.check_organisation(org, form.cleaned_data["start"], form.cleaned_data["end"])
            context.update(org=org, result=result)
    return render(request, "duty/coverage.html", context)
