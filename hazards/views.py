"""Pages of the hazard area: campaigns with their progress, hazards and their closed loop,
supervision (督办) and notices, and the home panel of to-dos.

Every state change is a POST, looked up through `visible_to(user)` (out of scope is 404) and
refused to leaders; the hazard decides itself who may take which step (`Hazard.refusal`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from drills.models import Drill
from emergency.generic import (
    RecordDeleteView,
    RecordDetailView,
    RecordEditView,
    RecordHistoryView,
    RecordListView,
    history_source,
    require_write,
)
from emergency.models import AttachmentKind, Organization
from emergency.summary import child_code

from .choices import STATUS_BADGES, HazardAction, HazardLevel, HazardStatus, NoticeKind
from .filters import HazardFilter, HazardNoticeFilter, InspectionCampaignFilter
from .forms import (
    AcknowledgeForm,
    ActionForm,
    CampaignReportForm,
    HazardForm,
    InspectionCampaignForm,
    NoticeForm,
    SignoffForm,
)
from .models import (
    STEPS,
    CampaignDepartment,
    CampaignReport,
    Hazard,
    HazardNotice,
    HazardTransition,
    InspectionCampaign,
    TransitionRefused,
    is_owner_side,
    is_reviewer,
    local_today,
    rectification_refusal,
)
from .tables import HazardNoticeTable, HazardTable, InspectionCampaignTable, SupervisionTable

# ---- campaigns --------------------------------------------------------------------------------


class InspectionCampaignList(RecordListView):
    model = InspectionCampaign
    filterset_class = InspectionCampaignFilter
    table_class = InspectionCampaignTable

    def get_queryset(self):
        user = self.request.user
        return InspectionCampaign.objects.visible_to(user).for_list(user)


class InspectionCampaignDetail(RecordDetailView):
    model = InspectionCampaign
    queryset = InspectionCampaign.objects.select_related("organization", "focus_period").prefetch_related("scope")
    fields = ["organization", "title", "kind", "focus_period", "start_date", "end_date", "lead", "content"]
    attachment_kinds = ((AttachmentKind.DOCUMENT, AttachmentKind.DOCUMENT.label),)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        context["field_rows"][0] = (_("组织单位"), campaign.organization)
        context["scope"] = sorted(campaign.scope.all(), key=lambda o: o.path)
        context["signoffs"] = list(campaign.signoffs.select_related("department")) if campaign.kind == "joint" else []
        context["can_manage"] = InspectionCampaign.objects.write_refusal(user, campaign) is None
        context.update(campaign_progress(campaign, user))
        org = user.organization
        # The units asked to inspect report; the organiser itself has nothing to report to itself.
        reports = CampaignReport.objects.write_refusal(user) is None
        if org is not None and reports and org != campaign.organization and campaign.covers(org):
            context["own_report"] = campaign.reports.filter(organization=org).first()
            context["report_form"] = CampaignReportForm(initial={"reported_on": local_today()})
        context["signoff_form"] = SignoffForm(initial={"signed_on": local_today()})
        context["hazards_url"] = reverse("hazards:hazard_list") + f"?campaign={campaign.pk}"
        return context


def campaign_progress(campaign: InspectionCampaign, user) -> dict:
    """How far a campaign has come, as far as the user may see: units asked to inspect, units that
    reported (a report, or a hazard found), hazards found, closed, overdue; by child unit, in
    three grouped queries whatever the number of schools."""
    below_organiser = (
        not user.sees_everything
        and user.organization is not None
        and not campaign.organization.path.startswith(user.organization.path)
    )
    viewpoint = user.organization if below_organiser else campaign.organization
    today = local_today()
    units = campaign.units_in_scope().filter(path__startswith=viewpoint.path)
    reported = ExpressionWrapper(
        Exists(CampaignReport.objects.filter(campaign=campaign, organization=OuterRef("pk")))
        | Exists(Hazard.objects.filter(campaign=campaign, organization=OuterRef("pk"))),
        output_field=BooleanField(),
    )
    unit_rows = {
        r["child"]: r
        for r in units.annotate(child=child_code(viewpoint, "path"), done=reported)
        .values("child")
        .annotate(units=Count("id"), reported=Count("id", filter=Q(done=True)))
        .order_by()
    }
    open_q = ~Q(status=HazardStatus.CLOSED)
    hazard_rows = {
        r["child"]: r
        for r in Hazard.objects.filter(campaign=campaign, organization__path__startswith=viewpoint.path)
        .annotate(child=child_code(viewpoint))
        .values("child")
        .annotate(
            found=Count("id"),
            closed=Count("id", filter=Q(status=HazardStatus.CLOSED)),
            overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
            review=Count("id", filter=Q(status=HazardStatus.REVIEW)),
        )
        .order_by()
    }
    names = dict(Organization.objects.filter(parent=viewpoint).values_list("code", "name"))
    rows = []
    for code in sorted(set(unit_rows) | set(hazard_rows)):
        u, h = unit_rows.get(code, {}), hazard_rows.get(code, {})
        name = names.get(code, code) if code else _("%(o)s（本级）") % {"o": viewpoint.name}
        rows.append(
            {
                "name": name,
                "units": u.get("units", 0),
                "reported": u.get("reported", 0),
                **{k: h.get(k, 0) for k in ("found", "closed", "overdue", "review")},
            }
        )
    totals = {k: sum(r[k] for r in rows) for k in ("units", "reported", "found", "closed", "overdue", "review")}
    return {"progress_rows": rows, "progress": totals, "viewpoint": viewpoint}


class InspectionCampaignEdit(RecordEditView):
    model = InspectionCampaign
    form_class = InspectionCampaignForm


class InspectionCampaignDelete(RecordDeleteView):
    model = InspectionCampaign


class InspectionCampaignHistory(RecordHistoryView):
    model = InspectionCampaign


@login_required
@require_POST
def campaign_report(request, pk):
    """A unit reports it has carried out the campaign's inspection (again: corrects its report)."""
    campaign = get_object_or_404(InspectionCampaign.objects.visible_to(request.user), pk=pk)
    user, org = request.user, request.user.organization
    require_write(user, CampaignReport())
    if org is None or org == campaign.organization or not campaign.covers(org):
        messages.error(request, _("本单位不在排查行动“%(c)s”的范围内") % {"c": campaign})
        return redirect(campaign)
    form = CampaignReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(campaign)
    CampaignReport.objects.update_or_create(
        campaign=campaign,
        organization=org,
        defaults={**form.cleaned_data, "updated_by": user},
        create_defaults={**form.cleaned_data, "created_by": user, "updated_by": user},
    )
    messages.success(request, _("已上报排查情况"))
    return redirect(campaign)


@history_source(_lazy("签字确认"))
@login_required
@require_POST
def campaign_signoff(request, pk):
    """Records a department's sign-off of a joint inspection; only the organiser's side does it."""
    signoff = get_object_or_404(
        CampaignDepartment.objects.select_related("campaign", "department").filter(
            campaign__in=InspectionCampaign.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    campaign = signoff.campaign
    require_write(request.user, campaign)
    form = SignoffForm(request.POST)
    if form.is_valid():
        signoff.signed_by, signoff.signed_on = form.cleaned_data["signed_by"], form.cleaned_data["signed_on"]
        signoff.recorded_by = request.user
        signoff.save()
        messages.success(request, _("已登记%(d)s会签") % {"d": signoff.department})
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect(campaign)


# ---- hazards ----------------------------------------------------------------------------------


class HazardList(RecordListView):
    model = Hazard
    queryset = Hazard.objects.for_list()
    filterset_class = HazardFilter
    table_class = HazardTable
    import_kind = "hazards"


class HazardDetail(RecordDetailView):
    model = Hazard
    queryset = Hazard.objects.select_related("organization", "campaign", "drill")
    fields = [*HazardForm.Meta.fields, "rectified_on", "status", "closed_on"]  # and what the loop sets
    attachment_kinds = (
        (AttachmentKind.BEFORE, AttachmentKind.BEFORE.label),
        (AttachmentKind.AFTER, AttachmentKind.AFTER.label),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hazard, user = self.object, self.request.user
        actions = hazard.available_actions(user)
        context["actions"] = [(a, HazardAction(a).label) for a in actions]
        context["action_form"] = ActionForm(initial={"rectified_on": local_today(), "measures": hazard.measures})
        context["transitions"] = hazard.transitions.select_related("user")
        notices = list(hazard.notices.select_related("issuer", "acknowledged_by"))
        context["notices"] = notices
        loop_open = rectification_refusal(user) is None
        context["can_acknowledge"] = loop_open and is_owner_side(user, hazard.organization)
        context["can_supervise"] = loop_open and is_reviewer(user, hazard.organization) and not hazard.is_closed
        context["notice_form"] = NoticeForm()
        context["acknowledge_form"] = AcknowledgeForm()
        context["is_overdue"] = hazard.is_overdue
        context["status_colour"] = STATUS_BADGES.get(hazard.status, "secondary")
        context["editable"] = Hazard.objects.write_refusal(user, hazard) is None
        return context


class HazardEdit(RecordEditView):
    model = Hazard
    form_class = HazardForm

    def get_initial(self):
        initial = super().get_initial()
        drill = self.request.GET.get("drill", "")
        if drill.isdigit():
            found = Drill.objects.visible_to(self.request.user).filter(pk=drill).select_related("organization").first()
            if found is not None:
                initial.update(drill=found.pk, organization=found.organization.code, found_on=found.held_on)
        return initial

    def form_valid(self, form):
        is_new = form.instance.pk is None
        with transaction.atomic():
            response = super().form_valid(form)
            if is_new:
                HazardTransition.objects.create(
                    hazard=self.object,
                    action=HazardAction.REGISTER,
                    to_status=self.object.status,
                    user=self.request.user,
                )
        return response


class HazardDelete(RecordDeleteView):
    model = Hazard


class HazardHistory(RecordHistoryView):
    model = Hazard


@history_source(lambda action, **kwargs: HazardAction(action).label)
@login_required
@require_POST
def hazard_transition(request, pk, action):
    """One step of the closed loop; a step not allowed now or to this user changes nothing and
    says why."""
    if action not in STEPS:
        raise Http404
    hazard = get_object_or_404(Hazard.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if reason := rectification_refusal(request.user):
        raise PermissionDenied(reason)
    form = ActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(hazard)
    data = form.cleaned_data
    try:
        hazard.act(action, request.user, data["comment"], rectified_on=data["rectified_on"], measures=data["measures"])
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("已%(a)s，隐患状态：%(s)s") % {"a": HazardAction(action).label, "s": hazard.get_status_display()},
        )
    return redirect(hazard)


# ---- supervision and notices ------------------------------------------------------------------


class SupervisionList(RecordListView):
    """督办: the overdue and the major hazards of the user's subtree that are not yet closed."""

    model = Hazard
    filterset_class = HazardFilter
    table_class = SupervisionTable
    import_kind = None

    def get_queryset(self):
        # Counted per row shown, not grouped over every open hazard of a province before the page
        # is cut (600,000 at scale 100: 1.4 s).
        supervisions = (
            HazardNotice.objects.filter(hazard=OuterRef("pk"), kind=NoticeKind.SUPERVISION)
            .order_by()
            .values("hazard")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Hazard.objects.visible_to(self.request.user)
            .for_list()
            .still_open()
            .filter(Q(level=HazardLevel.MAJOR) | Q(deadline__lt=local_today()))
            .annotate(supervision_count=Coalesce(Subquery(supervisions), 0))
        )

    def get_template_names(self):
        return ["hazards/hazard_supervision.html"]


@login_required
@require_POST
def notice_add(request, pk):
    """An upper level issues a supervision notice (督办通知) to the hazard's organisation."""
    hazard = get_object_or_404(Hazard.objects.visible_to(request.user).select_related("organization"), pk=pk)
    user = request.user
    if reason := rectification_refusal(user):
        raise PermissionDenied(reason)
    if not is_reviewer(user, hazard.organization) or hazard.organization_id == user.organization_id:
        messages.error(request, _("只有上级教育局的工作人员可以督办"))
        return redirect(hazard)
    if hazard.is_closed:
        messages.error(request, _("隐患已销号，无需督办"))
        return redirect(hazard)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(hazard)
    text = form.cleaned_data["text"].strip() or default_notice_text(hazard)
    HazardNotice.objects.create(
        organization=hazard.organization,
        hazard=hazard,
        kind=NoticeKind.SUPERVISION,
        text=text,
        issuer=user.organization,
        respond_by=form.cleaned_data["respond_by"],
        created_by=user,
        updated_by=user,
    )
    messages.success(request, _("已向%(o)s发出督办通知") % {"o": hazard.organization})
    return redirect(hazard)


def default_notice_text(hazard: Hazard) -> str:
    reason = []
    if hazard.level == HazardLevel.MAJOR:
        reason.append(_("重大隐患"))
    if hazard.is_overdue:
        reason.append(_("已超过整改期限"))
    why = "、".join(str(r) for r in reason) or _("尚未销号")
    return _("隐患“%(d)s”%(w)s，请立即落实整改措施，按期完成整改并提交复查。") % {"d": hazard, "w": why}


class HazardNoticeList(RecordListView):
    model = HazardNotice
    queryset = HazardNotice.objects.for_list()
    filterset_class = HazardNoticeFilter
    table_class = HazardNoticeTable


@history_source(_lazy("签收督办通知"))
@login_required
@require_POST
def notice_acknowledge(request, pk):
    """The responsible organisation acknowledges a notice (签收), with an optional reply."""
    notice = get_object_or_404(
        HazardNotice.objects.visible_to(request.user).select_related("organization", "hazard"), pk=pk
    )
    user = request.user
    if reason := rectification_refusal(user):
        raise PermissionDenied(reason)
    if not is_owner_side(user, notice.organization):
        messages.error(request, _("只有责任单位（%(o)s）可以签收") % {"o": notice.organization})
    elif notice.acknowledged_at is not None:
        messages.info(request, _("这条通知已经签收"))
    else:
        form = AcknowledgeForm(request.POST)
        form.is_valid()
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), user
        notice.reply = form.cleaned_data.get("reply", "")
        notice.updated_by = user
        notice.save()
        messages.success(request, _("已签收"))
    return redirect(notice.hazard)
