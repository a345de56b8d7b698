from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordForm
from emergency.uploads import TEXT_TYPES, check_file

from .choices import EventType
from .models import EmergencyPlan


def check_plan_file(upload) -> None:
    """The plan's text: PDF, Word or WPS."""
    check_file(upload, TEXT_TYPES)


class EmergencyPlanForm(RecordForm):
    event_types = forms.MultipleChoiceField(
        label=_lazy("事件类型"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    document = forms.FileField(
        label=_lazy("预案文本"), required=False, help_text=_lazy("可选：PDF、Word 或 WPS 文件，保存后作为附件")
    )

    class Meta:
        model = EmergencyPlan
        fields = [
            "organization",
            "name",
            "category",
            "event_types",
            "issued_on",
            "version",
            "next_revision_on",
            "status",
            "remarks",
            "needs_revision",
            "revision_note",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 2}), "revision_note": forms.Textarea(attrs={"rows": 2})}

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            check_plan_file(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        issued, revision = cleaned.get("issued_on"), cleaned.get("next_revision_on")
        if issued and revision and revision < issued:
            self.add_error("next_revision_on", _("下次修订日期不能早于发布日期"))
        return cleaned
