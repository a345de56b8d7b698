"""Forms of the supplies area. Every choice of organisation or record is in the user's scope
(RecordForm); movements go through `move_stock`, never through a model form."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import OrganizationCodeField, RecordForm
from emergency.models import Organization, OrganizationKind
from emergency.text import CheckedTextMixin

from .choices import MovementKind
from .models import MaintenanceRecord, ReserveStandard, Stock, SupplyCensus, SupplyItem


class SupplyItemForm(CheckedTextMixin, forms.ModelForm):
    class Meta:
        model = SupplyItem
        fields = ["name", "category", "spec", "unit", "check_interval_days", "notes"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class StockForm(RecordForm):
    """A stock line. Its quantity is given once, when the line is made (recorded as 建账 入库);
    after that it changes only by movements, so the ledger adds up."""

    class Meta:
        model = Stock
        fields = [
            "organization",
            "item",
            "location",
            "batch",
            "quantity",
            "produced_on",
            "expires_on",
            "last_checked_on",
            "keeper",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            del self.fields["quantity"]
        else:
            self.fields["quantity"].label = _("初始数量")
            self.fields["quantity"].help_text = _("建账时的实有数量，记为一笔入库；以后的变化请登记出入库")

    def clean(self):
        cleaned = super().clean()
        produced, expires = cleaned.get("produced_on"), cleaned.get("expires_on")
        if produced and expires and expires < produced:
            self.add_error("expires_on", _("有效期不能早于生产日期"))
        return cleaned


class MovementForm(CheckedTextMixin, forms.Form):
    """One movement of one stock line."""

    kind = forms.ChoiceField(label=_lazy("类型"), choices=MovementKind.choices)
    quantity = forms.IntegerField(
        label=_lazy("数量"), min_value=0, help_text=_lazy("盘点时填清点后的实有数量，其他类型填变动的数量")
    )
    happened_on = forms.DateField(
        label=_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_lazy("原因或用途"), max_length=200)
    destination = OrganizationCodeField(
        label=_lazy("调入单位代码"), required=False, help_text=_lazy("仅调拨时填写，须在您的管辖范围内")
    )
    destination_location = forms.CharField(
        label=_lazy("调入存放地点"), max_length=100, required=False, help_text=_lazy("留空表示与调出地点同名")
    )
    produced_on = forms.DateField(
        label=_lazy("本批生产日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_lazy("仅入库时填写；与现有批次不同时另立批次"),
    )
    expires_on = forms.DateField(
        label=_lazy("本批有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, stock: Stock, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.stock = user, stock
        self.fields["destination"].queryset = Organization.objects.visible_to(user)
        self.fields["happened_on"].initial = timezone.localdate()

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return day

    def clean(self):
        cleaned = super().clean()
        kind, quantity = cleaned.get("kind"), cleaned.get("quantity")
        if kind and quantity == 0 and kind != MovementKind.COUNT:
            self.add_error("quantity", _("数量必须大于0"))
        if kind == MovementKind.TRANSFER:
            destination = cleaned.get("destination")
            if destination is None and "destination" not in self.errors:
                self.add_error("destination", _("调拨必须填写调入单位代码"))
            elif destination is not None and destination.pk == self.stock.organization_id:
                self.add_error("destination", _("调入单位不能是本单位"))
        return cleaned


class MaintenanceForm(RecordForm):
    organization = None

    class Meta:
        model = MaintenanceRecord
        fields = ["stock", "kind", "done_on", "result", "done_by", "notes"]

    def __init__(self, *args, user, stock: Stock | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["stock"]
        field.queryset = field.queryset.select_related("item")
        # A drop-down of every line in a city helps nobody: the line given, the record's own
        # organisation's lines, or the user's own organisation's lines.
        if stock is not None:
            field.queryset = field.queryset.filter(pk=stock.pk)
            field.initial = stock.pk
        elif self.instance.pk:
            field.queryset = field.queryset.filter(organization_id=self.instance.organization_id)
        else:
            field.queryset = field.queryset.filter(organization_id=user.organization_id)

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return day


class ReserveStandardForm(RecordForm):
    target = OrganizationCodeField(
        label=_lazy("适用单位代码"), required=False, help_text=_lazy("只对某一个单位的标准；留空则按学段或全部学校")
    )

    class Meta:
        model = ReserveStandard
        fields = ["organization", "item", "minimum", "stage", "target", "notes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].label = _("制定单位代码")
        self.fields["target"].queryset = Organization.objects.visible_to(user)
        if self.instance.pk and self.instance.target_id:
            self.fields["target"].initial = self.instance.target.code

    def clean(self):
        cleaned = super().clean()
        setter, target = cleaned.get("organization"), cleaned.get("target")
        if setter and target and not target.path.startswith(setter.path):
            self.add_error("target", _("适用单位必须是制定单位或其下级单位"))
        if target and cleaned.get("stage"):
            self.add_error("stage", _("指定了适用单位时不再按学段"))
        return cleaned


class CensusForm(RecordForm):
    class Meta:
        model = SupplyCensus
        fields = ["organization", "title", "opened_on", "deadline", "status", "notes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].label = _("组织单位代码")
        if not self.instance.pk:
            del self.fields["status"]
            self.fields["opened_on"].initial = timezone.localdate()

    def clean_organization(self):
        org = super().clean_organization()
        if org.kind == OrganizationKind.SCHOOL:
            raise forms.ValidationError(_("物资普查由教育局组织，学校在普查中确认本校数量"))
        return org

    def clean(self):
        cleaned = super().clean()
        opened, deadline = cleaned.get("opened_on"), cleaned.get("deadline")
        if opened and deadline and deadline < opened:
            self.add_error("deadline", _("截止日期不能早于开始日期"))
        return cleaned
