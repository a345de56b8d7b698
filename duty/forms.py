"""Forms of duty rosters, the duty log and incident reports. Every choice of organisation or record
is restricted to the user's scope (RecordForm); 带班领导 is typed as a name and found among the
organisation's leadership group as it stood on the day, the same rule as the Excel import."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import OrganizationCodeField, RecordForm
from emergency.models import GroupRole, LeadershipMember, Organization
from emergency.queries import FIRST_YEAR, LAST_YEAR, DayField
from emergency.text import CheckedTextMixin

from . import roster
from .choices import ReportStage, ShiftKind, SwapPosition
from .models import DutyLog, DutyShift, Incident, is_current, resolve_leader

MONTH_INPUT = forms.TextInput(attrs={"type": "month"})
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in text.strip().split("-")[:2])
        datetime.date(year, month, 1)
    except (ValueError, AttributeError):
        raise ValidationError(_("月份格式应为 2026-03")) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("月份超出范围"))
    return year, month


class DutyShiftForm(RecordForm):
    leader_name = forms.CharField(
        label=_lazy("带班领导"), max_length=50, help_text=_lazy("本单位领导小组在该日在任成员的姓名")
    )

    class Meta:
        model = DutyShift
        fields = ["organization", "date", "shift", "leader_name", "officer_1", "officer_2", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["leader_name"].initial = self.instance.leader.name

    def clean(self):
        cleaned = super().clean()
        org, day, name = cleaned.get("organization"), cleaned.get("date"), cleaned.get("leader_name")
        if org and day and name:
            try:
                self.instance.leader = resolve_leader(org, day, name.strip())
            except ValidationError as exc:
                self.add_error("leader_name", exc.messages[0])
        return cleaned

    def _update_errors(self, errors):
        # The model reports leader problems on its own field, which this form shows as leader_name.
        if hasattr(errors, "error_dict") and "leader" in errors.error_dict:
            errors.error_dict.setdefault("leader_name", []).extend(errors.error_dict.pop("leader"))
        super()._update_errors(errors)


class DutyLogForm(RecordForm):
    """A log line, its shift named by its natural key (单位代码, 日期, 班次) so the form scales to
    any number of shifts."""

    shift_date = forms.DateField(label=_lazy("值班日期"))
    shift_kind = forms.ChoiceField(label=_lazy("班次"), choices=ShiftKind.choices)

    class Meta:
        model = DutyLog
        fields = ["organization", "shift_date", "shift_kind", "kind", "received_at", "source", "content", "handling"]

    def __init__(self, *args, shift: DutyShift | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        shift = self.instance.shift if self.instance.pk else shift
        if shift is not None:
            self.fields["organization"].initial = shift.organization.code
            self.fields["shift_date"].initial = shift.date
            self.fields["shift_kind"].initial = shift.shift
        if not self.instance.pk:
            self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self):
        cleaned = super().clean()
        org, day, kind = cleaned.get("organization"), cleaned.get("shift_date"), cleaned.get("shift_kind")
        if org and day and kind:
            shift = DutyShift.objects.visible_to(self.user).filter(organization=org, date=day, shift=kind).first()
            if shift is None:
                self.add_error("shift_date", _("%(o)s在该日没有这个班次") % {"o": org.name})
            else:
                self.instance.shift = shift
        return cleaned


class SwapForm(CheckedTextMixin, forms.Form):
    """调班 on a shift: who takes whose place, who agreed, and optionally the shift they trade."""

    position = forms.ChoiceField(label=_lazy("岗位"), choices=SwapPosition.choices)
    replacement = forms.CharField(label=_lazy("替班人"), max_length=50)
    agreed_by = forms.CharField(label=_lazy("同意人"), max_length=50, help_text=_lazy("批准调班的领导或负责人"))
    reason = forms.CharField(label=_lazy("调班原因"), max_length=200, required=False)
    exchange_date = forms.DateField(
        label=_lazy("对调日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=_lazy("两人互换班次时填写替班人原来的班次"),
    )
    exchange_kind = forms.ChoiceField(label=_lazy("对调班次"), choices=[("", "—"), *ShiftKind.choices], required=False)

    def __init__(self, *args, shift: DutyShift, **kwargs):
        self.shift = shift
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        day, kind = cleaned.get("exchange_date"), cleaned.get("exchange_kind")
        cleaned["exchange"] = None
        if bool(day) != bool(kind):
            raise ValidationError(_("对调日期和对调班次要一起填写"))
        if day and kind:
            other = DutyShift.objects.filter(organization_id=self.shift.organization_id, date=day, shift=kind).first()
            if other is None:
                self.add_error("exchange_date", _("本单位在该日没有这个班次"))
            cleaned["exchange"] = other
        return cleaned


class IncidentForm(RecordForm):
    class Meta:
        model = Incident
        fields = [
            "organization",
            "title",
            "incident_type",
            "level",
            "occurred_at",
            "known_at",
            "place",
            "deaths",
            "injuries",
            "property_loss",
            "description",
        ]


class ReportForm(CheckedTextMixin, forms.Form):
    """The next report of an incident's chain."""

    stage = forms.ChoiceField(label=_lazy("报送类别"), choices=ReportStage.choices)
    reported_at = forms.DateTimeField(
        label=_lazy("报送时间"), required=False, widget=DATETIME_INPUT, help_text=_lazy("留空表示现在")
    )
    author = forms.CharField(label=_lazy("报告人"), max_length=50)
    text = forms.CharField(label=_lazy("报告内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, stages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, ReportStage(s).label) for s in stages]
        if stages:
            self.fields["stage"].initial = stages[0]


class RosterBuilderForm(CheckedTextMixin, forms.Form):
    """A month to propose from a leader rotation and an officer rotation."""

    organization = OrganizationCodeField(required=False, help_text=_lazy("留空表示本单位"))
    month = forms.CharField(label=_lazy("月份"), widget=MONTH_INPUT)
    pattern = forms.ChoiceField(label=_lazy("班次安排"), choices=roster.PATTERNS, initial=roster.PATTERN_FULL)
    leaders = forms.CharField(
        label=_lazy("带班领导轮换"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("按轮换顺序每行一人（或用顿号分隔）；当日不在领导小组的成员自动跳过"),
    )
    officers = forms.CharField(
        label=_lazy("值班人员轮换"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("按轮换顺序每行一人，至少两人；每班依次安排两人"),
    )
    phone = forms.CharField(label=_lazy("值班电话"), max_length=50, required=False)
    holidays = forms.ChoiceField(
        label=_lazy("节假日"),
        choices=[
            (roster.HOLIDAY_MARK, _lazy("照常排班并标注")),
            (roster.HOLIDAY_SKIP, _lazy("不排班（另行安排节假日值班）")),
        ],
        initial=roster.HOLIDAY_MARK,
    )
    leader_start = forms.IntegerField(label=_lazy("带班领导从第几位开始"), min_value=1, initial=1)
    officer_start = forms.IntegerField(label=_lazy("值班人员从第几位开始"), min_value=1, initial=1)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        if user.organization_id:
            self.fields["organization"].initial = user.organization.code
        today = timezone.localdate()
        following = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        self.fields["month"].initial = f"{following:%Y-%m}"
        if user.organization_id and not self.is_bound:
            # The 组长 and 副组长 of one's own group today: the usual leader rotation.
            heads = LeadershipMember.objects.filter(
                group__organization_id=user.organization_id, group_role__in=[GroupRole.LEADER, GroupRole.DEPUTY]
            )
            self.fields["leaders"].initial = "\n".join(m.name for m in heads if is_current(m, today))

    def clean_organization(self):
        org = self.cleaned_data.get("organization") or self.user.organization
        if org is None:
            raise ValidationError(_("请填写单位代码"))
        return org

    def clean_month(self):
        return parse_month(self.cleaned_data["month"])

    def clean_leaders(self):
        return roster.parse_names(self.cleaned_data["leaders"])

    def clean_officers(self):
        names = roster.parse_names(self.cleaned_data["officers"])
        if len(names) < 2:
            raise ValidationError(_("双人双岗：值班人员轮换至少需要两人"))
        return names

    def propose(self) -> list[roster.Proposal]:
        data = self.cleaned_data
        year, month = data["month"]
        return roster.propose_month(
            data["organization"],
            year,
            month,
            data["pattern"],
            data["leaders"],
            data["officers"],
            phone=data["phone"],
            holidays=data["holidays"],
            leader_start=data["leader_start"] - 1,
            officer_start=data["officer_start"] - 1,
        )


class ProposalRowForm(CheckedTextMixin, forms.Form):
    """One row of the editable preview: staff change the leader or officers, or leave a row out."""

    keep = forms.BooleanField(label=_lazy("保存"), required=False, initial=True)
    date = forms.DateField(widget=forms.HiddenInput)
    shift = forms.ChoiceField(choices=ShiftKind.choices, widget=forms.HiddenInput)
    leader = forms.TypedChoiceField(label=_lazy("带班领导"), coerce=int, required=False)
    officer_1 = forms.CharField(label=_lazy("值班人员1"), max_length=50, required=False)
    officer_2 = forms.CharField(label=_lazy("值班人员2"), max_length=50, required=False)
    phone = forms.CharField(label=_lazy("联系电话"), max_length=50, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["leader"].choices = [("", "—")] + [
            (m.pk, f"{m.name}（{m.title}）" + (f"，{m.left_on:%Y-%m-%d}离开" if m.left_on else "")) for m in members
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("keep"):
            return cleaned
        day, leader_id = cleaned.get("date"), cleaned.get("leader")
        member = self.members.get(leader_id) if leader_id else None
        if member is None:
            self.add_error("leader", _("请选择带班领导"))
        elif day and not (member.joined_on <= day and (member.left_on is None or member.left_on > day)):
            self.add_error("leader", _("“%(n)s”在该日不是领导小组在任成员") % {"n": member.name})
        cleaned["member"] = member
        first, second = (cleaned.get("officer_1") or "").strip(), (cleaned.get("officer_2") or "").strip()
        if not first or not second:
            self.add_error("officer_2", _("双人双岗：请填写两名值班人员"))
        elif first == second:
            self.add_error("officer_2", _("两名值班人员必须是不同的人"))
        elif member and member.name in (first, second):
            self.add_error("officer_1", _("带班领导不能同时担任值班人员"))
        cleaned["officer_1"], cleaned["officer_2"] = first, second
        return cleaned


ProposalFormSet = forms.formset_factory(ProposalRowForm, extra=0, max_num=100, validate_max=True)


class PeriodForm(CheckedTextMixin, forms.Form):
    """An organisation and a period of duty days, for the coverage check."""

    org = forms.CharField(label=_lazy("单位代码"), max_length=32, required=False, help_text=_lazy("留空表示本单位"))
    start = DayField(label=_lazy("开始日期"), widget=DATE_INPUT)
    end = DayField(label=_lazy("结束日期"), widget=DATE_INPUT)

    MAX_DAYS = 366

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("结束日期不能早于开始日期"))
            if (end - start).days >= self.MAX_DAYS:
                raise ValidationError(_("一次最多检查%(n)d天") % {"n": self.MAX_DAYS})
        return cleaned
