"""三、突发事件风险排查整治情况: the campaigns an organisation ran in the year and the hazards of its
subtree, found, rectified (closed) and overdue, by district, school, category and level.

隐患整改率 is the share of the year's workload that was closed: hazards closed in the year over
those closed in the year plus those still open at its end (a hazard carried over from last year
counts once, so the rate never passes 100%). For the running year, "the end" is today."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from emergency import registry
from emergency.dashboard import Chart, Panel, metric, per_child, summed
from emergency.models import Organization, OrganizationKind
from emergency.registry import Figure, Period, Rate
from emergency.summary import Figure as SummaryFigure
from emergency.summary import (
    Outstanding,
    Rule,
    Section,
    Table,
    breakdown_by_child,
    breakdown_by_unit,
    detail_rows,
    labels,
    rate,
    share,
    year_range,
)

from .choices import CampaignKind, HazardCategory, HazardLevel, HazardStatus
from .models import Hazard, InspectionCampaign, closed_in, open_on, overdue_on


def found_in(period: Period) -> Q:
    return Q(found_on__gte=period.start, found_on__lt=period.end)


LIST = "hazards:hazard_list"
FIGURES = (
    Figure(
        "hazards_found",
        gettext_noop("发现隐患数"),
        "个",
        Hazard,
        lambda org, period: found_in(period),
        LIST,
        lambda org, period: {"year": period.year},
    ),
    Figure(
        "major_hazards_found",
        gettext_noop("发现重大隐患数"),
        "个",
        Hazard,
        lambda org, period: found_in(period) & Q(level=HazardLevel.MAJOR),
        LIST,
        lambda org, period: {"year": period.year, "level": HazardLevel.MAJOR},
    ),
    Figure(
        "hazards_rectified",
        gettext_noop("已整改隐患数"),
        "个",
        Hazard,
        lambda org, period: closed_in(period.year),
        LIST,
        lambda org, period: {"closed_in": period.year},
    ),
    Figure(
        "hazards_open",
        gettext_noop("未整改隐患数"),
        "个",
        Hazard,
        lambda org, period: open_on(period.as_of),
        LIST,
        lambda org, period: {"open_on": period.as_of.isoformat()},
    ),
    Figure(
        "hazards_overdue",
        gettext_noop("逾期未整改隐患数"),
        "个",
        Hazard,
        lambda org, period: overdue_on(period.as_of),
        LIST,
        lambda org, period: {"overdue_on": period.as_of.isoformat()},
        level="danger",
    ),
    # The year's workload, the rate's denominator: closed in the year or still open at its end (a
    # hazard carried over counts once, so the rate never passes 100%).
    Figure(
        "hazards_workload",
        gettext_noop("本年度应整改隐患数"),
        "个",
        Hazard,
        lambda org, period: closed_in(period.year) | open_on(period.as_of),
    ),
    Rate("rectification_rate", gettext_noop("隐患整改率"), "hazards_rectified", "hazards_workload"),
)


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    # Open at the end of the as-of day (31 December, or today in the running year).
    period = Period.of(year)
    figures = registry.figures
    section = Section(3, "隐患排查整治")

    campaigns = list(
        InspectionCampaign.objects.filter(organization=org, start_date__gte=start, start_date__lt=end)
        .select_related("focus_period")
        .prefetch_related("signoffs__department")
        .annotate(found=Count("hazards", filter=Q(hazards__organization__path__startswith=org.path)))
        .order_by("start_date", "title")
    )
    by_kind = Counter(c.kind for c in campaigns)
    below = (
        InspectionCampaign.objects.in_subtree(org)
        .exclude(organization=org)
        .filter(start_date__gte=start, start_date__lt=end)
        .count()
    )

    shown = ("hazards_found", "hazards_rectified", "hazards_open", "hazards_overdue")
    measures = {figures[key].label: figures[key].measure(org, period) for key in shown}
    # Every hazard the year touched: found in it, closed in it, or still open at its end.
    relevant = Hazard.objects.in_subtree(org).filter(
        found_in(period) | figures["hazards_workload"].condition(org, period)
    )
    open_at_start_q = Q(found_on__lt=start) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    totals = relevant.aggregate(
        **measures,
        major=figures["major_hazards_found"].measure(org, period),
        open_at_start=Count("id", filter=open_at_start_q),
    )
    found, closed = totals["发现隐患数"], totals["已整改隐患数"]
    still_open, overdue = totals["未整改隐患数"], totals["逾期未整改隐患数"]
    share = rate(closed, closed + still_open)

    section.figures = [
        SummaryFigure("self_inspections", "自查整改次数", by_kind[CampaignKind.SELF], "次"),
        SummaryFigure("joint_inspections", "联合检查次数", by_kind[CampaignKind.JOINT], "次"),
        SummaryFigure("special_inspections", "专项检查次数", by_kind[CampaignKind.SPECIAL], "次"),
        SummaryFigure("campaigns_below", "下级单位组织排查行动数", below, "次"),
        SummaryFigure("hazards_open_at_start", "年初未整改隐患数", totals["open_at_start"], "个"),
        figures["hazards_found"].row(found),
        figures["major_hazards_found"].row(totals["major"]),
        figures["hazards_rectified"].row(closed),
        figures["rectification_rate"].row(share),
        figures["hazards_open"].row(still_open),
        figures["hazards_overdue"].row(overdue),
    ]

    section.tables.append(
        Table(
            "排查行动",
            ["名称", "类型", "重点时段", "开始日期", "结束日期", "牵头单位", "参加部门", "会签情况", "发现隐患数"],
            [
                [
                    c.title,
                    c.get_kind_display(),
                    str(c.focus_period or ""),
                    c.start_date,
                    c.end_date,
                    c.lead,
                    "、".join(s.department.name for s in c.signoffs.all()),
                    "、".join(f"{s.department.name}（{s.signed_by}）" for s in c.signoffs.all() if s.is_signed),
                    c.found,
                ]
                for c in campaigns
            ],
        )
    )
    # Each breakdown's columns add up to the section's figures: every hazard in one row only.
    sums = dict(zip(measures, ("hazards_found", "hazards_rectified", "hazards_open", "hazards_overdue"), strict=True))
    section.tables.append(breakdown_by_child(relevant, org, measures, "隐患整改情况（按下级单位）", sums=sums))
    section.tables.append(breakdown_by_unit(relevant, measures, "隐患整改情况（按单位）"))
    by_category = _grouped(relevant, "category", measures, HazardCategory.choices)
    section.tables.append(Table("隐患整改情况（按类别）", ["隐患类别", *measures], by_category, sums=sums))
    section.tables.append(
        Table(
            "隐患整改情况（按等级）",
            ["隐患等级", *measures],
            _grouped(relevant, "level", measures, HazardLevel.choices),
            sums=sums,
        )
    )
    section.rules = [
        Rule(
            "本年整改隐患数不超过年初未整改隐患数与本年发现隐患数之和",
            ("hazards_rectified",),
            ("hazards_open_at_start", "hazards_found"),
            at_most=True,
        ),
        Rule(
            "年末未整改隐患数等于年初未整改数加本年发现数减本年整改数",
            ("hazards_open", "hazards_rectified"),
            ("hazards_open_at_start", "hazards_found"),
        ),
        Rule("发现重大隐患数不超过发现隐患数", ("major_hazards_found",), ("hazards_found",), at_most=True),
        Rule("逾期未整改隐患数不超过未整改隐患数", ("hazards_overdue",), ("hazards_open",), at_most=True),
    ]
    section.tables.append(
        Table(
            "本年发现的隐患",
            [
                "单位代码",
                "单位名称",
                "排查行动",
                "发现日期",
                "隐患类别",
                "隐患等级",
                "隐患描述",
                "隐患位置",
                "整改期限",
                "整改完成日期",
                "状态",
                "销号日期",
                "年末逾期",
            ],
            _detail_rows(Hazard.objects.in_subtree(org).filter(found_in(period)), period.as_of),
            kind="detail",
            total=found,
        )
    )
    section.paragraphs = _narrative(org, campaigns, totals, share, by_category)
    section.key_work = _key_work(campaigns, totals)
    section.outstanding = _outstanding(totals)
    return section


def _grouped(queryset, field: str, measures: dict, choices) -> list[list]:
    """One row per choice, in the choices' order, zeros included: one grouped query."""
    rows = {r[field]: r for r in queryset.values(field).annotate(**measures).order_by()}
    return [[str(label), *(rows.get(value, {}).get(m, 0) for m in measures)] for value, label in choices]


def _detail_rows(queryset, as_of: datetime.date):
    categories, levels, states = (
        labels(HazardCategory.choices),
        labels(HazardLevel.choices),
        labels(HazardStatus.choices),
    )
    rows = queryset.order_by("organization__path", "found_on", "id").values_list(
        "organization__code",
        "organization__name",
        "campaign__title",
        "found_on",
        "category",
        "level",
        "description",
        "location",
        "deadline",
        "rectified_on",
        "status",
        "closed_on",
    )
    for (
        code,
        unit,
        campaign,
        found_on,
        category,
        level,
        description,
        location,
        deadline,
        rectified_on,
        status,
        closed_on,
    ) in detail_rows(rows):
        open_at_end = found_on <= as_of and (closed_on is None or closed_on > as_of)  # as hazards.models.open_on
        yield [
            code,
            unit,
            campaign or "",
            found_on,
            categories[category],
            levels[level],
            description,
            location,
            deadline,
            rectified_on,
            states[status],
            closed_on,
            "是" if open_at_end and deadline and deadline < as_of else "",
        ]


def _joined(names: list[str]) -> str:
    """春节、两会和十一: the way a Chinese list ends."""
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def _narrative(org, campaigns, totals, share, by_category) -> list[str]:
    region = {OrganizationKind.CITY: "全市", OrganizationKind.DISTRICT: "全区"}.get(org.kind, "全校")
    audience = {OrganizationKind.CITY: "各县（市）区教育局", OrganizationKind.DISTRICT: "辖区各学校"}.get(org.kind, "")
    self_checks = [c for c in campaigns if c.kind == CampaignKind.SELF]
    joint = [c for c in campaigns if c.kind == CampaignKind.JOINT]
    sentences = []
    if self_checks:
        periods = sorted({c.focus_period for c in self_checks if c.focus_period}, key=lambda p: (p.sort_order, p.name))
        sentence = f"年初以来，{org.name}{len(self_checks)}次组织{audience}开展学校安全自查整改工作"
        if periods:
            sentence += f"，重点加强了{_joined([p.in_narrative for p in periods])}等敏感时期的隐患排查整改工作"
        sentences.append(sentence + "。")
    else:
        sentences.append(f"年内{org.name}未组织学校安全自查整改。")
    if joint:
        lead = Counter(c.lead or org.name for c in joint).most_common(1)[0][0]
        departments = {s.department for c in joint for s in c.signoffs.all()}
        names = [d.name for d in sorted(departments, key=lambda d: (d.sort_order, d.name))]
        opening = "在此基础上，" if self_checks else ""
        sentences.append(
            f"{opening}{lead}组织{'、'.join(names)}等部门（单位）{len(joint)}次对{region}学校安全和校园周边环境"
            "整治工作进行联合检查。"
        )
    found, closed, overdue = totals["发现隐患数"], totals["已整改隐患数"], totals["逾期未整改隐患数"]
    if found:
        sentence = f"全年共发现各类安全隐患{found}个"
        if totals["major"]:
            sentence += f"，其中重大隐患{totals['major']}个"
        kinds = [f"{name}隐患{count}个" for name, count, *_rest in by_category if count]
        sentences.append(sentence + f"；按类别分，{'、'.join(kinds)}。")
    # The seed closes on what was rectified; with nothing rectified, on what is still being rectified.
    if closed:
        sentence = f"目前，{region}共整改各类安全隐患{closed}个，隐患整改率{share}%"
    elif totals["未整改隐患数"]:
        sentence = f"目前，{region}尚有{totals['未整改隐患数']}个隐患正在整改"
    else:
        return ["".join(sentences)]
    if overdue:
        sentence += f"；逾期未整改的{overdue}个隐患已督促有关单位限期整改。"
    else:
        sentence += "，无逾期未整改隐患。"
    sentences.append(sentence)
    return ["".join(sentences)]


def _key_work(campaigns, totals) -> list[str]:
    done = []
    if checks := sum(1 for c in campaigns if c.kind == CampaignKind.SELF):
        done.append(f"{checks}次组织学校安全自查整改")
    if totals["已整改隐患数"]:
        done.append(f"整改各类安全隐患{totals['已整改隐患数']}个")
    return ["强化了日常安全管理，" + "，".join(done)] if done else []


def _outstanding(totals) -> list[Outstanding]:
    if not totals["逾期未整改隐患数"]:
        return []
    return [
        Outstanding(
            f"尚有{totals['逾期未整改隐患数']}个隐患逾期未整改",
            "对逾期隐患挂牌督办，督促有关单位限期整改、复查销号",
        )
    ]


def panel(org: Organization, year: int) -> Panel:
    """隐患: found, closed, overdue and the rate, this year against last, per child and in all (one
    query); found this year by category and by state (one more)."""
    period, previous = Period.of(year), Period.of(year - 1)
    figures = registry.figures
    hazards = Hazard.objects.in_subtree(org)
    keys = ("hazards_found", "hazards_rectified", "hazards_workload", "hazards_overdue")
    by_child = per_child(
        hazards,
        org,
        **{key: figures[key].measure(org, period) for key in keys},
        found_before=figures["hazards_found"].measure(org, previous),
        rectified_before=figures["hazards_rectified"].measure(org, previous),
    )
    totals = summed(by_child)
    result = Panel(_("隐患排查整治"))
    result.metrics = [
        metric(org, period, "hazards_found", totals["hazards_found"], totals["found_before"]),
        metric(org, period, "hazards_rectified", totals["hazards_rectified"], totals["rectified_before"]),
        metric(org, period, "rectification_rate", (totals["hazards_rectified"], totals["hazards_workload"])),
        metric(org, period, "hazards_overdue", totals["hazards_overdue"]),
    ]
    categories, states = Counter(), Counter()
    found = figures["hazards_found"].queryset(org, period)
    for category, status, n in found.values_list("category", "status").annotate(n=Count("pk")).order_by():
        categories[category] += n
        states[status] += n
    result.charts.append(
        Chart(
            "hazards_by_category",
            _("各类隐患数"),
            [str(label) for _v, label in HazardCategory.choices],
            [(_("隐患数"), [categories[v] for v, _l in HazardCategory.choices])],
        )
    )
    result.charts.append(
        Chart(
            "hazards_by_state",
            _("隐患整改状态"),
            [str(label) for _v, label in HazardStatus.choices],
            [(_("隐患数"), [states[v] for v, _l in HazardStatus.choices])],
            kind="pie",
        )
    )
    result.columns = ["rectification_rate", "hazards_overdue"]
    result.compare = ["rectification_rate"]
    for code, row in by_child.items():
        result.by_child[code] = {
            "rectification_rate": share(row["hazards_rectified"], row["hazards_workload"]),
            "hazards_overdue": row["hazards_overdue"],
        }
    return result
