"""用户管理: the account pages of administrators and bureau staff, on the generic record views.

Who may manage whom is `User.objects.visible_to(manager)` (models.py): an account outside it is a
404 (as any record out of scope), and the list and the pages that make accounts are a 403 to
someone who manages nobody."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .accounts import (
    FirstPassword,
    UserForm,
    create_school_accounts,
    first_password_line,
    first_password_sheet,
    issue_first_passwords,
    seal,
    unseal,
)
from .generic import (
    OrganizationCodeField,
    RecordDetailView,
    RecordEditView,
    RecordFilterSet,
    RecordHistoryView,
    RecordListView,
    RecordTable,
    excel_response,
    history_source,
    writes_to,
)
from .models import Organization, OrganizationKind, Role, User


class ManagerMixin:
    """Someone who manages nobody is refused the list and the add page, with the reason; any
    account by id is out of their reach (404), before the leaders' refusal of every write."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (reason := User.objects.write_refusal(request.user)):
            if "pk" in kwargs:
                raise Http404
            raise PermissionDenied(reason)
        return super().dispatch(request, *args, **kwargs)


class UserFilter(RecordFilterSet):
    search_fields = ("username", "first_name", "phone")
    role = django_filters.ChoiceFilter(label=_lazy("角色"), choices=Role.choices)
    is_active = django_filters.BooleanFilter(label=_lazy("账号启用"))

    class Meta:
        model = User
        fields = ["role", "is_active"]


class UserTable(RecordTable):
    username = tables.Column(linkify=True)
    first_name = tables.Column(verbose_name=_lazy("姓名"))
    role = tables.Column()
    is_active = tables.BooleanColumn(verbose_name=_lazy("账号启用"))
    must_change_password = tables.BooleanColumn(verbose_name=_lazy("待改密码"))
    last_login = tables.Column()

    class Meta(RecordTable.Meta):
        model = User
        fields = ["username", "first_name", "organization", "role", "is_active", "must_change_password", "last_login"]


class UserList(ManagerMixin, RecordListView):
    model = User
    queryset = User.objects.select_related("organization").order_by("organization__path", "username")
    filterset_class = UserFilter
    table_class = UserTable
    import_kind = "users"
    template_name = "emergency/user_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["without_password"] = self.get_queryset().awaiting_first_password().count()
        return context


class UserDetail(RecordDetailView):
    model = User
    queryset = User.objects.select_related("organization")
    fields = [
        "username",
        "first_name",
        "organization",
        "role",
        "phone",
        "email",
        "is_active",
        "must_change_password",
        "last_login",
        "date_joined",
    ]


class UserEdit(ManagerMixin, RecordEditView):
    model = User
    queryset = User.objects.select_related("organization")
    form_class = UserForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.first_password is None:
            return response
        return first_passwords_page(self.request, [first_password_line(self.object, form.first_password)])


class UserHistory(RecordHistoryView):
    model = User


def _managed(request, pk: int) -> User:
    return get_object_or_404(User.objects.visible_to(request.user).select_related("organization"), pk=pk)


@history_source(_lazy("停用或启用账号"))
@login_required
@require_POST
def user_set_active(request, pk):
    """Deactivate or reactivate an account (`active=0/1`); an account is never deleted: records name it."""
    account = _managed(request, pk)
    if account.pk == request.user.pk:
        raise PermissionDenied(_("不能停用自己的账号"))
    account.is_active = request.POST.get("active") == "1"
    account.save(update_fields=["is_active"])
    if account.is_active:
        messages.success(request, _("已启用：%(u)s") % {"u": account})
    else:
        messages.success(request, _("已停用：%(u)s") % {"u": account})
    return HttpResponseRedirect(account.get_absolute_url())


@history_source(_lazy("重置密码"))
@login_required
@require_POST
def user_reset_password(request, pk):
    account = _managed(request, pk)
    if account.pk == request.user.pk:
        raise PermissionDenied(_("请在“修改密码”页面修改自己的密码"))
    return first_passwords_page(request, issue_first_passwords([account]))


@history_source(_lazy("生成初始密码"))
@login_required
@require_POST
@writes_to(User)
def user_issue_passwords(request):
    """First passwords for every active account that has none yet (those an import created)."""
    waiting = User.objects.visible_to(request.user).awaiting_first_password()
    lines = issue_first_passwords(waiting.select_related("organization").order_by("organization__path", "username"))
    if not lines:
        messages.info(request, _("没有等待生成初始密码的账号"))
        return redirect("emergency:user_list")
    return first_passwords_page(request, lines)


class SchoolAccountsForm(forms.Form):
    district = OrganizationCodeField(
        label=_lazy("区县教育局单位代码"), help_text=_lazy("留空表示本单位"), required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["district"].queryset = Organization.objects.visible_to(user).exclude(kind=OrganizationKind.SCHOOL)
        if user.organization_id and user.organization.kind != OrganizationKind.SCHOOL:
            self.fields["district"].initial = user.organization.code

    def clean_district(self):
        district = self.cleaned_data.get("district") or self.user.organization
        if district is None:
            raise forms.ValidationError(_("请填写单位代码"))
        return district


@history_source(_lazy("开通学校账号"))
@login_required
@writes_to(User)
def school_accounts(request):
    """One school officer account for each school of a district that has none, in one action
    (whoever manages accounts may give the role)."""
    form = SchoolAccountsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        lines, skipped = create_school_accounts(request.user, form.cleaned_data["district"])
        for reason in skipped:
            messages.warning(request, reason)
        if not lines:
            messages.info(request, _("每所学校都已有学校填报员账号，没有新建账号"))
            return redirect("emergency:user_list")
        return first_passwords_page(request, lines)
    return render(request, "emergency/school_accounts.html", {"form": form})


@never_cache
def first_passwords_page(request, lines: list[FirstPassword]):
    """The only page that shows first passwords, answering the action that made them; its
    download form carries the key of the one sealed copy (accounts.py)."""
    return render(request, "emergency/first_passwords.html", {"lines": lines, "token": seal(request.user, lines)})


@login_required
@require_POST
@writes_to(User)
def first_passwords_download(request):
    lines = unseal(request.user, request.POST.get("token", ""))
    if lines is None:
        raise Http404(_("初始密码表已下载过或已过期；如需要，请重置密码"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return excel_response(first_password_sheet(lines), f"初始密码-{stamp}.xlsx")


class NewPasswordForm(PasswordChangeForm):
    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and self.user.check_password(password):
            self.add_error("new_password2", _("新密码不能与原密码相同"))
        return cleaned


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also ends a must-change: the first login's, or a reset's."""

    form_class = NewPasswordForm

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)
