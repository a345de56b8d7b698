"""Pages of the supplies area: the catalogue, the stock ledger and its movements, maintenance,
reserve standards, alerts and the census. Generic views do the scoping; the few state changes
that are not a form save (a movement, a census answer, refreshing alerts) are POST views that look
the record up in scope (out of scope is a 404) and refuse leaders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from emergency.excel import SheetSpec, workbook_bytes
from emergency.generic import (
    RecordDeleteView,
    RecordDetailView,
    RecordEditView,
    RecordHistoryView,
    RecordListView,
    excel_response,
    history_source,
    require_write,
    writes_to,
)
from emergency.models import AttachmentKind, Organization
from emergency.summary import child_code

from . import census as census_rules
from .alerts import refresh_alerts
from .choices import AlertKind, MovementKind, ReturnStatus
from .filters import (
    AlertFilter,
    CensusFilter,
    CensusReturnFilter,
    MaintenanceFilter,
    MovementFilter,
    ReserveStandardFilter,
    StockFilter,
    SupplyItemFilter,
)
from .forms import (
    CensusForm,
    MaintenanceForm,
    MovementForm,
    ReserveStandardForm,
    StockForm,
    SupplyItemForm,
)
from .models import (
    CensusReturn,
    MaintenanceRecord,
    ReserveStandard,
    Stock,
    StockMovement,
    SupplyAlert,
    SupplyCensus,
    SupplyItem,
)
from .movements import MovementError, move_stock
from .tables import (
    AlertTable,
    CensusReturnTable,
    CensusTable,
    MaintenanceTable,
    MovementTable,
    ReserveStandardTable,
    StockTable,
    SupplyItemTable,
)

# ---- catalogue --------------------------------------------------------------------------------


class SupplyItemList(RecordListView):
    model = SupplyItem
    queryset = SupplyItem.objects.all()
    filterset_class = SupplyItemFilter
    table_class = SupplyItemTable


class SupplyItemDetail(RecordDetailView):
    model = SupplyItem
    fields = ["name", "category", "spec", "unit", "check_interval_days", "notes"]


class SupplyItemEdit(RecordEditView):
    model = SupplyItem
    form_class = SupplyItemForm


class SupplyItemDelete(RecordDeleteView):
    model = SupplyItem


class SupplyItemHistory(RecordHistoryView):
    model = SupplyItem


# ---- stock ledger -----------------------------------------------------------------------------


LEDGER_HEADERS = [
    "单位代码",
    "单位名称",
    "物资名称",
    "物资类别",
    "规格型号",
    "计量单位",
    "存放地点",
    "批次号",
    "数量",
    "生产日期",
    "有效期至",
    "上次检查日期",
    "下次检查日期",
    "责任人",
    "状态",
]


def ledger_rows(queryset):
    """The stock ledger (台账) row by row, streamed: every line with its batch and status."""
    today = timezone.localdate()
    for line in queryset.select_related("organization", "item").iterator(chunk_size=2000):
        status = line.expiry_status(today)
        if status:
            label = AlertKind(status).label
        elif line.inspection_overdue(today):
            label = AlertKind.INSPECTION_OVERDUE.label
        else:
            label = _("正常")
        yield [
            line.organization.code,
            line.organization.name,
            line.item.name,
            line.item.get_category_display(),
            line.item.spec,
            line.item.unit,
            line.location,
            line.batch,
            line.quantity,
            line.produced_on,
            line.expires_on,
            line.last_checked_on,
            line.next_check_due,
            line.keeper,
            str(label),
        ]


class StockList(RecordListView):
    model = Stock
    queryset = Stock.objects.for_list()
    filterset_class = StockFilter
    table_class = StockTable
    import_kind = "supplies"

    def export(self):
        # The ledger, not the import template: it has every batch and the status of each line.
        # (The template, from "下载模板", is what goes back in.)
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        sheet = SheetSpec(_("物资台账"), LEDGER_HEADERS, ledger_rows(queryset))
        return excel_response(workbook_bytes([sheet]), f"物资台账-{stamp}.xlsx")


class StockDetail(RecordDetailView):
    model = Stock
    queryset = Stock.objects.select_related("organization", "item")
    fields = [*StockForm.Meta.fields]
    attachment_kinds = (
        (AttachmentKind.PHOTO, AttachmentKind.PHOTO.label),
        (AttachmentKind.DOCUMENT, AttachmentKind.DOCUMENT.label),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        line = self.object
        today = timezone.localdate()
        context.update(
            movements=line.movements.select_related("created_by", "counterpart__organization")[:50],
            maintenance=line.maintenance.all()[:20],
            open_alerts=line.alerts.filter(resolved_on__isnull=True),
            status=line.expiry_status(today),
            overdue=line.inspection_overdue(today),
            movement_form=MovementForm(user=self.request.user, stock=line),
        )
        return context


class StockEdit(RecordEditView):
    model = Stock
    form_class = StockForm

    def form_valid(self, form):
        creating = form.instance.pk is None
        with transaction.atomic():
            response = super().form_valid(form)
            if creating and self.object.quantity:
                StockMovement.objects.create(
                    organization=self.object.organization,
                    stock=self.object,
                    kind=MovementKind.RECEIVE,
                    change=self.object.quantity,
                    balance=self.object.quantity,
                    happened_on=timezone.localdate(),
                    reason=_("建账登记"),
                    is_opening=True,
                    created_by=self.request.user,
                    updated_by=self.request.user,
                )
        return response


class StockDelete(RecordDeleteView):
    model = Stock


class StockHistory(RecordHistoryView):
    model = Stock


# ---- movements --------------------------------------------------------------------------------


class MovementList(RecordListView):
    model = StockMovement
    queryset = StockMovement.objects.for_list()
    filterset_class = MovementFilter
    table_class = MovementTable


class MovementDetail(RecordDetailView):
    model = StockMovement
    queryset = StockMovement.objects.for_list()
    fields = [
        "organization",
        "stock",
        "kind",
        "change",
        "balance",
        "counterpart",
        "happened_on",
        "reason",
        "census_return",
        "created_by",
        "created_at",
    ]


class MovementHistory(RecordHistoryView):
    model = StockMovement


@history_source(_lazy("出入库登记"))
@login_required
@writes_to(StockMovement)
def movement_add(request):
    """Record a movement of one stock line (?stock=<id>): GET shows the form, POST makes it."""
    stock_id = request.POST.get("stock") or request.GET.get("stock")
    if not stock_id or not str(stock_id).isdigit():
        messages.info(request, _("请先在物资台账中选择要登记出入库的物资"))
        return redirect("supplies:stock_list")
    line = get_object_or_404(Stock.objects.visible_to(request.user).select_related("item", "organization"), pk=stock_id)
    form = MovementForm(request.POST or None, user=request.user, stock=line)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            movement = move_stock(
                line,
                data["kind"],
                data["quantity"],
                data["reason"],
                request.user,
                day=data["happened_on"],
                destination=data.get("destination"),
                destination_location=data.get("destination_location") or None,
                produced_on=data.get("produced_on"),
                expires_on=data.get("expires_on"),
            )
        except MovementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已登记%(kind)s：%(item)s，结存 %(n)d%(u)s")
                % {"kind": movement.direction, "item": movement.stock, "n": movement.balance, "u": line.item.unit},
            )
            return HttpResponseRedirect(movement.stock.get_absolute_url())
    return render(request, "supplies/stockmovement_form.html", {"form": form, "stock": line})


# ---- maintenance ------------------------------------------------------------------------------


class MaintenanceList(RecordListView):
    model = MaintenanceRecord
    queryset = MaintenanceRecord.objects.for_list()
    filterset_class = MaintenanceFilter
    table_class = MaintenanceTable


class MaintenanceDetail(RecordDetailView):
    model = MaintenanceRecord
    queryset = MaintenanceRecord.objects.for_list()
    fields = ["organization", "stock", "kind", "done_on", "result", "done_by", "next_due_on", "notes"]
    attachment_kinds = (
        (AttachmentKind.PHOTO, AttachmentKind.PHOTO.label),
        (AttachmentKind.DOCUMENT, AttachmentKind.DOCUMENT.label),
    )


class MaintenanceEdit(RecordEditView):
    model = MaintenanceRecord
    form_class = MaintenanceForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        stock_id = self.request.GET.get("stock")
        if stock_id and stock_id.isdigit() and self.object is None:
            kwargs["stock"] = get_object_or_404(Stock.objects.visible_to(self.request.user), pk=stock_id)
        return kwargs


class MaintenanceDelete(RecordDeleteView):
    model = MaintenanceRecord


class MaintenanceHistory(RecordHistoryView):
    model = MaintenanceRecord


# ---- reserve standards ------------------------------------------------------------------------


class ReserveStandardList(RecordListView):
    model = ReserveStandard
    queryset = ReserveStandard.objects.for_list()
    filterset_class = ReserveStandardFilter
    table_class = ReserveStandardTable


class ReserveStandardDetail(RecordDetailView):
    model = ReserveStandard
    queryset = ReserveStandard.objects.for_list()
    fields = ["organization", "item", "minimum", "stage", "target", "notes"]


class ReserveStandardEdit(RecordEditView):
    model = ReserveStandard
    form_class = ReserveStandardForm


class ReserveStandardDelete(RecordDeleteView):
    model = ReserveStandard


class ReserveStandardHistory(RecordHistoryView):
    model = ReserveStandard


# ---- alerts -----------------------------------------------------------------------------------


class AlertList(RecordListView):
    model = SupplyAlert
    queryset = SupplyAlert.objects.for_list()
    filterset_class = AlertFilter
    table_class = AlertTable


class AlertDetail(RecordDetailView):
    model = SupplyAlert
    queryset = SupplyAlert.objects.for_list()
    fields = ["organization", "kind", "item", "stock", "quantity", "due_on", "detail", "raised_on", "resolved_on"]


class AlertHistory(RecordHistoryView):
    model = SupplyAlert


@history_source(_lazy("刷新预警"))
@login_required
@require_POST
def alert_refresh(request):
    """Refresh the alerts of the user's own subtree now, rather than wait for the night's job."""
    require_write(request.user, SupplyAlert())
    root = request.user.organization
    if root is None and not request.user.sees_everything:
        raise PermissionDenied
    result = refresh_alerts(root)
    messages.success(
        request,
        _("预警已刷新：新增 %(r)d 条，解除 %(s)d 条，仍未解除 %(o)d 条")
        % {"r": result.raised, "s": result.resolved, "o": result.still_open},
    )
    return redirect("supplies:supplyalert_list")


# ---- census -----------------------------------------------------------------------------------


class CensusList(RecordListView):
    model = SupplyCensus
    queryset = SupplyCensus.objects.for_list()
    filterset_class = CensusFilter
    table_class = CensusTable


class CensusDetail(RecordDetailView):
    """Who has answered, in aggregate: counts by status, a row per district (or school), and the
    organisations still to answer — a few grouped queries whatever the number of schools."""

    model = SupplyCensus
    fields = ["organization", "title", "opened_on", "deadline", "status", "notes"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        census = self.object
        returns = census.returns.visible_to(self.request.user)
        counts = dict(returns.values_list("status").annotate(n=Count("id")).order_by())
        total = sum(counts.values())
        answered = total - counts.get(ReturnStatus.PENDING, 0)
        org = census.organization
        grouped = {
            r["child"]: r
            for r in returns.annotate(child=child_code(org))
            .values("child")
            .annotate(
                total=Count("id"),
                confirmed=Count("id", filter=Q(status=ReturnStatus.CONFIRMED)),
                corrected=Count("id", filter=Q(status=ReturnStatus.CORRECTED)),
                corrections=Sum("corrections"),
            )
            .order_by()
        }
        rows = []
        own = grouped.get("")
        if own:
            rows.append({"name": _("%(o)s（本级）") % {"o": org.name}, **own})
        for code, name in Organization.objects.filter(parent=org).order_by("code").values_list("code", "name"):
            if code in grouped:
                rows.append({"name": name, **grouped[code]})
        for row in rows:
            row["answered"] = row["confirmed"] + row["corrected"]
            row["rate"] = round(100 * row["answered"] / row["total"], 1) if row["total"] else 0
        context.update(
            total=total,
            confirmed=counts.get(ReturnStatus.CONFIRMED, 0),
            corrected=counts.get(ReturnStatus.CORRECTED, 0),
            pending=counts.get(ReturnStatus.PENDING, 0),
            rate=round(100 * answered / total, 1) if total else 0,
            by_child=rows,
            waiting=returns.filter(status=ReturnStatus.PENDING).select_related("organization")[:100],
            returns_url=reverse("supplies:censusreturn_list") + f"?census={census.pk}",
        )
        return context


class CensusEdit(RecordEditView):
    model = SupplyCensus
    form_class = CensusForm

    def form_valid(self, form):
        creating = form.instance.pk is None
        with transaction.atomic():
            response = super().form_valid(form)
            if creating:
                made = census_rules.open_returns(self.object, self.request.user)
                messages.info(self.request, _("已通知 %(n)d 个单位确认本单位物资数量") % {"n": made})
        return response


class CensusHistory(RecordHistoryView):
    model = SupplyCensus


class CensusReturnList(RecordListView):
    model = CensusReturn
    queryset = CensusReturn.objects.for_list()
    filterset_class = CensusReturnFilter
    table_class = CensusReturnTable


class CensusReturnDetail(RecordDetailView):
    model = CensusReturn
    queryset = CensusReturn.objects.for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answer = self.object
        context.update(
            lines=Stock.objects.filter(organization=answer.organization)
            .select_related("item")
            .order_by("item__category", "item__name", "location", "batch"),
            census_open=answer.census.is_open(timezone.localdate()),
            corrections_made=answer.corrections_made.select_related("stock__item"),
        )
        return context


class CensusReturnHistory(RecordHistoryView):
    model = CensusReturn


@history_source(_lazy("确认清点"))
@login_required
@require_POST
def census_return_confirm(request, pk):
    """A school confirms its counts as they stand, or corrects some: each correction a 盘点."""
    answer = get_object_or_404(CensusReturn.objects.visible_to(request.user).select_related("census"), pk=pk)
    require_write(request.user, answer)
    if not answer.census.is_open(timezone.localdate()):
        messages.error(request, _("该普查已结束或已过截止日期，不能再确认"))
        return redirect(answer.get_absolute_url())
    counted = {}
    for key, value in request.POST.items():
        if key.startswith("line-") and key[5:].isdigit():
            text = value.strip()
            if not text.isdigit():
                messages.error(request, _("数量必须是非负整数：%(v)s") % {"v": value})
                return redirect(answer.get_absolute_url())
            counted[int(key[5:])] = int(text)
    try:
        corrected = census_rules.answer(answer, counted, request.user, note=request.POST.get("note", ""))
    except MovementError as exc:
        messages.error(request, str(exc))
        return redirect(answer.get_absolute_url())
    if corrected:
        messages.success(request, _("已更正 %(n)d 行并确认") % {"n": corrected})
    else:
        messages.success(request, _("已确认本单位物资数量无误"))
    return redirect(answer.get_absolute_url())


# ---- home -------------------------------------------------------------------------------------
