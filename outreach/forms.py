"""Forms of the outreach area."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordForm

from .choices import Topic
from .models import OutreachCampaign, OutreachEvent


class CampaignForm(RecordForm):
    class Meta:
        model = OutreachCampaign
        fields = ["organization", "name", "starts_on", "ends_on", "theme", "plan", "notes"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("结束日期不能早于开始日期"))
        return cleaned


class EventForm(RecordForm):
    topics = forms.MultipleChoiceField(
        label=_lazy("宣传主题"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = OutreachEvent
        fields = [
            "organization",
            "name",
            "held_on",
            "form",
            "topics",
            "campaign",
            "participants",
            "banners",
            "posters",
            "boards",
            "leaflets",
            "notes",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # A school's events belong to the campaigns of the bureaus above it, which it cannot open
        # as records but takes part in: those are offered too.
        campaigns = OutreachCampaign.objects.visible_to(user)
        if user.organization_id:
            campaigns = OutreachCampaign.objects.filter(
                Q(pk__in=campaigns.values("pk"))
                | Q(pk__in=OutreachCampaign.objects.for_organisation(user.organization))
            )
        self.fields["campaign"].queryset = campaigns.order_by("-starts_on")

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("活动日期不能晚于今天"))
        return day

    def clean(self):
        cleaned = super().clean()
        campaign, org = cleaned.get("campaign"), cleaned.get("organization")
        if campaign and org and not org.path.startswith(campaign.organization.path):
            self.add_error("campaign", _("只能选择本单位或上级单位组织的宣传活动"))
        return cleaned
