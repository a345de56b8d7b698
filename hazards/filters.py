"""List filters: year, organisation subtree and free text come from RecordFilterSet."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordFilterSet

from .choices import CampaignKind, HazardCategory, HazardLevel, HazardStatus, NoticeKind
from .models import FocusPeriod, Hazard, HazardNotice, InspectionCampaign, closed_in, local_today, open_on, overdue_on


class InspectionCampaignFilter(RecordFilterSet):
    date_field = "start_date"
    search_fields = ("title", "lead")
    kind = django_filters.ChoiceFilter(label=_lazy("类型"), choices=CampaignKind.choices)
    focus_period = django_filters.ModelChoiceFilter(label=_lazy("重点时段"), queryset=FocusPeriod.objects.all())

    class Meta:
        model = InspectionCampaign
        fields = ["kind", "focus_period"]


class HazardFilter(RecordFilterSet):
    date_field = "found_on"
    search_fields = ("description", "location", "responsible")
    status = django_filters.ChoiceFilter(label=_lazy("状态"), choices=HazardStatus.choices)
    level = django_filters.ChoiceFilter(label=_lazy("隐患等级"), choices=HazardLevel.choices)
    category = django_filters.ChoiceFilter(label=_lazy("隐患类别"), choices=HazardCategory.choices)
    overdue = django_filters.BooleanFilter(label=_lazy("逾期"), method="filter_overdue")
    still_open = django_filters.BooleanFilter(label=_lazy("未销号"), method="filter_open")
    campaign = django_filters.ModelChoiceFilter(label=_lazy("排查行动"), queryset=InspectionCampaign.objects.none())
    # The dashboard's figures as of a day (hazards.summary.FIGURES): lists open exactly what they count.
    open_on = django_filters.DateFilter(label=_lazy("截至某日未整改"), method="filter_open_on")
    overdue_on = django_filters.DateFilter(label=_lazy("截至某日逾期未整改"), method="filter_overdue_on")
    closed_in = django_filters.NumberFilter(label=_lazy("销号年度"), method="filter_closed_in")

    class Meta:
        model = Hazard
        fields = ["status", "level", "category", "campaign"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["campaign"].queryset = InspectionCampaign.objects.visible_to(request.user).order_by(
            "-start_date", "title"
        )

    def filter_overdue(self, queryset, name, value):
        condition = Q(deadline__lt=local_today()) & ~Q(status=HazardStatus.CLOSED)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_open(self, queryset, name, value):
        return queryset.exclude(status=HazardStatus.CLOSED) if value else queryset.filter(status=HazardStatus.CLOSED)

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(open_on(value))

    def filter_overdue_on(self, queryset, name, value):
        return queryset.filter(overdue_on(value))

    def filter_closed_in(self, queryset, name, value):
        return queryset.filter(closed_in(int(value)))


class HazardNoticeFilter(RecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_lazy("类别"), choices=NoticeKind.choices)
    still_open = django_filters.BooleanFilter(label=_lazy("未签收"), method="filter_open")

    class Meta:
        model = HazardNotice
        fields = ["kind"]

    def filter_open(self, queryset, name, value):
        open_ids = HazardNotice.objects.still_open().values("pk")
        return queryset.filter(pk__in=open_ids) if value else queryset.exclude(pk__in=open_ids)
