"""The core's pages: home, the organisation register and tree, the leadership group, documents,
attachments, and the Excel import pages every area shares."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import dashboard, registry, tasks
from .excel import WorkbookError, check_upload
from .generic import (
    OrganizationCodeField,
    RecordDeleteView,
    RecordDetailView,
    RecordEditView,
    RecordFilterSet,
    RecordForm,
    RecordHistoryView,
    RecordListView,
    attachment_panels,
    attachment_refusal,
    content_disposition,
    excel_response,
    history_source,
    refuses,
    require_write,
)
from .imports import Column, ImportSpec, normalize, template_workbook
from .models import (
    Attachment,
    AttachmentKind,
    ChoiceSynonym,
    Document,
    ImportJob,
    JobStatus,
    LeadershipGroup,
    LeadershipMember,
    Organization,
    OrganizationKind,
    placement_error,
    read_only_refusal,
    url_name,
)
from .storage import StorageUnavailable
from .tables import DocumentTable, LeadershipGroupTable, OrganizationTable
from .text import CheckedTextMixin
from .uploads import DOCUMENT_TYPES, IMAGE_TYPES, check_file

# ---- home -------------------------------------------------------------------------------------


@login_required
def home(request):
    items = dashboard.user_todo(request.user)
    org = request.user.organization
    context = {
        "items": items,
        "org": org,
        "import_kinds": [s for s in registry.import_specs.values() if s.refusal(request.user) is None],
    }
    if org is not None:
        context["children"] = org.children.annotate(n=Count("children")).order_by("code")[:50]
        context["group"] = LeadershipGroup.objects.filter(organization=org).first()
    return render(request, "emergency/home.html", context)


# ---- organisations ----------------------------------------------------------------------------


class OrganizationFilter(RecordFilterSet):
    search_fields = ("name", "code")
    kind = django_filters.ChoiceFilter(label=_lazy("单位类型"), choices=OrganizationKind.choices)

    class Meta:
        model = Organization
        fields = ["kind", "stage"]

    def filter_org(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)

    def filter_org_code(self, queryset, name, value):
        org = Organization.objects.visible_to(self.request.user).filter(code=value.strip()).first()
        return queryset.filter(path__startswith=org.path) if org else queryset.none()


class OrganizationList(RecordListView):
    model = Organization
    queryset = Organization.objects.select_related("parent")
    filterset_class = OrganizationFilter
    table_class = OrganizationTable
    import_kind = "orgs"


class OrganizationDetail(RecordDetailView):
    model = Organization
    fields = ["code", "name", "parent", "kind", "stage", "address", "contact", "phone", "students", "staff_count"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.order_by("code")[:200]
        context["group"] = LeadershipGroup.objects.filter(organization=self.object).first()
        # From an organisation to its records in every area (the dashboard's last drill-down step).
        context["area_links"] = [
            (area.label, f"{reverse(area.url_name)}?{urlencode({'org_code': self.object.code})}")
            for area in registry.areas
        ]
        return context


class OrganizationForm(RecordForm):
    organization = None
    parent = OrganizationCodeField(label=_lazy("上级单位代码"), required=False)

    class Meta:
        model = Organization
        fields = ["code", "name", "parent", "kind", "stage", "address", "contact", "phone", "students", "staff_count"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["parent"].queryset = Organization.objects.visible_to(user)
        if self.instance.pk and self.instance.parent_id:
            self.initial["parent"] = self.instance.parent.code
        if self.instance.pk and not user.sees_everything:
            # The code is the key other records and files refer to; only an administrator changes it.
            self.fields["code"].disabled = True
        if self.instance.pk and self.instance.pk == user.organization_id and not user.sees_everything:
            # One's own kind and place in the tree are decided above: shown, not offered.
            for name in ("parent", "kind"):
                self.fields[name].disabled = True
            self.fields["parent"].queryset = Organization.objects.filter(pk=self.instance.parent_id)

    def clean(self):
        cleaned = super().clean()
        parent, kind = cleaned.get("parent"), cleaned.get("kind")
        if kind and "parent" not in self.errors:
            org = self.instance if self.instance.pk else None
            problem = placement_error(
                self.user, org, kind, parent.kind if parent else None, parent == (org.parent if org else None)
            )
            if problem:
                self.add_error("kind" if org is not None and kind != org.kind else "parent", problem)
        if self.instance.pk and parent and parent.path.startswith(self.instance.path):
            self.add_error("parent", _("上级单位不能是本单位或其下级单位"))
        return cleaned


class OrganizationEdit(RecordEditView):
    model = Organization
    form_class = OrganizationForm


class OrganizationHistory(RecordHistoryView):
    model = Organization


@login_required
def organization_tree(request):
    """The tree down to the bureaus, with how many schools each holds, in two queries."""
    visible = Organization.objects.visible_to(request.user)
    bureaus = list(visible.exclude(kind=OrganizationKind.SCHOOL).order_by("path"))
    counts = dict(
        visible.filter(kind=OrganizationKind.SCHOOL)
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    base_depth = bureaus[0].depth if bureaus else 0
    nodes = [{"org": b, "indent": b.depth - base_depth, "schools": counts.get(b.pk, 0)} for b in bureaus]
    if not bureaus and request.user.organization:
        nodes = [{"org": request.user.organization, "indent": 0, "schools": 0}]
    return render(request, "emergency/organization_tree.html", {"nodes": nodes})


# ---- leadership group -------------------------------------------------------------------------


class LeadershipGroupFilter(RecordFilterSet):
    search_fields = ("name", "organization__name")
    established_by = django_filters.DateFilter(
        label=_lazy("截至某日已成立"), field_name="established_on", lookup_expr="lte"
    )

    class Meta:
        model = LeadershipGroup
        fields = []


class LeadershipGroupList(RecordListView):
    model = LeadershipGroup
    queryset = LeadershipGroup.objects.select_related("organization").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True))
    )
    filterset_class = LeadershipGroupFilter
    table_class = LeadershipGroupTable


class LeadershipGroupDetail(RecordDetailView):
    model = LeadershipGroup
    fields = ["organization", "name", "established_on", "founding_document", "office_in_charge", "daily_responsible"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = self.object.members.all()
        context["current_members"] = [m for m in members if m.left_on is None]
        context["former_members"] = [m for m in members if m.left_on is not None]
        return context


class LeadershipGroupForm(RecordForm):
    class Meta:
        model = LeadershipGroup
        fields = [
            "organization",
            "name",
            "established_on",
            "founding_document",
            "office_in_charge",
            "daily_responsible",
        ]


class LeadershipGroupEdit(RecordEditView):
    model = LeadershipGroup
    form_class = LeadershipGroupForm


class LeadershipGroupHistory(RecordHistoryView):
    model = LeadershipGroup


class LeadershipMemberForm(RecordForm):
    organization = None

    class Meta:
        model = LeadershipMember
        fields = ["group", "name", "title", "group_role", "department", "phone", "duties", "joined_on", "left_on"]

    def clean(self):
        cleaned = super().clean()
        left, joined = cleaned.get("left_on"), cleaned.get("joined_on")
        if left and joined and left < joined:
            self.add_error("left_on", _("离开日期不能早于加入日期"))
        return cleaned


class LeadershipMemberEdit(RecordEditView):
    model = LeadershipMember
    form_class = LeadershipMemberForm

    def get_initial(self):
        return {"group": self.request.GET.get("group")}

    def get_success_url(self):
        return self.object.group.get_absolute_url()


class LeadershipMemberDetail(RecordDetailView):
    model = LeadershipMember

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().group.get_absolute_url())


class LeadershipMemberHistory(RecordHistoryView):
    model = LeadershipMember


# ---- documents --------------------------------------------------------------------------------


class DocumentFilter(RecordFilterSet):
    date_field = "issued_on"
    search_fields = ("title", "number")

    class Meta:
        model = Document
        fields = ["kind"]


class DocumentList(RecordListView):
    model = Document
    queryset = Document.objects.select_related("organization")
    filterset_class = DocumentFilter
    table_class = DocumentTable


class DocumentDetail(RecordDetailView):
    model = Document
    fields = ["organization", "title", "number", "kind", "issued_on", "original_name"]


class DocumentForm(RecordForm):
    class Meta:
        model = Document
        fields = ["organization", "title", "number", "kind", "issued_on", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "size"):
            check_file(upload, DOCUMENT_TYPES)
        if upload and hasattr(upload, "content_type"):
            self.instance.original_name = upload.name[:255]
        return upload


class DocumentEdit(RecordEditView):
    model = Document
    form_class = DocumentForm


class DocumentDelete(RecordDeleteView):
    model = Document


class DocumentHistory(RecordHistoryView):
    model = Document


def _serve(field_file, name: str) -> FileResponse:
    if not field_file:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response


@login_required
def document_file(request, pk):
    doc = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    return _serve(doc.file, doc.original_name or doc.file.name.rsplit("/", 1)[-1])


# ---- attachments ------------------------------------------------------------------------------


class AttachmentForm(CheckedTextMixin, forms.Form):
    file = forms.FileField(label=_lazy("文件"))
    kind = forms.ChoiceField(label=_lazy("类别"), choices=AttachmentKind.choices)

    def __init__(self, *args, kinds: tuple[tuple[str, str], ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        try:
            check_file(upload, DOCUMENT_TYPES if kind == AttachmentKind.DOCUMENT else IMAGE_TYPES)
        except forms.ValidationError as exc:
            self.add_error("file", exc)
        return cleaned


@history_source(_lazy("上传附件"))
@login_required
@require_POST
def attachment_add(request, ct, pk):
    if reason := read_only_refusal(request.user):
        raise PermissionDenied(reason)
    content_type = get_object_or_404(ContentType, pk=ct)
    model = content_type.model_class()
    kinds = attachment_panels.get(model)
    if kinds is None:
        raise Http404
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    if reason := attachment_refusal(request.user, record):
        raise PermissionDenied(reason)
    form = AttachmentForm(request.POST, request.FILES, kinds=kinds)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        Attachment.objects.create(
            organization=record.organization,
            content_type=content_type,
            object_id=record.pk,
            kind=form.cleaned_data["kind"],
            file=upload,
            original_name=upload.name[:255],
            size=upload.size,
            created_by=request.user,
            updated_by=request.user,
        )
        messages.success(request, _("已上传：%(f)s") % {"f": upload.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(record.get_absolute_url())


@login_required
def attachment_file(request, pk):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return _serve(attachment.file, attachment.original_name)


@history_source(_lazy("删除附件"))
@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    record = attachment.record
    if reason := attachment_refusal(request.user, record):
        raise PermissionDenied(reason)
    attachment.delete()
    messages.success(request, _("已删除附件"))
    return redirect(record.get_absolute_url() if record else "home")


# ---- Excel import -----------------------------------------------------------------------------


def _spec(kind: str):
    spec = registry.import_specs.get(kind)
    if spec is None:
        raise Http404
    return spec


@login_required
def import_template(request, kind):
    spec = _spec(kind)
    return excel_response(template_workbook(spec, request.user), f"{spec.label}导入模板.xlsx")


class UploadForm(CheckedTextMixin, forms.Form):
    file = forms.FileField(label=_lazy("Excel 文件"), help_text=_lazy("支持 .xlsx、.xls、WPS（.et）和 .ods"))


def import_refusal(user, kind: str) -> str | None:
    return _spec(kind).refusal(user)


@login_required
@refuses(import_refusal)
def import_upload(request, kind):
    spec = _spec(kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            check_upload(upload.name, data)
        except WorkbookError as exc:
            form.add_error("file", str(exc))
        else:
            if request.user.organization is None:
                form.add_error("file", _("您的账号没有所属单位，不能导入"))
            else:
                try:
                    job = tasks.start_import(spec, request.user, upload.name, data)
                except StorageUnavailable as exc:
                    form.add_error("file", str(exc))
                else:
                    return redirect(job.get_absolute_url())
    return render(request, "emergency/import_upload.html", {"form": form, "spec": spec})


@login_required
def import_job(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user).filter(created_by=request.user), pk=pk)
    spec = _spec(job.kind)
    if request.htmx:
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return render(request, "emergency/_import_progress.html", {"job": job})
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # finished: reload the whole page to show the result
        return response
    return render(request, "emergency/import_job.html", {"job": job, "spec": spec, "list_url": _list_url(spec)})


def _list_url(spec) -> str:
    return reverse(url_name(spec.model, "list"))


@login_required
def import_job_status(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user).filter(created_by=request.user), pk=pk)
    return JsonResponse({"status": job.status, "progress": job.progress})


@history_source(_lazy("Excel 导入"))
@login_required
@require_POST
def import_confirm(request, pk):
    require_write(request.user, ImportJob())
    with transaction.atomic():
        job = get_object_or_404(
            ImportJob.objects.visible_to(request.user).filter(created_by=request.user).select_for_update(), pk=pk
        )
        if job.confirmed_at and job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return redirect(job.get_absolute_url())  # confirmed already: the page shows it on its way
        if reason := _spec(job.kind).refusal(request.user):
            raise PermissionDenied(reason)
        if job.status != JobStatus.READY or job.errors:
            messages.error(request, _("这个导入不能再确认（状态：%(s)s）") % {"s": job.get_status_display()})
            return redirect(job.get_absolute_url())
        tasks.confirm_import(job)
    tasks.run_step(job)
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def import_retry(request, pk):
    require_write(request.user, ImportJob())
    with transaction.atomic():
        job = get_object_or_404(
            ImportJob.objects.visible_to(request.user).filter(created_by=request.user).select_for_update(), pk=pk
        )
        if not job.can_retry:
            messages.error(request, _("这个导入不能重试（状态：%(s)s）") % {"s": job.get_status_display()})
            return redirect(job.get_absolute_url())
        tasks.retry_import(job)
    tasks.run_step(job)
    return redirect(job.get_absolute_url())


def synonym_columns() -> list[tuple[ImportSpec, Column]]:
    """Every import column whose cells are choices: each has its table of synonyms."""
    return [(spec, column) for spec in registry.import_specs.values() for column in spec.columns if column.has_choices]


class SynonymForm(forms.Form):
    """A new synonym: the choice it stands for (grouped by import column) and how it is written."""

    target = forms.ChoiceField(label=_lazy("对应的选项"))
    synonym = forms.CharField(label=_lazy("写法"), max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = {f"{spec.kind}|{column.field}": (spec, column) for spec, column in synonym_columns()}
        self.fields["target"].choices = [
            (
                f"{spec.label} · {column.header}",
                [(f"{spec.kind}|{column.field}|{value}", str(label)) for value, label in column.choices],
            )
            for spec, column in self.columns.values()
        ]

    def clean(self):
        data = super().clean()
        if "target" not in data or "synonym" not in data:
            return data
        kind, field, value = data["target"].split("|")
        _spec, column = self.columns[f"{kind}|{field}"]
        synonym = normalize(data["synonym"])
        if synonym in column.label_to_value():
            raise forms.ValidationError(_("“%(s)s”本身就是“%(h)s”的选项") % {"s": synonym, "h": column.header})
        if ChoiceSynonym.objects.filter(kind=kind, field=field, synonym=synonym).exists():
            raise forms.ValidationError(_("“%(h)s”已有写法“%(s)s”") % {"s": synonym, "h": column.header})
        data.update(kind=kind, field=field, value=value, synonym=synonym)
        return data


@login_required
def rules_page(request) -> HttpResponse:
    """规则设置: the rules that differ between places, as this deployment set them, and the choices'
    synonyms of the imports, which a system administrator adds and removes here."""
    may_edit = ChoiceSynonym.objects.write_refusal(request.user) is None
    form = SynonymForm(request.POST if "synonym" in request.POST else None)
    if request.method == "POST":
        require_write(request.user, ChoiceSynonym())
        if "delete" in request.POST:
            ChoiceSynonym.objects.filter(pk=request.POST["delete"]).delete()
            messages.success(request, _("已删除同义词"))
            return redirect("emergency:settings")
        if form.is_valid():
            data = form.cleaned_data
            ChoiceSynonym.objects.create(
                kind=data["kind"], field=data["field"], synonym=data["synonym"], value=data["value"]
            )
            messages.success(request, _("已添加同义词“%(s)s”") % {"s": data["synonym"]})
            return redirect("emergency:settings")
    stored: dict[tuple[str, str], list[ChoiceSynonym]] = {}
    for synonym in ChoiceSynonym.objects.order_by("synonym"):
        stored.setdefault((synonym.kind, synonym.field), []).append(synonym)
    synonym_tables = []
    for spec, column in synonym_columns():
        labels = column.value_to_label()
        entries = [(s, labels.get(s.value, s.value)) for s in stored.get((spec.kind, column.field), [])]
        synonym_tables.append((spec, column, entries))
    return render(
        request,
        "emergency/rules.html",
        {
            "settings_rules": [
                (_("应急预案修订周期（年）"), settings.PLAN_REVISION_YEARS),
                (_("单个上传文件大小上限（MB）"), settings.IMPORT_MAX_BYTES // 1_000_000),
                (_("单次导入行数上限"), settings.IMPORT_MAX_ROWS),
                (_("超过此行数的导入转为后台任务"), settings.IMPORT_BACKGROUND_ROWS),
                *((label, value()) for label, value in registry.rules),
            ],
            "synonym_tables": synonym_tables,
            "synonym_form": form,
            "may_edit": may_edit,
        },
    )
