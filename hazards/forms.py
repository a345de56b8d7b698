"""Forms of the hazard area. Record forms restrict every choice to the user's scope (RecordForm);
the small action forms carry what an action needs (a reason, a date) and nothing else."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import OrganizationCodeField, RecordForm
from emergency.models import Organization
from emergency.text import CheckedTextMixin

from .choices import CampaignKind
from .models import Department, FocusPeriod, Hazard, InspectionCampaign, local_today


class InspectionCampaignForm(RecordForm):
    organization = OrganizationCodeField(label=_lazy("组织单位代码"), help_text=_lazy("留空表示本单位"), required=False)
    scope_codes = forms.CharField(
        label=_lazy("范围单位代码"),
        required=False,
        help_text=_lazy("多个单位代码用顿号或空格分隔；留空为组织单位的全部下级单位，选定的单位包括其下级单位"),
    )

    class Meta:
        model = InspectionCampaign
        fields = [
            "organization",
            "title",
            "kind",
            "focus_period",
            "start_date",
            "end_date",
            "lead",
            "content",
            "departments",
        ]
        widgets = {"departments": forms.CheckboxSelectMultiple, "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["focus_period"].queryset = FocusPeriod.objects.filter(active=True)
        self.fields["departments"].queryset = Department.objects.filter(active=True)
        self.fields["departments"].help_text = _("联合检查选择参加的部门，各部门检查后在行动页面登记会签")
        if self.instance.pk:
            self.fields["scope_codes"].initial = "、".join(o.code for o in self.instance.scope.order_by("path"))

    def clean_scope_codes(self) -> list[Organization]:
        codes = [c for c in re.split(r"[、,，;；\s]+", self.cleaned_data.get("scope_codes") or "") if c]
        found = {o.code: o for o in Organization.objects.visible_to(self.user).filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("单位代码“%(c)s”不存在或不在您的管辖范围内") % {"c": "、".join(unknown)})
        return [found[c] for c in dict.fromkeys(codes)]

    def clean(self):
        cleaned = super().clean()
        organiser, chosen = cleaned.get("organization"), cleaned.get("scope_codes") or []
        if organiser is not None:
            outside = [o.code for o in chosen if not o.path.startswith(organiser.path)]
            if outside:
                self.add_error("scope_codes", _("%(c)s 不在组织单位的下级范围内") % {"c": "、".join(outside)})
        kind, departments = cleaned.get("kind"), cleaned.get("departments")
        if kind == CampaignKind.JOINT and not departments:
            self.add_error("departments", _("联合检查至少要选择一个参加部门"))
        if kind and kind != CampaignKind.JOINT and departments:
            self.add_error("departments", _("只有联合检查需要选择参加部门"))
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.scope.set(self.cleaned_data.get("scope_codes") or [])


class HazardForm(RecordForm):
    class Meta:
        model = Hazard
        fields = [
            "organization",
            "campaign",
            "drill",
            "found_on",
            "category",
            "level",
            "description",
            "location",
            "responsible",
            "measures",
            "deadline",
        ]
        widgets = {"measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["campaign"].queryset = self.fields["campaign"].queryset.select_related("organization")
        self.fields["deadline"].help_text = _("重大隐患必须规定整改期限")
        # Reached from a drill's page ("登记演练中发现的隐患"); a drop-down of every drill in a
        # city's scope would be unusable, so the link carries it.
        self.fields["drill"].widget = forms.HiddenInput()

    def clean_found_on(self):
        found_on = self.cleaned_data.get("found_on")
        if found_on and found_on > local_today():
            raise forms.ValidationError(_("发现日期不能晚于今天"))
        return found_on

    def clean(self):
        cleaned = super().clean()
        drill, org = cleaned.get("drill"), cleaned.get("organization")
        if drill and org and drill.organization_id != org.pk:
            self.add_error("organization", _("隐患应登记在发现它的演练所属单位"))
        campaign = cleaned.get("campaign")
        if campaign and org and not campaign.covers(org):
            self.add_error("campaign", _("排查行动“%(c)s”不包括单位“%(o)s”") % {"c": campaign, "o": org})
        return cleaned


class ActionForm(CheckedTextMixin, forms.Form):
    """What a step of the loop may carry; the hazard itself decides what each step requires."""

    comment = forms.CharField(label=_lazy("意见或说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rectified_on = forms.DateField(
        label=_lazy("整改完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    measures = forms.CharField(label=_lazy("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(CheckedTextMixin, forms.Form):
    text = forms.CharField(
        label=_lazy("督办要求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("留空则按隐患情况自动生成"),
    )
    respond_by = forms.DateField(
        label=_lazy("办结期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AcknowledgeForm(CheckedTextMixin, forms.Form):
    reply = forms.CharField(label=_lazy("回复"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CampaignReportForm(CheckedTextMixin, forms.Form):
    reported_on = forms.DateField(label=_lazy("上报日期"), widget=forms.DateInput(attrs={"type": "date"}))
    inspected_by = forms.CharField(label=_lazy("检查人员"), max_length=100, required=False)
    note = forms.CharField(label=_lazy("排查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reported_on(self):
        day = self.cleaned_data["reported_on"]
        if day > local_today():
            raise forms.ValidationError(_("上报日期不能晚于今天"))
        return day


class SignoffForm(CheckedTextMixin, forms.Form):
    signed_by = forms.CharField(label=_lazy("签字人"), max_length=50)
    signed_on = forms.DateField(label=_lazy("签字日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > local_today():
            raise forms.ValidationError(_("签字日期不能晚于今天"))
        return day
