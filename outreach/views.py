"""Pages of the outreach area: campaigns and the events held in them."""

from __future__ import annotations

from django.db.models import Count, Sum

from emergency.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordHistoryView, RecordListView
from emergency.models import AttachmentKind

from .filters import CampaignFilter, EventFilter
from .forms import CampaignForm, EventForm
from .models import OutreachCampaign, OutreachEvent
from .tables import CampaignTable, EventTable

PHOTOS = ((AttachmentKind.PHOTO, AttachmentKind.PHOTO.label), (AttachmentKind.DOCUMENT, AttachmentKind.DOCUMENT.label))


class CampaignList(RecordListView):
    model = OutreachCampaign
    queryset = OutreachCampaign.objects.for_list()
    filterset_class = CampaignFilter
    table_class = CampaignTable


class CampaignDetail(RecordDetailView):
    """A campaign with what was done in it, counting only the events the viewer may see."""

    model = OutreachCampaign
    fields = ["organization", "name", "starts_on", "ends_on", "theme", "plan", "notes"]
    attachment_kinds = PHOTOS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = OutreachEvent.objects.visible_to(self.request.user).filter(campaign=self.object)
        context["totals"] = events.aggregate(
            events=Count("id"),
            units=Count("organization", distinct=True),
            participants=Sum("participants"),
            banners=Sum("banners"),
            posters=Sum("posters"),
            boards=Sum("boards"),
            leaflets=Sum("leaflets"),
        )
        context["recent"] = events.select_related("organization").order_by("-held_on", "name")[:20]
        return context


class CampaignEdit(RecordEditView):
    model = OutreachCampaign
    form_class = CampaignForm


class CampaignDelete(RecordDeleteView):
    model = OutreachCampaign


class CampaignHistory(RecordHistoryView):
    model = OutreachCampaign


class EventList(RecordListView):
    model = OutreachEvent
    queryset = OutreachEvent.objects.for_list()
    filterset_class = EventFilter
    table_class = EventTable
    import_kind = "outreach"


class EventDetail(RecordDetailView):
    model = OutreachEvent
    queryset = OutreachEvent.objects.for_list()
    fields = [*EventForm.Meta.fields]
    attachment_kinds = PHOTOS


class EventEdit(RecordEditView):
    model = OutreachEvent
    form_class = EventForm


class EventDelete(RecordDeleteView):
    model = OutreachEvent


class EventHistory(RecordHistoryView):
    model = OutreachEvent
