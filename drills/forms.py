from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordForm
from emergency.models import Organization, OrganizationKind
from plans.models import EmergencyPlan

from .models import Drill, DrillSchedule


class DrillForm(RecordForm):
    # Typed by name, like the Excel column: a drop-down of every plan in a city helps nobody.
    plan_name = forms.CharField(
        label=_lazy("关联预案"),
        required=False,
        max_length=200,
        help_text=_lazy("本单位应急预案的名称；留空表示不关联"),
    )

    class Meta:
        model = Drill
        fields = [
            "organization",
            "name",
            "held_on",
            "drill_type",
            "drill_form",
            "plan_name",
            "students",
            "staff",
            "duration_minutes",
            "problems_found",
            "remarks",
        ]
        widgets = {"problems_found": forms.Textarea(attrs={"rows": 3}), "remarks": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.plan_id:
            self.fields["plan_name"].initial = self.instance.plan.name

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("演练日期不能晚于今天"))
        return held_on

    def clean(self):
        cleaned = super().clean()
        org, name = cleaned.get("organization"), (cleaned.get("plan_name") or "").strip()
        self.instance.plan = None
        if org and name:
            plan = EmergencyPlan.objects.visible_to(self.user).current_named({(org.pk, name)}).get((org.pk, name))
            if plan is None:
                self.add_error("plan_name", _("本单位没有名为“%(n)s”的应急预案") % {"n": name})
            else:
                self.instance.plan = plan
        return cleaned


CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


class DrillScheduleForm(RecordForm):
    all_schools = forms.BooleanField(label=_lazy("本单位管辖的全部学校"), required=False)
    school_codes = forms.CharField(
        label=_lazy("参加学校的单位代码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("用空格、逗号或换行分隔；勾选“全部学校”时可留空"),
    )

    class Meta:
        model = DrillSchedule
        fields = ["organization", "title", "drill_type", "planned_on", "deadline", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            codes = self.instance.targets.order_by("organization__path").values_list("organization__code", flat=True)
            self.fields["school_codes"].initial = " ".join(codes)

    def clean(self):
        cleaned = super().clean()
        planned, deadline = cleaned.get("planned_on"), cleaned.get("deadline")
        if planned and deadline and deadline < planned:
            self.add_error("deadline", _("完成期限不能早于计划日期"))
        owner = cleaned.get("organization")
        if owner is None:
            return cleaned
        # Schools under the schedule's owner only; the owner is already in the user's scope.
        schools = Organization.objects.filter(path__startswith=owner.path, kind=OrganizationKind.SCHOOL)
        if cleaned.get("all_schools"):
            cleaned["schools"] = list(schools.values_list("pk", flat=True))
        else:
            codes = [c for c in CODE_SEPARATORS.split(cleaned.get("school_codes") or "") if c]
            found = dict(schools.filter(code__in=codes).values_list("code", "pk"))
            unknown = [c for c in dict.fromkeys(codes) if c not in found]
            if unknown:
                self.add_error(
                    "school_codes",
                    _("以下单位代码不是%(o)s管辖的学校：%(c)s") % {"o": owner.name, "c": "、".join(unknown)},
                )
            cleaned["schools"] = list(dict.fromkeys(found.values()))
        if not cleaned["schools"] and not self.errors:
            self.add_error("school_codes", _("请至少安排一所学校"))
        return cleaned
