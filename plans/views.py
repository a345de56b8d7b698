"""Pages of 应急预案: the list, the revision reminder, a plan with its versions, and revising."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordHistoryView, RecordListView
from emergency.models import Attachment, AttachmentKind

from .choices import PlanStatus
from .filters import EmergencyPlanFilter
from .forms import EmergencyPlanForm
from .models import REVIEW_WARNING_DAYS, EmergencyPlan, next_version_label
from .tables import EmergencyPlanReviewTable, EmergencyPlanTable


class EmergencyPlanList(RecordListView):
    model = EmergencyPlan
    queryset = EmergencyPlan.objects.for_list()
    filterset_class = EmergencyPlanFilter
    table_class = EmergencyPlanTable
    import_kind = "plans"


class EmergencyPlanReview(EmergencyPlanList):
    """Plans in force whose revision date is within REVIEW_WARNING_DAYS days or already past."""

    action = "review"
    table_class = EmergencyPlanReviewTable

    def get_queryset(self):
        horizon = timezone.localdate() + datetime.timedelta(days=REVIEW_WARNING_DAYS)
        return super().get_queryset().in_force().filter(next_revision_on__lte=horizon)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(revision_years=settings.PLAN_REVISION_YEARS, warning_days=REVIEW_WARNING_DAYS)
        return context


class EmergencyPlanDetail(RecordDetailView):
    model = EmergencyPlan
    fields = [
        "organization",
        "name",
        "category",
        "event_types",
        "version",
        "issued_on",
        "next_revision_on",
        "status",
        "retired_on",
        "needs_revision",
        "revision_note",
        "remarks",
    ]
    attachment_kinds = ((AttachmentKind.DOCUMENT, _lazy("预案文本")),)

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(self.object._meta.get_field("event_types").base_field.choices)
        context["field_rows"] = [
            (label, "、".join(str(labels.get(v, v)) for v in value) if isinstance(value, list) else value)
            for label, value in context["field_rows"]
        ]
        context["versions"] = self.object.versions()
        return context


class EmergencyPlanEdit(RecordEditView):
    model = EmergencyPlan
    form_class = EmergencyPlanForm

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            upload = form.cleaned_data.get("document")
            if upload:
                attach_document(self.object, upload, self.request.user)
        return response


class EmergencyPlanRevise(EmergencyPlanEdit):
    """A revised plan: a new version prefilled from the one revised; saving it in force (现行)
    retires the earlier versions."""

    def get_object(self, queryset=None):
        return None

    def source(self) -> EmergencyPlan:
        if not hasattr(self, "_source"):
            self._source = get_object_or_404(self.get_queryset().select_related("organization"), pk=self.kwargs["pk"])
        return self._source

    def get(self, request, *args, **kwargs):
        self.source()  # out of scope: 404 before anything is shown
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.source()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        plan = self.source()
        return {
            "organization": plan.organization.code,
            "name": plan.name,
            "category": plan.category,
            "event_types": plan.event_types,
            "version": next_version_label(plan.version),
            "issued_on": timezone.localdate(),
            "status": PlanStatus.CURRENT,
            "remarks": plan.remarks,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revising"] = self.source()
        return context


class EmergencyPlanDelete(RecordDeleteView):
    model = EmergencyPlan


class EmergencyPlanHistory(RecordHistoryView):
    model = EmergencyPlan


def attach_document(plan: EmergencyPlan, upload, user) -> Attachment:
    return Attachment.objects.create(
        organization=plan.organization,
        content_type=ContentType.objects.get_for_model(EmergencyPlan),
        object_id=plan.pk,
        kind=AttachmentKind.DOCUMENT,
        file=upload,
        original_name=upload.name[:255],
        size=upload.size,
        created_by=user,
        updated_by=user,
    )
