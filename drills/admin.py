from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _lazy

from .choices import DrillType
from .models import Drill, DrillRequirement, DrillSchedule, ScheduledSchool


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "held_on", "drill_type", "drill_form", "students", "staff"]
    list_filter = ["drill_type", "drill_form"]
    search_fields = ["name", "organization__name", "organization__code"]
    raw_id_fields = ["organization", "plan"]
    list_select_related = ["organization"]
    date_hierarchy = "held_on"


class DrillRequirementForm(forms.ModelForm):
    drill_types = forms.MultipleChoiceField(
        label=_lazy("计入的演练类型"), choices=DrillType.choices, widget=forms.CheckboxSelectMultiple
    )
    exempt_months = forms.TypedMultipleChoiceField(
        label=_lazy("不计的月份"),
        choices=[(m, f"{m}月") for m in range(1, 13)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = DrillRequirement
        fields = ["stage", "period", "min_count", "drill_types", "exempt_months", "basis"]


@admin.register(DrillRequirement)
class DrillRequirementAdmin(admin.ModelAdmin):
    """The compliance rule per 学段; seeded with the 指南's defaults by a migration."""

    form = DrillRequirementForm
    list_display = ["stage", "period", "min_count", "drill_types", "exempt_months", "basis"]


class ScheduledSchoolInline(admin.TabularInline):
    model = ScheduledSchool
    raw_id_fields = ["organization"]
    extra = 0


@admin.register(DrillSchedule)
class DrillScheduleAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "drill_type", "planned_on", "deadline"]
    list_filter = ["drill_type"]
    raw_id_fields = ["organization"]
    inlines = [ScheduledSchoolInline]
