"""二、应急预案制定情况 (plans' part): the organisation's own plans, named, and the plans of the
units below it, as they stood at the end of the year (issued by then and not yet retired)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from emergency.dashboard import Metric, Panel, per_child, summed
from emergency.models import Organization, OrganizationKind
from emergency.summary import (
    Figure,
    Rule,
    Section,
    Table,
    breakdown_by_child,
    breakdown_by_unit,
    detail_rows,
    labels,
    year_range,
)

from .choices import PlanCategory, PlanStatus
from .models import EmergencyPlan


def schools_phrase(org: Organization) -> str:
    """Who "the schools" are in a sentence: 全市各级各类学校, 市南区各级各类学校, or the school."""
    if org.kind == OrganizationKind.CITY:
        return "全市各级各类学校"
    if org.kind == OrganizationKind.DISTRICT:
        return f"{org.name.removesuffix('教育局')}各级各类学校"
    return org.name


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    last_day = end - datetime.timedelta(days=1)
    in_force = EmergencyPlan.objects.in_subtree(org).in_force_on(last_day)
    own = list(
        in_force.filter(organization=org)
        .order_by("-issued_on", "name")
        .values_list("name", "category", "version", "issued_on", "next_revision_on")
    )
    counts = in_force.aggregate(
        below=Count("pk", filter=~Q(organization=org)),
        schools=Count("pk", filter=Q(organization__kind=OrganizationKind.SCHOOL)),
        issued=Count("pk", filter=Q(issued_on__gte=start)),
        overdue=Count("pk", filter=Q(next_revision_on__lt=last_day)),
    )
    earlier_own = EmergencyPlan.objects.filter(organization=org, issued_on__lt=start).exists()
    category_label = dict(PlanCategory.choices)

    section = Section(2, "应急预案")
    section.figures = [
        Figure("own_plans", "本级应急预案数", len(own), "个"),
        Figure("plans_below", "下级单位应急预案数", counts["below"], "个"),
        Figure("school_plans", "学校应急预案数", counts["schools"], "个"),
        Figure("plans_issued", "本年度发布（修订）应急预案数", counts["issued"], "个"),
        Figure("plans_overdue", "逾期未修订应急预案数", counts["overdue"], "个"),
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
                "逾期未修订数": Count("pk", filter=Q(next_revision_on__lt=last_day)),
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
    """预案: plans in force in the subtree, and those due or overdue for revision, per child and in
    all (one query)."""
    today = timezone.localdate()
    plans = EmergencyPlan.objects.in_subtree(org).filter(status=PlanStatus.CURRENT)
    by_child = per_child(
        plans,
        org,
        current=Count("pk"),
        overdue=Count("pk", filter=Q(next_revision_on__lt=today)),
        due=Count("pk", filter=Q(next_revision_on__gte=today, next_revision_on__lte=today + datetime.timedelta(90))),
        flagged=Count("pk", filter=Q(needs_revision=True)),
    )
    totals = summed(by_child)
    url = reverse("plans:emergencyplan_list")
    # Translators: a Chinese measure word after a number; English needs none, so it is a space.
    unit = pgettext("unit", "个")
    result = Panel(_("应急预案"))
    result.metrics = [
        Metric("plans_current", _("现行预案数"), totals["current"], unit, url=url),
        Metric("plans_overdue", _("逾期未修订预案"), totals["overdue"], unit, url=url, level="danger"),
        Metric("plans_due", _("90天内到期预案"), totals["due"] + totals["flagged"], unit, url=url, level="warning"),
    ]
    result.columns = [("plans_current", _("现行预案数"), url)]
    for code, row in by_child.items():
        result.by_child.setdefault(code, {})["plans_current"] = row["current"]
    return result
