"""The annual summary's pages: start a run, watch it, edit and finalise the narrative, download
the workbook and the Word file, compare two years figure by figure."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import official_document, tasks
from .excel import XLSX_CONTENT_TYPE
from .generic import OrganizationCodeField, download_response, history_source, require_write
from .models import JobStatus, Organization, SummaryRun
from .text import CheckedTextMixin, text_problem
from .years import record_span

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class SummaryRequestForm(CheckedTextMixin, forms.Form):
    organization = OrganizationCodeField(required=False, help_text=_lazy("留空表示本单位；可选本辖区内的下级单位"))
    year = forms.IntegerField(label=_lazy("年度"), min_value=2000, max_value=2100)
    notice = forms.CharField(
        label=_lazy("依据的通知"),
        max_length=200,
        required=False,
        help_text=_lazy("总结开头“根据《…》要求”中的通知名称"),
    )
    with_outlook = forms.BooleanField(
        label=SummaryRun._meta.get_field("with_outlook").verbose_name,
        help_text=SummaryRun._meta.get_field("with_outlook").help_text,
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        if user.organization_id:
            self.fields["organization"].initial = user.organization.code
        if not self.is_bound:
            self.fields["year"].initial = record_span().latest_year

    def clean_organization(self):
        org = self.cleaned_data.get("organization") or self.user.organization
        if org is None:
            raise forms.ValidationError(_("请填写单位代码"))
        return org


def _runs(user):
    return SummaryRun.objects.visible_to(user).select_related("organization", "created_by")


@login_required
def summary_list(request):
    form = SummaryRequestForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require_write(request.user, SummaryRun())
        if form.is_valid():
            run = tasks.start_summary(
                form.cleaned_data["organization"],
                form.cleaned_data["year"],
                request.user,
                form.cleaned_data["notice"],
                form.cleaned_data["with_outlook"],
            )
            return redirect(run.get_absolute_url())
    runs = _runs(request.user).order_by("-created_at")[:100]
    can_write = SummaryRun.objects.write_refusal(request.user, SummaryRun()) is None
    return render(request, "emergency/summaryrun_list.html", {"form": form, "runs": runs, "can_write": can_write})


@login_required
def summary_detail(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    if request.htmx:
        if run.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return render(request, "emergency/_summary_progress.html", {"run": run})
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    others = (
        _runs(request.user)
        .filter(organization=run.organization, status=JobStatus.DONE)
        .exclude(pk=run.pk)
        .order_by("-year", "-created_at")
    )
    return render(
        request,
        "emergency/summaryrun_detail.html",
        {
            "run": run,
            "others": others,
            "paragraphs": [p for p in run.narrative.split("\n\n") if p.strip()],
            "can_write": SummaryRun.objects.write_refusal(request.user, run) is None,
        },
    )


def _writable_run(request, pk) -> SummaryRun:
    run = get_object_or_404(_runs(request.user).select_for_update(of=("self",)), pk=pk)
    require_write(request.user, run)
    return run


@login_required
@require_POST
def summary_edit(request, pk):
    with transaction.atomic():
        run = _writable_run(request, pk)
        narrative = request.POST.get("narrative", "").replace("\r\n", "\n").strip()
        if run.is_final or run.status != JobStatus.DONE:
            messages.error(request, _("已定稿或尚未编制完成的总结不能修改"))
        elif problem := text_problem(narrative):
            messages.error(request, problem)
        else:
            run.narrative = narrative
            run.updated_by = request.user
            run.save(update_fields=["narrative", "updated_by", "updated_at"])
            messages.success(request, _("总结正文已保存"))
    return redirect(run.get_absolute_url())


@history_source(_lazy("定稿"))
@login_required
@require_POST
def summary_finalize(request, pk):
    with transaction.atomic():
        run = _writable_run(request, pk)
        if run.is_final or run.status != JobStatus.DONE:
            messages.error(request, _("这份总结不能定稿"))
        elif run.failed_checks and not request.POST.get("confirm_failed_checks"):
            # Refusing outright would block a year's report on records the office cannot correct in time.
            messages.error(
                request, _("有 %(n)d 项一致性检查未通过：请核对，或勾选确认后再定稿") % {"n": len(run.failed_checks)}
            )
        else:
            run.finalized_at, run.finalized_by = timezone.now(), request.user
            run.document.save(
                f"{run.organization.code}-{run.year}.docx",
                ContentFile(official_document.summary_word(run)),
                save=False,
            )
            run.save()
            tasks.queue_summary_pdf(run)
            messages.success(request, _("已定稿，之后不再改变"))
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def summary_rerun(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    require_write(request.user, run)
    fresh = tasks.start_summary(run.organization, run.year, request.user, run.notice, run.with_outlook)
    return redirect(fresh.get_absolute_url())


@login_required
def summary_workbook(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    if not run.workbook:
        return redirect(run.get_absolute_url())
    with run.workbook.open("rb") as f:
        return download_response(f.read(), f"{run}.xlsx", XLSX_CONTENT_TYPE)


@login_required
def summary_docx(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    if run.status != JobStatus.DONE:
        return redirect(run.get_absolute_url())
    if run.document:  # a finalised run gives back exactly what was finalised
        with run.document.open("rb") as f:
            content = f.read()
    else:
        content = official_document.summary_word(run)
    return download_response(content, f"{run}.docx", DOCX_CONTENT_TYPE)


@login_required
def summary_pdf(request, pk):
    """GET: the finalised document's PDF, shown in the browser to print. POST: render it again
    (a rendering the broker lost, or LibreOffice installed since)."""
    run = get_object_or_404(_runs(request.user), pk=pk)
    if request.method == "POST":
        require_write(request.user, run)
        if run.is_final and not run.pdf:
            tasks.queue_summary_pdf(run)
            messages.info(request, _("PDF 正在后台生成，请稍后刷新本页"))
        return redirect(run.get_absolute_url())
    if not run.pdf:
        return redirect(run.get_absolute_url())
    with run.pdf.open("rb") as f:
        response = download_response(f.read(), f"{run}.pdf", "application/pdf")
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    return response


@login_required
def summary_compare(request, pk, other):
    run = get_object_or_404(_runs(request.user), pk=pk)
    base = get_object_or_404(_runs(request.user), pk=other)
    before = base.figure_map()
    rows = []
    for figure in run.figures:
        old = before.get(figure["key"], {}).get("value")
        change = None
        if isinstance(figure["value"], int | float) and isinstance(old, int | float):
            change = round(figure["value"] - old, 1)
        rows.append(
            {"label": figure["label"], "unit": figure["unit"], "now": figure["value"], "before": old, "change": change}
        )
    return render(request, "emergency/summaryrun_compare.html", {"run": run, "base": base, "rows": rows})
