"""二、应急预案制定情况 (plans' part): the organisation's own plans, named, and the plans of the
units below it, as they stood at the end of the year (issued by then and not yet retired)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from emergency import registry
from emergency.dashboard import Panel, below, metric, per_child, summed
from emergency.models import Organization, OrganizationKind
from emergency.registry import Figure, Period
from emergency.summary import (
    Outstanding,
    Rule,
    Section,
    Table,
    breakdown_by_child,
    breakdown_by_unit,
    detail_rows,
    labels,
    year_range,
)

from .choices import PlanCategory, PlanLevel, PlanStatus
from .models import REVIEW_WARNING_DAYS, EmergencyPlan, due_on, flagged_on, in_force_on, overdue_on


def schools_phrase(org: Organization) -> str:
    """Who "the schools" are in a sentence: 全市各级各类学校, 市南区各级各类学校, or the school."""
    if org.kind == OrganizationKind.CITY:
        return "全市各级各类学校"
    if org.kind == OrganizationKind.DISTRICT:
        return f"{org.name.removesuffix('教育局')}各级各类学校"
    return org.name


def on_day(condition):
    """A figure's condition and list filter judged at the period's as-of date."""
    return lambda org, period: condition(period.as_of)


def as_of(name: str):
    return lambda org, period: {name: period.as_of.isoformat()}


LIST = "plans:emergencyplan_list"
FIGURES = (
    Figure(
        "plans_current",
        gettext_noop("现行预案数"),
        "个",
        EmergencyPlan,
        on_day(in_force_on),
        LIST,
        as_of("in_force_on"),
    ),
    Figure(
        "own_plans",
        gettext_noop("本级应急预案数"),
        "个",
        EmergencyPlan,
        lambda org, period: in_force_on(period.as_of) & Q(organization=org),
        LIST,
        lambda org, period: {"in_force_on": period.as_of.isoformat(), "below": "false"},
    ),
    Figure(
        "plans_below",
        gettext_noop("下级单位应急预案数"),
        "个",
        EmergencyPlan,
        lambda org, period: in_force_on(period.as_of) & below(org),
        LIST,
        lambda org, period: {"in_force_on": period.as_of.isoformat(), "below": "true"},
    ),
    Figure(
        "school_plans",
        gettext_noop("学校应急预案数"),
        "个",
        EmergencyPlan,
        lambda org, period: in_force_on(period.as_of) & Q(organization__kind=OrganizationKind.SCHOOL),
        LIST,
        lambda org, period: {"in_force_on": period.as_of.isoformat(), "level": PlanLevel.SCHOOL},
    ),
    Figure(
        "plans_issued",
        gettext_noop("本年度发布（修订）应急预案数"),
        "个",
        EmergencyPlan,
        lambda org, period: in_force_on(period.as_of) & Q(issued_on__gte=period.start),
        LIST,
        lambda org, period: {"in_force_on": period.as_of.isoformat(), "year": period.year},
    ),
    Figure(
        "plans_overdue",
        gettext_noop("逾期未修订应急预案数"),
        "个",
        EmergencyPlan,
        on_day(overdue_on),
        LIST,
        as_of("overdue_on"),
        level="danger",
    ),
    Figure(
        "plans_due",
        gettext_noop("%(d)d天内到期应急预案数") % {"d": REVIEW_WARNING_DAYS},
        "个",
        EmergencyPlan,
        on_day(due_on),
        LIST,
        as_of("due_on"),
        level="warning",
    ),
    Figure(
        "plans_flagged",
        gettext_noop("演练发现问题需修订的应急预案数"),
        "个",
        EmergencyPlan,
        on_day(flagged_on),
        LIST,
        as_of("flagged_on"),
        level="warning",
    ),
)


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    period = Period.of(year)
    figures = registry.figures
    in_force = EmergencyPlan.objects.in_subtree(org).in_force_on(period.as_of)
    own = list(
        figures["own_plans"]
        .queryset(org, period)
        .order_by("-issued_on", "name")
        .values_list("name", "category", "version", "issued_on", "next_revision_on")
    )
    counts = in_force.aggregate(
        below=figures["plans_below"].measure(org, period),
        schools=figures["school_plans"].measure(org, period),
        issued=figures["plans_issued"].measure(org, period),
        overdue=figures["plans_overdue"].measure(org, period),
        flagged=figures["plans_flagged"].measure(org, period),
    )
    earlier_own = EmergencyPlan.objects.filter(organization=org, issued_on__lt=start).exists()
    category_label = dict(PlanCategory.choices)

    section = Section(2, "应急预案")
    section.figures = [
        figures["own_plans"].row(len(own)),
        figures["plans_below"].row(counts["below"]),
        figures["school_plans"].row(counts["schools"]),
        figures["plans_issued"].row(counts["issued"]),
        figures["plans_overdue"].row(counts["overdue"]),
    ]
    section.tables.append(
        Table(
            "本级应急预案",
            ["预案名称", "预案类别", "版本号", "发布日期", "下次修订日期"],
            [
                [name, str(category_label.get(cat, cat)), version, issued, nxt]
                for name, cat, version, issued, nxt in own
            ],
        )
    )
    by_category = dict(in_force.values_list("category").annotate(n=Count("pk")).order_by())
    section.tables.append(
        Table(
            "应急预案按类别",
            ["预案类别", "预案数"],
            [[str(label), by_category.get(value, 0)] for value, label in PlanCategory.choices],
        )
    )
    section.tables.append(
        breakdown_by_child(
            in_force,
            org,
            {
                "应急预案数": Count("pk"),
                "学校预案数": Count("pk", filter=Q(organization__kind=OrganizationKind.SCHOOL)),
                "逾期未修订数": figures["plans_overdue"].measure(org, period),
            },
            "各区县应急预案情况" if org.kind == OrganizationKind.CITY else "下级单位应急预案情况",
        )
    )
    section.tables.append(breakdown_by_unit(in_force, {"应急预案数": Count("pk")}, "各单位应急预案情况"))
    categories, states = labels(PlanCategory.choices), labels(PlanStatus.choices)
    detail = in_force.order_by("organization__path", "name").values_list(
        "organization__code",
        "organization__name",
        "name",
        "category",
        "version",
        "issued_on",
        "next_revision_on",
        "status",
    )
    section.tables.append(
        Table(
            "应急预案明细",
            ["单位代码", "单位名称", "预案名称", "预案类别", "版本号", "发布日期", "下次修订日期", "状态"],
            (
                [
                    code,
                    unit,
                    name,
                    categories.get(category, category),
                    version,
                    issued,
                    revision,
                    states.get(status, status),
                ]
                for code, unit, name, category, version, issued, revision, status in detail_rows(detail)
            ),
            kind="detail",
            total=len(own) + counts["below"],
        )
    )
    section.rules = [
        Rule("学校应急预案数不超过下级单位应急预案数", ("school_plans",), ("plans_below",), at_most=True),
        Rule("逾期未修订应急预案数不超过现行预案总数", ("plans_overdue",), ("own_plans", "plans_below"), at_most=True),
    ]
    section.paragraphs = narrative(org, year, own, counts, earlier_own)
    if counts["issued"]:
        section.key_work.append(f"完善了各类应急预案，全年新制定（修订）应急预案{counts['issued']}个")
    if counts["overdue"]:
        section.outstanding.append(
            Outstanding(
                f"{counts['overdue']}个应急预案超过修订期限尚未修订",
                "按照预案管理规定组织评估，及时修订超过期限的应急预案",
            )
        )
    if counts["flagged"]:
        section.outstanding.append(
            Outstanding(
                f"{counts['flagged']}个应急预案经演练发现问题，尚待修订",
                "针对演练中发现的问题修订完善相关应急预案",
            )
        )
    return section


def narrative(org: Organization, year: int, own: list, counts: dict, earlier_own: bool) -> list[str]:
    paragraphs = []
    if own:
        # The plans issued in the year come first, newest first: they are the year's work.
        titles = "、".join(f"《{name}》" for name, *_rest in own[:2])
        basis = "在原有预案基础上，" if earlier_own else ""
        if len(own) > 2:
            sentence = f"{basis}建立了{titles}等{len(own)}个应急预案"
        else:
            sentence = f"{basis}建立了{titles}共{len(own)}个应急预案"
        issued_this_year = [name for name, _c, _v, issued, _n in own if issued.year == year]
        if issued_this_year:
            sentence += f"，其中{year}年新制定（修订）{len(issued_this_year)}个"
        paragraphs.append(sentence + "。")
    else:
        paragraphs.append(f"{org.name}尚未在系统中登记本级应急预案。")
    if org.kind != OrganizationKind.SCHOOL:
        sentence = f"据统计，{schools_phrase(org)}共建立应急预案{counts['schools']}个"
        bureaus_below = counts["below"] - counts["schools"]
        if bureaus_below:
            sentence += f"，下级教育行政部门建立应急预案{bureaus_below}个"
        if counts["overdue"]:
            sentence += f"；截至{year}年12月31日，超过修订期限尚未修订的预案{counts['overdue']}个"
        paragraphs.append(sentence + "。")
    return paragraphs


def panel(org: Organization, year: int) -> Panel:
    """预案: plans in force in the subtree at the period's as-of date, and those overdue, due or
    flagged for revision then, per child and in all (one query)."""
    period = Period.of(year)
    keys = ("plans_current", "plans_overdue", "plans_due", "plans_flagged")
    measures = {key: registry.figures[key].measure(org, period) for key in keys}
    by_child = per_child(EmergencyPlan.objects.in_subtree(org), org, **measures)
    totals = summed(by_child)
    result = Panel(_("应急预案"))
    result.metrics = [metric(org, period, key, totals[key]) for key in keys]
    result.columns = ["plans_current"]
    for code, row in by_child.items():
        result.by_child.setdefault(code, {})["plans_current"] = row["plans_current"]
    return result
