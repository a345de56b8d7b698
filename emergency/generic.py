"""Generic record views, forms, filters and tables: an area's views are a few class attributes.

Scope is applied here, once: every queryset goes through `visible_to(user)` before an object is
looked up (so out of scope is a 404), every form field that points at records or organisations
is restricted to the user's scope, and every page that writes asks the model's write rule
(`WriteRule` in models.py), refusing with its reason (403): leaders read only.

Templates default to `<app>/<model>_<action>.html` and fall back to `generic/object_<action>.html`."""

from __future__ import annotations

import datetime
from functools import cached_property, wraps
from typing import Any
from urllib.parse import quote, urlsplit

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.forms.utils import flatatt
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, URLPattern, path, resolve, reverse
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import generic
from django_filters.views import FilterView
from django_tables2.columns import library
from django_tables2.views import SingleTableMixin
from pghistory.models import Events

from . import registry
from .excel import XLSX_CONTENT_TYPE, SheetSpec, workbook_bytes
from .models import Attachment, Organization, OrganizationKind, User, read_only_refusal, url_name
from .queries import YearField
from .text import CheckedTextMixin

# ---- scope ------------------------------------------------------------------------------------


def scoped(queryset: models.QuerySet, user: User) -> models.QuerySet:
    return queryset.visible_to(user)


def refuses(rule):
    """A function view refused (403 with the rule's reason) to whom `rule(user, **url_kwargs)`
    gives a reason; `permitted_url` reads the same rule to show or hide links to the view."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if request.user.is_authenticated and (reason := rule(request.user, **kwargs)):
                raise PermissionDenied(reason)
            return view(request, *args, **kwargs)

        checked.refusal = rule
        return checked

    return decorate


def page_write_refusal(model: type[models.Model], user: User, url_kwargs: dict) -> str | None:
    """The write rule of `model` for a page that writes, before it looks its record up: a new
    record where the URL names none, any record where it does (`WriteRule.write_refusal`)."""
    return model._default_manager.write_refusal(user, None if "pk" in url_kwargs else model())


def require_write(user: User, record: models.Model) -> None:
    """403 with the write rule's reason where `user` may not write `record` (unsaved: add it)."""
    if reason := type(record)._default_manager.write_refusal(user, record):
        raise PermissionDenied(reason)


def writes_to(model: type[models.Model]):
    """A function view that writes records of `model`, refused to whom the model's write rule refuses."""

    def rule(user: User, **kwargs) -> str | None:
        return page_write_refusal(model, user, kwargs)

    return refuses(rule)


def permitted_url(user: User, name: str, *args) -> str | None:
    """The URL of the page `name`, or None when its view would refuse `user`: buttons and menu
    items are shown by the rule the view itself applies, never by a second list."""
    url = reverse(name, args=args)
    match = resolve(url)
    rule = getattr(getattr(match.func, "view_class", None), "refusal", None) or getattr(match.func, "refusal", None)
    if rule is not None and rule(user, **match.kwargs):
        return None
    return url


class ScopedMixin(LoginRequiredMixin):
    """Looks records up only among those the user may see."""

    model: type[models.Model]
    queryset: models.QuerySet | None = None
    writes = False

    @classmethod
    def refusal(cls, user: User, **kwargs) -> str | None:
        """Why `user` may not use this page (None: they may): the model's write rule for a page
        that writes (the record itself is asked once it is looked up, `checked_object`)."""
        return page_write_refusal(cls.model, user, kwargs) if cls.writes else None

    def checked_object(self, obj):
        """The record a writing page changes, refused (403) where the write rule refuses it."""
        if obj is not None:
            require_write(self.request.user, obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (reason := self.refusal(request.user, **kwargs)):
            raise PermissionDenied(reason)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet:
        queryset = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return scoped(queryset, self.request.user)

    def get_template_names(self) -> list[str]:
        meta = self.model._meta
        return [f"{meta.app_label}/{meta.model_name}_{self.action}.html", f"generic/object_{self.action}.html"]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context.update(
            meta=meta,
            verbose_name=meta.verbose_name,
            verbose_name_plural=meta.verbose_name_plural,
            can_write=meta.model._default_manager.write_refusal(self.request.user) is None,
            urls=self.action_urls(),
        )
        return context

    def action_urls(self) -> dict[str, str]:
        """The pages `record_urls` made for this model that the user may open (a read-only model
        has no add or edit page; a leader none that writes), by action."""
        obj = getattr(self, "object", None)
        urls = {}
        for action in record_pages.get(self.model, ()):
            needs_pk = action in OBJECT_ACTIONS
            if needs_pk and (obj is None or obj.pk is None):
                continue
            url = permitted_url(self.request.user, url_name(self.model, action), *([obj.pk] if needs_pk else []))
            if url is not None:
                urls[action] = url
        return urls


# The record pages of the naming convention, in the order their URLs are listed, and their routes.
RECORD_ROUTES = {
    "list": "",
    "add": "add/",
    "detail": "<int:pk>/",
    "edit": "<int:pk>/edit/",
    "delete": "<int:pk>/delete/",
    "history": "<int:pk>/history/",
}
OBJECT_ACTIONS = {"detail", "edit", "delete", "history"}
# The actions `record_urls` gave each model: the pages `action_urls` offers, and no other.
record_pages: dict[type[models.Model], tuple[str, ...]] = {}


# The view classes `record_urls` finds by name: <stem>List, <stem>Detail, …
VIEW_SUFFIXES = {"list": "List", "detail": "Detail", "edit": "Edit", "delete": "Delete", "history": "History"}


def record_urls(prefix: str = "", module=None, stem: str = "", **views) -> list[URLPattern]:
    """A model's record pages under `prefix`, from its view classes by action (list, add, detail,
    edit, delete, history; the `edit` view adds too unless `add` is given), each named
    `<model>_<action>`, so that under its app's namespace it is `url_name(model, action)`. The
    classes of `module` named `<stem>List`, `<stem>Detail` … are taken by convention; a view given
    by action (a function view, say) stands beside or instead of them."""
    if module is not None:
        for action, suffix in VIEW_SUFFIXES.items():
            if (view := getattr(module, stem + suffix, None)) is not None:
                views.setdefault(action, view)
    if "edit" in views:
        views.setdefault("add", views["edit"])
    if unknown := set(views) - set(RECORD_ROUTES):
        raise ValueError(f"no record page for {sorted(unknown)}")
    models_named = {view.model for view in views.values() if hasattr(view, "model")}
    if len(models_named) != 1:
        raise ValueError(f"record_urls takes the views of one model, not {models_named or 'none'}")
    model = models_named.pop()
    actions = tuple(action for action in RECORD_ROUTES if action in views)
    record_pages[model] = actions
    return [
        path(
            prefix + RECORD_ROUTES[action],
            views[action].as_view() if isinstance(views[action], type) else views[action],
            name=f"{model._meta.model_name}_{action}",
        )
        for action in actions
    ]


# ---- forms ------------------------------------------------------------------------------------


class OrganizationCodeField(forms.CharField):
    """A 单位代码 typed in: scales to any number of organisations, unlike a drop-down."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _lazy("单位代码"))
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)
        self.queryset = Organization.objects.none()

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.code
        if isinstance(value, int):
            return Organization.objects.filter(pk=value).values_list("code", flat=True).first()
        return value

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        org = self.queryset.filter(code=code.strip()).first()
        if org is None:
            raise forms.ValidationError(_("单位代码“%(c)s”不存在或不在您的管辖范围内") % {"c": code})
        return org


class RecordForm(CheckedTextMixin, forms.ModelForm):
    """A model form that knows its user: every choice of organisation or record is in scope."""

    organization = OrganizationCodeField(help_text=_lazy("留空表示本单位"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
        if "organization" in self.fields:
            self.fields["organization"].queryset = Organization.objects.visible_to(user)
            if not self.instance.pk and user.organization_id:
                self.fields["organization"].initial = user.organization.code
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if isinstance(field, forms.DateTimeField):
                field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            if name == "organization" and not field.initial and self.instance.pk:
                field.initial = self.instance.organization.code

    def clean_organization(self):
        org = self.cleaned_data.get("organization")
        if org is None:
            org = self.user.organization
            if org is None:
                raise forms.ValidationError(_("请填写单位代码"))
        return org


# ---- views ------------------------------------------------------------------------------------


class CappedPaginator(Paginator):
    """Counts at most `limit` rows and offers the pages that hold them. Counting a province's
    800,000 hazards cost more than the rest of the page, and page 16,000 cost seconds of OFFSET;
    past 10,000 rows the list says so and the filters narrow it (the export has every row)."""

    limit = 10_000

    @cached_property
    def matched(self) -> int:
        """Rows that match, counted up to one past the limit."""
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)  # django-tables2's rows
        if isinstance(queryset, models.QuerySet):
            # Unordered: the first rows that match are enough, no sort of every row.
            return queryset.order_by()[: self.limit + 1].count()
        return len(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self.matched, self.limit)

    @property
    def capped(self) -> bool:
        return self.matched > self.limit


PER_PAGE = 50  # rows on a page of any list


class RecordListView(ScopedMixin, SingleTableMixin, FilterView):
    """A sortable, paginated, filterable table; `?export=xlsx` downloads the filtered rows."""

    action = "list"
    # The table paginates; the view itself must not paginate a second time (one COUNT, not two).
    table_pagination = {"per_page": PER_PAGE, "paginator_class": CappedPaginator}
    import_kind: str | None = None
    template_name = None

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get_paginate_by(self, queryset):
        return None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        spec = registry.import_specs.get(self.import_kind or "")
        if spec is not None:
            sheet = spec.export_sheet(queryset)
        else:
            table = self.get_table_class()(queryset)
            columns = [c for c in table.columns if c.name not in ("actions",)]
            sheet = SheetSpec(
                str(self.model._meta.verbose_name_plural),
                [str(c.header) for c in columns],
                ([plain_value(row.get_cell_value(c.name)) for c in columns] for row in table.rows),
            )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return excel_response(workbook_bytes([sheet]), f"{self.model._meta.verbose_name_plural}-{stamp}.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_kind"] = self.import_kind
        if self.import_kind:
            context["urls"]["upload"] = permitted_url(self.request.user, "emergency:import_upload", self.import_kind)
        return context


def plain_value(value: Any) -> Any:
    """A table cell as a spreadsheet value: numbers and dates stay typed, the rest becomes text."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None or isinstance(value, int | float | datetime.date):
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return strip_tags(str(value))


def download_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def excel_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename, XLSX_CONTENT_TYPE)


def content_disposition(filename: str) -> str:
    # RFC 6266 with UTF-8, so Chinese file names arrive intact in every browser.
    return f"attachment; filename*=UTF-8''{quote(filename)}"


# The models whose detail page has an attachments panel, with its kinds: the only ones that take files.
attachment_panels: dict[type[models.Model], tuple[tuple[str, str], ...]] = {}


def attachment_refusal(user, record) -> str | None:
    """Why `user` may not add or delete the files of `record` (None: they may): the record's write
    rule, within the owner's subtree even where the record is read more widely. The upload and
    delete views' rule and the 删除 beside each file on the record's page."""
    if record is None:
        return read_only_refusal(user)
    manager = type(record)._default_manager
    if reason := manager.write_refusal(user, record):
        return reason
    if not manager.editable_by(user).filter(pk=record.pk).exists():
        return _("附件由记录所属单位及其上级管理")
    return None


class RecordDetailView(ScopedMixin, generic.DetailView):
    action = "detail"
    # Field names shown on the page; by default every editable field of the model.
    fields: list[str] | None = None
    # The kinds of file this record takes (AttachmentKind choices); none: no attachments panel.
    attachment_kinds: tuple[tuple[str, str], ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.attachment_kinds:
            attachment_panels[cls.model] = cls.attachment_kinds

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        names = self.fields or [
            f.name
            for f in obj._meta.fields
            if f.editable and f.name not in ("id", "created_by", "updated_by") and not f.name.endswith("_ptr")
        ]
        rows = []
        for name in names:
            field = obj._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if display else getattr(obj, name)
            if isinstance(value, datetime.datetime):
                value = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
            elif isinstance(value, datetime.date):
                value = formats.date_format(value)
            rows.append((field.verbose_name, value))
        context["field_rows"] = rows
        if context["can_write"]:
            actions = registry.record_actions.get(obj._meta.label_lower, [])
            context["record_actions"] = [(action, action.url(obj)) for action in actions]
        if self.attachment_kinds:
            content_type = ContentType.objects.get_for_model(obj)
            context.update(
                attachment_kinds=self.attachment_kinds,
                content_type_id=content_type.pk,
                attachments=Attachment.objects.filter(content_type=content_type, object_id=obj.pk),
                # Asked once, and only when the record has files to offer 删除 beside.
                may_delete_attachments=SimpleLazyObject(lambda: attachment_refusal(self.request.user, obj) is None),
            )
        return context


class RecordEditView(ScopedMixin, generic.UpdateView):
    """Add (no pk in the URL) or change a record; the save is checked to stay in scope."""

    action = "form"
    writes = True
    form_class: type[RecordForm]

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return self.checked_object(super().get_object(queryset))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        user = self.request.user
        with transaction.atomic():
            obj = form.save(commit=False)
            if obj.pk is None and hasattr(obj, "created_by_id"):
                obj.created_by = user
            if hasattr(obj, "updated_by_id"):
                obj.updated_by = user
            obj.save()
            form.save_m2m()
            # A form may move a record; it must not leave what the user may change by doing so.
            if not self.model._default_manager.editable_by(user).filter(pk=obj.pk).exists():
                transaction.set_rollback(True)
                raise PermissionDenied(_("不能把记录改到您的管辖范围以外"))
        self.object = obj
        messages.success(self.request, _("已保存：%(o)s") % {"o": obj})
        return HttpResponseRedirect(self.get_success_url())


class RecordDeleteView(ScopedMixin, generic.DeleteView):
    action = "confirm_delete"
    writes = True

    def get_object(self, queryset=None):
        return self.checked_object(super().get_object(queryset))

    def get_success_url(self):
        return reverse(url_name(self.model, "list"))

    def form_valid(self, form):
        name = str(self.object)
        try:
            response = super().form_valid(form)
        except models.ProtectedError:
            messages.error(self.request, _("“%(o)s”仍被其他记录引用，不能删除") % {"o": name})
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, _("已删除：%(o)s") % {"o": name})
        return response


def history_source(label):
    """Names the action a view performs in the history's 来源 column: a text, or a callable of the
    URL's keyword arguments (one view serving several actions)."""

    def decorate(view):
        view.history_source = label
        return view

    return decorate


# What each generic page does, by the last word of its URL name (<app>:<model>_<action>).
PAGE_ACTIONS = {"add": _lazy("新增"), "edit": _lazy("修改"), "delete": _lazy("删除"), "revise": _lazy("修订")}
# Changes made outside a page, by the prefix of the source they record (imports.apply, tasks).
SOURCE_KINDS = {"import": _lazy("Excel 导入"), "command": _lazy("命令行导入"), "job": _lazy("定时任务")}


def describe_source(context: dict) -> str:
    """The history's 来源 in words: the action's name, never the URL path pghistory recorded."""
    if source := context.get("source"):
        return SOURCE_KINDS.get(source.split(":", 1)[0], "")
    if not (url := context.get("url")):
        return ""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return ""
    view = getattr(match.func, "view_class", match.func)
    label = getattr(view, "history_source", None)
    if callable(label):
        return label(**match.kwargs)
    return label or PAGE_ACTIONS.get((match.url_name or "").rpartition("_")[2], "")


class HistoryValues:
    """A history's stored values in words: choices by their labels, related records by name, users
    by name and unit, looked up in one query per related model."""

    def __init__(self, events: list, fields: dict[str, models.Field]):
        self.fields = fields
        wanted: dict[type[models.Model], set] = {User: {e.pgh_context.get("user") for e in events if e.pgh_context}}
        for event in events:
            for key, pair in (event.pgh_diff or {}).items():
                field = fields.get(key)
                if field is not None and field.is_relation and field.many_to_one:
                    wanted.setdefault(field.related_model, set()).update(pair)
        self.records = {}
        for model, pks in wanted.items():
            pks.discard(None)
            queryset = model._default_manager.all()
            if model is User:
                queryset = queryset.select_related("organization")
            self.records[model] = queryset.in_bulk(pks)

    def user(self, pk) -> str:
        user = self.records[User].get(pk)
        if user is None:
            return ""
        return f"{user}（{user.organization}）" if user.organization_id else str(user)

    def value(self, key: str, value):
        field = self.fields.get(key)
        if value is None or field is None:
            return value
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if field.is_relation and field.many_to_one:
            if field.related_model is User:
                return self.user(value) or value
            return self.records[field.related_model].get(value, value)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        return value


class RecordHistoryView(ScopedMixin, generic.DetailView):
    """Every change to one record, by form, import or job: who, when, which fields, old and new."""

    action = "history"

    def get_template_names(self):
        return ["generic/object_history.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events, entered = self.since_in_scope(
            list(Events.objects.tracks(self.object).order_by("pgh_created_at", "pgh_id"))
        )
        fields = {}
        for f in self.object._meta.fields:
            fields[f.name] = fields[f.attname] = f
        shown = HistoryValues(events, fields)
        rows = []
        for event in events:
            ctx = event.pgh_context or {}
            diff = event.pgh_diff or {}
            if event is entered:
                diff = {k: (None, new) for k, (_old, new) in diff.items()}  # what it held outside is not shown
            changes = [
                (fields[k].verbose_name if k in fields else k, shown.value(k, old), shown.value(k, new))
                for k, (old, new) in diff.items()
                if k not in ("updated_at", "updated_by_id", "created_at", "path", "depth")
            ]
            rows.append(
                {
                    "when": event.pgh_created_at,
                    "label": {"insert": _("新建"), "update": _("修改"), "delete": _("删除")}.get(
                        event.pgh_label, event.pgh_label
                    ),
                    "who": shown.user(ctx.get("user")) or _("系统"),
                    "source": describe_source(ctx),
                    "changes": changes,
                }
            )
        context["events"] = rows
        return context

    def since_in_scope(self, events: list) -> tuple[list, object | None]:
        """The events since the record last entered the viewer's subtree, and the event that brought
        it in (None if it was always inside): what it held in another unit's records is not theirs."""
        user = self.request.user
        if user.sees_everything:
            return events, None
        data = [event.pgh_data or {} for event in events]
        if isinstance(self.object, Organization):
            inside = [d.get("path", "").startswith(user.organization.path) for d in data]
        elif any("organization_id" in d for d in data):
            ids = {d.get("organization_id") for d in data} - {None}
            visible = set(Organization.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
            inside = [d.get("organization_id") in visible for d in data]
        else:
            return events, None
        outside = [i for i, is_inside in enumerate(inside) if not is_inside]
        if not outside:
            return events, None
        kept = events[outside[-1] + 1 :]
        return kept, kept[0] if kept else None


# ---- filters and tables ----------------------------------------------------------------------


class QuickSelect(forms.Select):
    """A <select> whose options are written in Python. Django renders every option through a
    template include: a province's 1,000 bureaus took 400 ms of each list page, this takes a few."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class YearFilter(django_filters.Filter):
    field_class = YearField


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose unset choice reads 全部 (Django's says 未知)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _lazy("全部")), ("true", _lazy("是")), ("false", _lazy("否"))]


class RecordFilterSet(django_filters.FilterSet):
    """Filters every record list has: year (on the model's `date_field`), an organisation's subtree,
    and free text over `search_fields`."""

    date_field: str | None = None
    search_fields: tuple[str, ...] = ()

    year = YearFilter(label=_lazy("年度"), method="filter_year")
    org = django_filters.ModelChoiceFilter(
        label=_lazy("单位（含下级）"), queryset=Organization.objects.none(), method="filter_org", widget=QuickSelect
    )
    org_code = django_filters.CharFilter(label=_lazy("单位代码"), method="filter_org_code")
    below = django_filters.BooleanFilter(label=_lazy("仅下级单位"), method="filter_below")
    q = django_filters.CharFilter(label=_lazy("关键字"), method="filter_text")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Bureaus only: a drop-down of thousands of schools helps nobody; schools go by code.
        self.filters["org"].queryset = Organization.objects.visible_to(request.user).exclude(
            kind=OrganizationKind.SCHOOL
        )
        # Every drop-down's unset choice reads 全部, in one place rather than on each area's filters.
        for f in self.filters.values():
            if isinstance(f, django_filters.BooleanFilter):
                f.extra["widget"] = AllYesNoSelect
            elif isinstance(f, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter):
                f.extra["empty_label"] = _lazy("全部")
        if self.date_field is None:
            del self.filters["year"]
        if not self.search_fields:
            del self.filters["q"]

    def filter_year(self, queryset, name, value):
        start = datetime.date(int(value), 1, 1)
        end = start.replace(year=start.year + 1)
        if isinstance(queryset.model._meta.get_field(self.date_field), models.DateTimeField):
            # Local midnights, as the figures count a year of incidents (duty.summary).
            zone = timezone.get_default_timezone()
            start, end = (datetime.datetime.combine(day, datetime.time(), zone) for day in (start, end))
        return queryset.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})

    def filter_org(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_org_code(self, queryset, name, value):
        org = Organization.objects.visible_to(self.request.user).filter(code=value.strip()).first()
        if org is None:
            return queryset.none()
        return queryset.filter(organization__path__startswith=org.path)

    def filter_below(self, queryset, name, value):
        """The records of the units below the organisation filtered on (its own left out)."""
        data = self.form.cleaned_data
        org = data.get("org") or Organization.objects.filter(code=(data.get("org_code") or "").strip()).first()
        if org is None or value is None:
            return queryset
        return queryset.exclude(organization=org) if value else queryset.filter(organization=org)

    def filter_text(self, queryset, name, value):
        condition = models.Q()
        for field in self.search_fields:
            condition |= models.Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


@library.register
class DateColumn(tables.Column):
    """Dates and times in the locale's short format, as django-tables2's DateColumn and
    DateTimeColumn show them, but formatted in Python: theirs compile a template for every cell,
    a third of a 50-row list page's time. Registered last, so every table's date fields use it."""

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField):
            return cls(**kwargs)
        return None

    def render(self, value):
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        return formats.date_format(value, "SHORT_DATE_FORMAT")

    def value(self, value):
        return value  # exports keep dates typed (excel_cell writes local wall-clock time)


class RecordTable(tables.Table):
    """A table whose first column links to the record and whose 单位 column shows the owner.

    Sorted as asked, then newest record first: pages are cut by OFFSET, and rows tied on the
    sorted column (a province's 2,000 hazards found on one day) would otherwise be free to come in
    another order on the next page, one row shown twice and another never."""

    organization = tables.Column(verbose_name=_lazy("单位"), order_by=("organization__path",))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._break_ties()  # not sorted by the request: the model's ordering, then the ties

    @property
    def order_by(self):
        return self._order_by

    @order_by.setter
    def order_by(self, value):
        tables.Table.order_by.fset(self, value)
        self._break_ties()

    def _break_ties(self) -> None:
        queryset = self.data.data
        if not isinstance(queryset, models.QuerySet):
            return
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        if ordering[-1:] not in (["-pk"], ["pk"]):
            self.data.data = queryset.order_by(*ordering, "-pk")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _lazy("没有符合条件的记录")
