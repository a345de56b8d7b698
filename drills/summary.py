"""二、应急预案制定情况 (drills' part): drills held in the year across the subtree, who took part,
by type, form, month and district, and compliance with the drill requirement per 学段."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from emergency import registry
from emergency.dashboard import Chart, Panel, metric, per_child, summed, two_years
from emergency.models import Organization, OrganizationKind
from emergency.registry import Figure, Period, Rate, by_year, in_year, summing
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
    year_range,
)
from plans.models import EmergencyPlan, in_force_on
from plans.summary import schools_phrase

from .choices import DrillForm, DrillType, RequirementPeriod
from .compliance import Window, compliance
from .models import Drill, DrillRequirement, DrillSchedule, drill_held

PEOPLE = Coalesce("students", 0) + Coalesce("staff", 0)
FIGURES = (
    Figure("drills", gettext_noop("应急演练次数"), "次", Drill, in_year("held_on"), "drills:drill_list", by_year),
    Figure(
        "drill_participants",
        gettext_noop("参演人次"),
        "人次",
        Drill,
        in_year("held_on"),
        "drills:drill_list",
        by_year,
        aggregate=summing(PEOPLE),
    ),
    # Judged school by school against its requirement by the compliance report, which lists them.
    Figure(
        "drill_compliant_schools",
        gettext_noop("演练达标学校数"),
        "所",
        None,
        None,
        "drills:compliance",
        by_year,
        aggregate=None,
    ),
    Figure("drill_schools_required", gettext_noop("有演练要求的学校数"), "所", None, None, aggregate=None),
    Rate("drill_compliance_rate", gettext_noop("演练达标率"), "drill_compliant_schools", "drill_schools_required"),
    # The narrative says a plan was revised for a drill's findings only when the records show it.
    Figure(
        "plans_revised_after_drill",
        gettext_noop("据演练发现问题修订的应急预案数"),
        "个",
        EmergencyPlan,
        lambda org, period: revised_after_drill(period),
    ),
    Figure(
        "plans_revising_after_drill",
        gettext_noop("据演练发现问题正在修订的应急预案数"),
        "个",
        EmergencyPlan,
        lambda org, period: revising_after_drill(period),
        level="warning",
    ),
)


def _drills_with_problems(period: Period) -> QuerySet:
    """The year's drills (to the as-of day) that found problems, on a version of the outer plan."""
    return Drill.objects.filter(
        held_on__gte=period.start,
        held_on__lte=period.as_of,
        plan__organization_id=OuterRef("organization_id"),
        plan__name=OuterRef("name"),
    ).exclude(problems_found="")


def revised_after_drill(period: Period) -> Q:
    """A version in force at the as-of day, issued after a drill of the year found problems in the plan."""
    return in_force_on(period.as_of) & Q(
        Exists(_drills_with_problems(period).filter(held_on__lt=OuterRef("issued_on")))
    )


def revising_after_drill(period: Period) -> Q:
    """A version in force at the as-of day, marked for revision, that a drill of the year found
    problems in (held since it was issued), and no newer version issued since."""
    return (
        in_force_on(period.as_of)
        & Q(needs_revision=True)
        & Q(Exists(_drills_with_problems(period).filter(held_on__gte=OuterRef("issued_on"))))
    )


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    period = Period.of(year)
    figures = registry.figures
    drills = Drill.objects.in_subtree(org).held_between(start, end)
    totals = drills.aggregate(
        drills=figures["drills"].measure(org, period),
        students=Coalesce(Sum("students"), 0),
        staff=Coalesce(Sum("staff"), 0),
        units=Count("organization", distinct=True),
        with_problems=Count("pk", filter=~Q(problems_found="")),
    )
    participants = totals["students"] + totals["staff"]
    standing = compliance(org, Window.year(year))
    total = standing.total

    section = Section(2, "应急演练")
    section.figures = [
        figures["drills"].row(totals["drills"]),
        figures["drill_participants"].row(participants),
        SummaryFigure("drill_students", "参演学生人次", totals["students"], "人次"),
        SummaryFigure("drill_staff", "参演教职工人次", totals["staff"], "人次"),
        SummaryFigure("units_drilled", "开展演练的单位数", totals["units"], "个"),
        SummaryFigure("drills_with_problems", "发现问题的演练次数", totals["with_problems"], "次"),
        SummaryFigure("drill_required", "按要求应开展演练次数", total.required, "次"),
        figures["drill_compliant_schools"].row(total.compliant),
        figures["drill_compliance_rate"].row(total.rate),
        SummaryFigure("drill_completion_rate", "演练要求完成率", total.completion, "%"),
    ]
    measures = {"演练次数": Count("pk"), "参演人次": Coalesce(Sum("students"), 0) + Coalesce(Sum("staff"), 0)}
    section.tables += [
        _by_choice(drills, "drill_type", DrillType.choices, "应急演练按类型"),
        _by_choice(drills, "drill_form", [*DrillForm.choices, ("", "未填写")], "应急演练按形式"),
        _by_month(drills),
        breakdown_by_child(
            drills,
            org,
            measures,
            "各区县应急演练情况" if org.kind == OrganizationKind.CITY else "下级单位应急演练情况",
            sums={"演练次数": "drills", "参演人次": "drill_participants"},
        ),
        breakdown_by_unit(drills, measures, "各单位应急演练情况"),
        Table(
            "演练达标情况（按区县）" if standing.has_bureaus_below else "演练达标情况（按学校）",
            [
                "单位",
                "有演练要求的学校",
                "达标学校",
                "达标率(%)",
                "应开展次数",
                "已开展次数",
                "缺少次数",
                "要求完成率(%)",
            ],
            [
                [g.name, g.with_requirement, g.compliant, g.rate, g.required, g.held, g.shortfall, g.completion]
                for g in [*standing.groups, total]
            ],
            sums={"达标学校": "drill_compliant_schools", "应开展次数": "drill_required"},
            total_row=True,
        ),
        _schedules(org, start, end),
        Table(
            "应急演练明细",
            [
                "单位代码",
                "单位名称",
                "演练名称",
                "演练日期",
                "演练类型",
                "演练形式",
                "关联预案",
                "参演学生人数",
                "参演教职工人数",
                "时长(分钟)",
                "发现问题",
            ],
            _details(drills),
            kind="detail",
            total=totals["drills"],
        ),
    ]
    section.rules = [
        Rule(
            "参演人次等于参演学生人次与参演教职工人次之和", ("drill_participants",), ("drill_students", "drill_staff")
        ),
        Rule("发现问题的演练次数不超过演练次数", ("drills_with_problems",), ("drills",), at_most=True),
    ]
    plans = EmergencyPlan.objects.in_subtree(org).aggregate(
        revised=figures["plans_revised_after_drill"].measure(org, period),
        revising=figures["plans_revising_after_drill"].measure(org, period),
    )
    section.figures += [
        figures["plans_revised_after_drill"].row(plans["revised"]),
        figures["plans_revising_after_drill"].row(plans["revising"]),
    ]
    section.paragraphs = narrative(org, year, totals, drills, standing, plans)
    if totals["drills"]:
        section.key_work.append(f"组织开展各类应急演练{totals['drills']}次、参演师生{participants}人次")
    if total.behind:
        section.outstanding.append(
            Outstanding(
                f"{total.behind}所学校未达到{requirement_phrase(standing.requirements)}的要求",
                "督促未达标学校将应急疏散演练纳入教学计划，按要求定期开展",
            )
        )
    return section


def _details(drills):
    types, forms = labels(DrillType.choices), labels(DrillForm.choices)
    rows = drills.order_by("held_on", "organization__path").values_list(
        "organization__code",
        "organization__name",
        "name",
        "held_on",
        "drill_type",
        "drill_form",
        "plan__name",
        "students",
        "staff",
        "duration_minutes",
        "problems_found",
    )
    for code, name, drill, held_on, drill_type, form, plan, students, staff, minutes, problems in detail_rows(rows):
        yield [
            code,
            name,
            drill,
            held_on,
            types.get(drill_type, drill_type),
            forms.get(form, ""),
            plan or "",
            students,
            staff,
            minutes,
            problems,
        ]


def _by_choice(drills, field: str, choices, title: str) -> Table:
    counts = {
        row[field]: row
        for row in drills.values(field)
        .annotate(n=Count("pk"), p=Coalesce(Sum("students"), 0) + Coalesce(Sum("staff"), 0))
        .order_by()
    }
    header = "演练类型" if field == "drill_type" else "演练形式"
    return Table(
        title,
        [header, "演练次数", "参演人次"],
        [
            [str(label), counts.get(value, {}).get("n", 0), counts.get(value, {}).get("p", 0)]
            for value, label in choices
        ],
        sums={"演练次数": "drills", "参演人次": "drill_participants"},
    )


def _by_month(drills) -> Table:
    counts = {
        row["month"]: row
        for row in drills.annotate(month=ExtractMonth("held_on"))
        .values("month")
        .annotate(n=Count("pk"), p=Coalesce(Sum("students"), 0) + Coalesce(Sum("staff"), 0))
        .order_by()
    }
    return Table(
        "应急演练按月份",
        ["月份", "演练次数", "参演人次"],
        [[f"{m}月", counts.get(m, {}).get("n", 0), counts.get(m, {}).get("p", 0)] for m in range(1, 13)],
        sums={"演练次数": "drills", "参演人次": "drill_participants"},
    )


def _schedules(org: Organization, start, end) -> Table:
    """The drills bureaus in the subtree scheduled in the year, and how many schools held them."""
    rows = (
        DrillSchedule.objects.in_subtree(org)
        .filter(planned_on__gte=start, planned_on__lt=end)
        .select_related("organization")
        .annotate(
            target_count=Count("targets"),
            done_count=Count("targets", filter=Q(Exists(drill_held(OuterRef("targets__organization"))))),
        )
        .order_by("planned_on")
    )
    return Table(
        "演练安排完成情况",
        ["安排名称", "安排单位", "演练类型", "计划日期", "完成期限", "安排学校数", "已完成学校数", "完成率(%)"],
        [
            [
                s.title,
                s.organization.name,
                s.get_drill_type_display(),
                s.planned_on,
                s.deadline,
                s.target_count,
                s.done_count,
                rate(s.done_count, s.target_count),
            ]
            for s in rows
        ],
    )


def requirement_phrase(requirements: list[DrillRequirement]) -> str:
    """The rule in words, e.g. 中小学每月、幼儿园每季度至少开展1次应急疏散演练."""
    monthly = [r for r in requirements if r.period == RequirementPeriod.MONTH]
    quarterly = [r for r in requirements if r.period == RequirementPeriod.QUARTER]
    parts = []
    if monthly:
        parts.append("中小学每月" if len(monthly) > 1 else f"{monthly[0].get_stage_display()}每月")
    if quarterly:
        parts.append("、".join(r.get_stage_display() for r in quarterly) + "每季度")
    least = min((r.min_count for r in requirements), default=1)
    return "、".join(parts) + f"至少开展{least}次应急疏散演练"


def narrative(org: Organization, year: int, totals: dict, drills, standing, plans: dict) -> list[str]:
    if not totals["drills"]:
        return [f"{year}年{schools_phrase(org)}尚未在系统中登记应急演练。"]
    labels = dict(DrillType.choices)
    by_type = drills.values_list("drill_type").annotate(n=Count("pk")).order_by("-n", "drill_type")
    kinds = "、".join(f"{labels[t]}演练{n}次" for t, n in by_type)
    who = schools_phrase(org)
    sentence = (
        f"{who}共举行各类应急演练{totals['drills']}次，参演师生{totals['students'] + totals['staff']}人次"
        f"（学生{totals['students']}人次、教职工{totals['staff']}人次），其中{kinds}"
    )
    if totals["with_problems"]:
        sentence += f"；{totals['with_problems']}次演练发现了问题"
        # 修订完善 only where a newer version was issued after the drill; flagged and not yet: 正在修订.
        if plans["revised"]:
            sentence += f"，已据此修订完善应急预案{plans['revised']}个"
        if plans["revising"]:
            sentence += f"，{'另有' if plans['revised'] else '涉及的'}{plans['revising']}个应急预案正在修订"
    paragraphs = [sentence + "。"]
    total = standing.total
    if total.with_requirement:
        rule = f"按照{requirement_phrase(standing.requirements)}的要求，全年应开展演练{total.required}次"
        if total.compliant == total.with_requirement:
            paragraphs.append(f"{rule}，{total.with_requirement}所有演练要求的学校均已达到要求。")
        elif total.compliant:
            paragraphs.append(
                f"{rule}，{total.with_requirement}所有演练要求的学校中，{total.compliant}所达到要求，"
                f"{total.behind}所尚未达到，已督促其按要求开展演练。"
            )
        else:
            paragraphs.append(
                f"{rule}，按月（季）计的要求完成率{total.completion}%，"
                f"{total.with_requirement}所有演练要求的学校均有月份（季度）未开展演练，已督促其按要求开展演练。"
            )
    paragraphs.append("通过演练，提高了广大师生自救自护能力。")
    return paragraphs


def month_names() -> list[str]:
    """The months of a chart's axis, 1月 to 12月, in the viewer's language."""
    return [
        _("1月"),
        _("2月"),
        _("3月"),
        _("4月"),
        _("5月"),
        _("6月"),
        _("7月"),
        _("8月"),
        _("9月"),
        _("10月"),
        _("11月"),
        _("12月"),
    ]


def panel(org: Organization, year: int) -> Panel:
    """演练: drills and participants this year against last, per child and in all, drills by month,
    and compliance (four queries: two here and the compliance module's two, whatever the size of the
    tree)."""
    period, previous = Period.of(year), Period.of(year - 1)
    drills = Drill.objects.in_subtree(org).filter(two_years("held_on", year))
    keys = ("drills", "drill_participants")
    by_child = per_child(
        drills,
        org,
        **{key: registry.figures[key].measure(org, period) for key in keys},
        **{f"{key}__before": registry.figures[key].measure(org, previous) for key in keys},
    )
    totals = summed(by_child)
    months = dict.fromkeys(range(1, 13), 0)
    months_before = dict.fromkeys(range(1, 13), 0)
    for held_year, month, n in (
        drills.annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
        .values_list("y", "m")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        (months if held_year == year else months_before)[month] = n
    today = timezone.localdate()
    last_month = datetime.date(year, 12, 1) if today.year > year else today.replace(day=1)
    standing = compliance(org, Window(datetime.date(year, 1, 1), max(last_month, datetime.date(year, 1, 1))))
    result = Panel(_("应急演练"))
    result.metrics = [metric(org, period, key, totals[key], totals[f"{key}__before"]) for key in keys]
    total = standing.total
    result.metrics.append(
        metric(
            org,
            period,
            "drill_compliance_rate",
            (total.compliant, total.with_requirement),
            level="success" if not total.with_requirement or total.rate >= 90 else "danger",
        )
    )
    result.charts.append(
        Chart(
            "drills_by_month",
            _("各月应急演练次数"),
            month_names(),
            [
                (_("%(year)s年") % {"year": year}, list(months.values())),
                (_("%(year)s年") % {"year": year - 1}, list(months_before.values())),
            ],
            kind="line",
        )
    )
    result.columns = ["drills", "drill_compliance_rate"]
    result.compare = ["drill_compliance_rate"]
    for code, row in by_child.items():
        result.by_child.setdefault(code, {})["drills"] = row["drills"]
    for group in standing.groups:
        shown = group.rate if group.with_requirement else None  # no school to judge: "—"
        result.by_child.setdefault(group.code, {})["drill_compliance_rate"] = shown
    return result
