"""五、政务值班、信息报告工作情况: duty days, leader coverage and its gaps, incidents by type and
level, casualties, losses and the share of incidents first reported in time — for an
organisation's whole subtree and a calendar year, every number from the records.

带班覆盖率 is measured over the organisations of the subtree that keep a roster that year (any
shift in it): the share of their duty hours (from the first day's handover to the one after the
last day) that had a current member of the group leading and two officers on duty."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from emergency import registry
from emergency.dashboard import Metric, Panel, metric, per_child
from emergency.models import Document, DocumentKind, Organization, OrganizationKind
from emergency.registry import Figure, Period, Rate, by_year, organisation_filter
from emergency.summary import (
    CHAPTERS,
    Outstanding,
    Rule,
    Section,
    Table,
    breakdown_by_child,
    breakdown_by_unit,
    rate,
    year_range,
)
from emergency.summary import Figure as SummaryFigure
from emergency.text import chinese_date

from . import conf
from .choices import SERIOUS_LEVELS, IncidentLevel, IncidentType, Timeliness
from .coverage import SPAN_VALUES, Coverage, check_spans, spans_from_values
from .models import DutyShift, Incident

DUTY_TITLE_WORDS = ("值班", "值守", "信息报送", "信息报告")


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time()).replace(tzinfo=timezone.get_default_timezone())


def money(value: Decimal) -> str:
    """12.50 → "12.5", 3.00 → "3": amounts in the narrative carry no trailing zeros."""
    return f"{Decimal(value).normalize():f}"


def scope_words(org: Organization) -> str:
    return {OrganizationKind.CITY: "全市教育系统", OrganizationKind.DISTRICT: "全区教育系统"}.get(org.kind, "本校")


def coverage_by_unit(org: Organization, year: int, own_only: bool = False) -> dict[int, Coverage]:
    """Coverage of every organisation of the subtree that keeps a roster in the year (or of `org`
    alone), from one streamed query (the night shift of the last day of the year before is included)."""
    start, end = year_range(year)
    last = end - datetime.timedelta(days=1)
    window = conf.period_window(start, last)
    shifts = DutyShift.objects.filter(organization=org) if own_only else DutyShift.objects.in_subtree(org)
    rows = shifts.in_period(start, last).order_by("organization_id", "date").values_list(*SPAN_VALUES)
    # One unit's year at a time, as the rows come in unit by unit: a province's 365,000 shifts held
    # at once were the summary's peak memory (166 MB at scale 100).
    results = {}
    for org_id, unit in groupby(spans_from_values(rows.iterator(chunk_size=5000)), key=itemgetter(0)):
        spans = [span for _org_id, span in unit]
        if any(span.start >= window[0] for span in spans):
            results[org_id] = check_spans(spans, *window)
    return results


def occurred_in(org: Organization, period: Period) -> Q:
    return Q(occurred_at__gte=_aware(period.start), occurred_at__lt=_aware(period.end))


LIST = "duty:incident_list"
FIGURES = (
    Figure("incidents", gettext_noop("突发事件数"), "起", Incident, occurred_in, LIST, by_year),
    Figure(
        "incidents_on_time",
        gettext_noop("按时报送的突发事件数"),
        "起",
        Incident,
        lambda org, period: occurred_in(org, period) & Q(timeliness_value=Timeliness.ON_TIME),
        LIST,
        lambda org, period: {"year": period.year, "timeliness": Timeliness.ON_TIME},
        records=lambda org, period: Incident.objects.in_subtree(org).with_timeliness(),
    ),
    Rate("on_time_rate", gettext_noop("按时报送率"), "incidents_on_time", "incidents"),
)


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    period = Period.of(year)
    figures = registry.figures
    section = Section(5, CHAPTERS[5])
    shifts = DutyShift.objects.in_subtree(org).filter(date__gte=start, date__lt=end)
    duty = shifts.aggregate(
        days=Count("date", distinct=True), shifts=Count("id"), leaders=Count("leader", distinct=True)
    )
    results = coverage_by_unit(org, year)
    total_seconds = sum((r.end - r.start).total_seconds() for r in results.values())
    covered_seconds = sum(r.covered_seconds for r in results.values())
    coverage_rate = round(100 * covered_seconds / total_seconds, 1) if total_seconds else 0.0
    gap_hours = round(sum(r.gap_hours for r in results.values()), 1)
    gaps = sum(len(r.gaps) for r in results.values())
    doubles = sum(len(r.double_bookings) for r in results.values())

    incidents = figures["incidents"].queryset(org, period)
    totals = incidents.with_timeliness().aggregate(
        count=figures["incidents"].measure(org, period),
        deaths=Sum("deaths", default=0),
        injuries=Sum("injuries", default=0),
        loss=Sum("property_loss", default=Decimal("0")),
        on_time=figures["incidents_on_time"].measure(org, period),
        late=Count("id", filter=Q(timeliness_value__in=[Timeliness.LATE, Timeliness.OVERDUE])),
        serious=Count("id", filter=Q(level__in=SERIOUS_LEVELS)),
    )
    grid = {
        (r["incident_type"], r["level"]): r["n"]
        for r in incidents.values("incident_type", "level").annotate(n=Count("id")).order_by()
    }
    by_type = {t: sum(n for (tt, _l), n in grid.items() if tt == t) for t in IncidentType.values}
    by_level = {lv: sum(n for (_t, ll), n in grid.items() if ll == lv) for lv in IncidentLevel.values}
    casualties = totals["deaths"] + totals["injuries"]
    on_time_rate = rate(totals["on_time"], totals["count"])

    section.figures = [
        SummaryFigure("duty_days", "值班天数", duty["days"], "天"),
        SummaryFigure("duty_shifts", "值班班次数", duty["shifts"], "个"),
        SummaryFigure("duty_units", "实行值班的单位数", len(results), "个"),
        SummaryFigure("duty_leaders", "参与带班的领导人数", duty["leaders"], "人"),
        SummaryFigure("leader_coverage", "带班覆盖率", coverage_rate, "%"),
        SummaryFigure("duty_gap_hours", "值班空档时长", gap_hours, "小时"),
        SummaryFigure("duty_gaps", "值班空档段数", gaps, "段"),
        SummaryFigure("duty_double_bookings", "重复排班段数", doubles, "段"),
        figures["incidents"].row(totals["count"]),
        *(
            SummaryFigure(f"incidents_{t.value}", f"突发事件数（{t.label}）", by_type[t.value], "起")
            for t in IncidentType
        ),
        *(
            SummaryFigure(f"incidents_{lv.value}", f"突发事件数（{lv.label}）", by_level[lv.value], "起")
            for lv in IncidentLevel
        ),
        SummaryFigure("casualties", "伤亡人数", casualties, "人"),
        SummaryFigure("deaths", "死亡人数", totals["deaths"], "人"),
        SummaryFigure("injuries", "受伤人数", totals["injuries"], "人"),
        SummaryFigure("property_loss", "直接财产损失", totals["loss"], "万元"),
        figures["on_time_rate"].row(on_time_rate),
        SummaryFigure("late_incidents", "迟报或逾期未报事件数", totals["late"], "起"),
    ]
    section.tables += _tables(org, shifts, incidents, results, grid, totals["count"])
    section.rules = [
        Rule(
            "各类型突发事件数之和等于突发事件数", tuple(f"incidents_{t}" for t in IncidentType.values), ("incidents",)
        ),
        Rule(
            "各等级突发事件数之和等于突发事件数",
            tuple(f"incidents_{lv}" for lv in IncidentLevel.values),
            ("incidents",),
        ),
        Rule("伤亡人数等于死亡人数与受伤人数之和", ("casualties",), ("deaths", "injuries")),
        Rule("迟报或逾期未报事件数不超过突发事件数", ("late_incidents",), ("incidents",), at_most=True),
    ]
    section.paragraphs = _narrative(org, year, duty, results, coverage_rate, gap_hours, gaps, totals, by_type, by_level)
    section.key_work = _key_work(org, year, duty)
    section.overview = _overview(org, year, totals)
    section.outstanding = _outstanding(results, coverage_rate, gap_hours, gaps, totals)
    return section


def _tables(org, shifts, incidents, results, grid, incident_count) -> list[Table]:
    duty_measures = {"值班天数": Count("date", distinct=True), "值班班次数": Count("id")}
    incident_measures = {
        "突发事件数": Count("id"),
        "伤亡人数": Sum(F("deaths") + F("injuries")),
        "直接财产损失（万元）": Sum("property_loss"),
    }
    names = dict(Organization.objects.filter(pk__in=results).values_list("pk", "name"))
    codes = dict(Organization.objects.filter(pk__in=results).values_list("pk", "code"))
    tables = [
        breakdown_by_child(shifts, org, duty_measures, "值班情况（按下级单位）", sums={"值班班次数": "duty_shifts"}),
        breakdown_by_unit(shifts, duty_measures, "值班情况（按单位）"),
        Table(
            "带班覆盖（按单位）",
            [
                "单位代码",
                "单位名称",
                "应值班小时",
                "已覆盖小时",
                "带班覆盖率(%)",
                "空档小时",
                "空档段数",
                "重复排班段数",
            ],
            [
                [
                    codes[pk],
                    names[pk],
                    round(r.total_hours, 1),
                    round(r.covered_hours, 1),
                    r.rate,
                    round(r.gap_hours, 1),
                    len(r.gaps),
                    len(r.double_bookings),
                ]
                for pk, r in results.items()
            ],
        ),
        breakdown_by_child(
            incidents,
            org,
            incident_measures,
            "突发事件（按下级单位）",
            sums={"突发事件数": "incidents", "伤亡人数": "casualties", "直接财产损失（万元）": "property_loss"},
        ),
        breakdown_by_unit(incidents, incident_measures, "突发事件（按单位）"),
        Table(
            "突发事件（按类型和等级）",
            ["事件类型", *(str(lv.label) for lv in IncidentLevel), "合计"],
            [
                [
                    str(t.label),
                    *(grid.get((t.value, lv.value), 0) for lv in IncidentLevel),
                    sum(grid.get((t.value, lv.value), 0) for lv in IncidentLevel),
                ]
                for t in IncidentType
            ],
            sums={"合计": "incidents", **{str(lv.label): f"incidents_{lv.value}" for lv in IncidentLevel}},
        ),
    ]
    gap_rows = [
        [
            codes[pk],
            names[pk],
            timezone.localtime(g.start),
            timezone.localtime(g.end),
            round(g.hours, 1),
            g.reason_label,
        ]
        for pk, r in results.items()
        for g in r.gaps
    ]
    tables.append(
        Table(
            "值班空档明细",
            ["单位代码", "单位名称", "开始", "结束", "时长(小时)", "原因"],
            gap_rows,
            "detail",
            len(gap_rows),
        )
    )
    tables.append(
        Table(
            "突发事件明细",
            [
                "单位代码",
                "单位名称",
                "事件名称",
                "事件类型",
                "事件等级",
                "发生时间",
                "获知时间",
                "发生地点",
                "死亡人数",
                "受伤人数",
                "直接财产损失（万元）",
                "初报时间",
                "报送时效",
            ],
            _incident_rows(incidents),
            "detail",
            incident_count,
        )
    )
    return tables


def _incident_rows(incidents):
    for i in (
        incidents.with_timeliness().select_related("organization").order_by("occurred_at").iterator(chunk_size=2000)
    ):
        yield [
            i.organization.code,
            i.organization.name,
            i.title,
            i.get_incident_type_display(),
            i.get_level_display(),
            timezone.localtime(i.occurred_at),
            timezone.localtime(i.known_at),
            i.place,
            i.deaths,
            i.injuries,
            float(i.property_loss),
            timezone.localtime(i.first_reported_at) if i.first_reported_at else None,
            str(Timeliness(i.timeliness_value).label),
        ]


def _documents(org: Organization, year: int) -> tuple[list[Document], list[Document], bool]:
    start, end = year_range(year)
    words = Q()
    for w in DUTY_TITLE_WORDS:
        words |= Q(title__contains=w)
    rules = list(
        Document.objects.filter(words, organization=org, kind=DocumentKind.RULES, issued_on__lt=end).order_by(
            "issued_on"
        )
    )
    table = Document.objects.filter(
        organization=org, kind=DocumentKind.RESPONSIBILITY, title__contains="值班", issued_on__lt=end
    ).exists()
    return [d for d in rules if d.issued_on >= start], [d for d in rules if d.issued_on < start], table


def _narrative(org, year, duty, results, coverage_rate, gap_hours, gaps, totals, by_type, by_level) -> list[str]:
    new_rules, old_rules, has_table = _documents(org, year)
    titles = lambda docs: "、".join(f"《{d.title}》" for d in docs)  # noqa: E731
    paragraphs = []
    if duty["shifts"]:
        sentence = f"{org.name}进一步加强规范了政务值班应急值守工作，建立健全了突发公共事件信息报告工作机制"
        if new_rules:
            sentence += f"，制定了{titles(new_rules)}"
        elif old_rules:
            sentence += f"，认真执行{titles(old_rules)}"
        sentence += "，坚持实行了由领导班子成员带班，双人双岗值班制度"
        units = f"{len(results)}个单位实行值班，" if len(results) > 1 else ""
        sentence += f"，全年{units}值班{duty['days']}天，安排班次{duty['shifts']}个，{duty['leaders']}名领导轮流带班"
        if results and coverage_rate >= 100:
            sentence += "，带班覆盖率100%，进一步完善了24小时领导带班的值班、值宿工作机制"
        else:
            sentence += f"，带班覆盖率{coverage_rate}%，尚有{gaps}段共{gap_hours:g}小时的值班空档需要补齐"
        paragraphs.append(sentence + "。")
    else:
        sentence = f"{org.name}{year}年尚未在系统中登记值班安排"
        if new_rules or old_rules:
            sentence += f"；已制定{titles(new_rules + old_rules)}"
        paragraphs.append(sentence + "。")
    paragraphs.append(_incident_sentence(org, year, totals, by_type, by_level))
    if has_table:  # the seed's closing
        paragraphs.append("制定了值班工作人员责任表，把工作任务落实到了具体人员。")
    return paragraphs


def _key_work(org, year, duty) -> list[str]:
    if not duty["shifts"]:
        return []
    new_rules, old_rules, _table = _documents(org, year)
    rules = new_rules or old_rules
    basis = f"执行{'、'.join(f'《{d.title}》' for d in rules)}，" if rules else ""
    return [f"{basis}坚持领导带班和双人双岗值班，全年值班{duty['days']}天"]


def _overview(org, year, totals) -> list[str]:
    """The year's safety record, closing chapter 一 as the seed does, only when the records bear it out."""
    if totals["serious"] or totals["deaths"] or totals["injuries"] or totals["loss"]:
        return []
    when = "全年" if Period.of(year).as_of == datetime.date(year, 12, 31) else "目前为止"
    return [f"{when}，{scope_words(org)}未出现应急管理方面的重大事故和人员伤亡和财产损失的情况。"]


def _outstanding(results, coverage_rate, gap_hours, gaps, totals) -> list[Outstanding]:
    items = []
    if results and coverage_rate < 100 and gaps:
        items.append(
            Outstanding(
                f"值班尚有{gaps}段共{gap_hours:g}小时的空档",
                "补齐值班空档，落实24小时领导带班和双人双岗值班",
            )
        )
    if totals["late"]:
        items.append(
            Outstanding(
                f"{totals['late']}起突发事件未在规定时限内初报",
                "严格执行突发事件信息报送时限，做到及时、准确报告",
            )
        )
    return items


def _incident_sentence(org, year, totals, by_type, by_level) -> str:
    scope = scope_words(org)
    count, casualties, loss = totals["count"], totals["deaths"] + totals["injuries"], totals["loss"]
    if not count:
        return f"{year}年{scope}未发生需报送的突发事件。"
    limits = conf.report_limits()
    serious_limit = conf.describe_limit(max(limits[lv] for lv in SERIOUS_LEVELS))
    general_limit = conf.describe_limit(limits[IncidentLevel.GENERAL])
    kinds = "、".join(f"{IncidentType(t).label}{n}起" for t, n in by_type.items() if n)
    levels = "、".join(f"{IncidentLevel(lv).label}{n}起" for lv, n in by_level.items() if n)
    if totals["late"]:
        timely = f"初报按时报送率{rate(totals['on_time'], count)}%，{totals['late']}起未在规定时限内初报"
    else:
        timely = "均在规定时限内完成初报"
    timely += f"（较大及以上事件{serious_limit}内、一般事件{general_limit}内）"
    if not totals["serious"] and not casualties and not loss:
        return f"{year}年{scope}共报送一般突发事件{count}起（{kinds}），{timely}。"
    harm = []
    if totals["deaths"]:
        harm.append(f"{totals['deaths']}人死亡")
    if totals["injuries"]:
        harm.append(f"{totals['injuries']}人受伤")
    sentence = f"{year}年{scope}共发生突发事件{count}起，其中{levels}；按类型分，{kinds}。"
    sentence += "事件共造成" + "、".join(harm) if harm else "事件未造成人员伤亡"
    sentence += f"，直接财产损失{money(loss)}万元" if loss else "，未造成直接财产损失"
    sentence += f"；{timely}。"
    serious = (
        Incident.objects.in_subtree(org)
        .filter(level__in=SERIOUS_LEVELS, occurred_at__gte=_aware(datetime.date(year, 1, 1)))
        .filter(occurred_at__lt=_aware(datetime.date(year + 1, 1, 1)))
        .select_related("organization")
        .order_by("occurred_at")
    )
    named = [
        f"{i.organization.name}{i.title}（{chinese_date(timezone.localtime(i.occurred_at).date())}，{i.get_level_display()}）"
        for i in serious[:20]
    ]
    if named:
        sentence += "较大及以上事件：" + "；".join(named) + "。"
    return sentence


def panel(org: Organization, year: int) -> Panel:
    """值班与报送: the organisation's own duty coverage, incidents and timely first reports."""
    period = Period.of(year)
    figures = registry.figures
    own = coverage_by_unit(org, year, own_only=True).get(org.pk)  # the dashboard needs the bureau's own
    incidents = figures["incidents_on_time"].base(org, period).filter(occurred_in(org, period))
    totals = incidents.aggregate(
        incidents=figures["incidents"].measure(org, period),
        on_time=figures["incidents_on_time"].measure(org, period),
    )
    result = Panel(_("值班与信息报送"))
    result.metrics = [
        # The unit's own roster (the summary's 带班覆盖率 is the subtree's): hours, not records.
        Metric(
            "own_leader_coverage",
            _("本单位带班覆盖率"),
            own.rate if own else None,
            "%",
            url=f"{reverse('duty:dutyshift_list')}?{urlencode({**organisation_filter(org), 'below': 'false'})}",
            level="success" if own and own.is_complete else "warning",
            as_of=period.said,
        ),
        metric(org, period, "incidents", totals["incidents"]),
        metric(org, period, "on_time_rate", (totals["on_time"], totals["incidents"])),
    ]
    result.columns = ["incidents"]
    for code, row in per_child(incidents, org, n=figures["incidents"].measure(org, period)).items():
        result.by_child.setdefault(code, {})["incidents"] = row["n"]
    return result
