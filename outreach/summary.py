"""六、应急管理宣传情况: the section of the annual summary for an organisation's subtree and a year.

The narrative follows the seed: the campaign plan, the forms and topics of education in schools,
the street publicity stations, and the materials counted — every number from the events."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from emergency import registry
from emergency.dashboard import Panel, metric, per_child, summed, two_years
from emergency.models import Organization, OrganizationKind
from emergency.registry import Figure, Period, by_year, in_year, summing
from emergency.summary import Figure as SummaryFigure
from emergency.summary import (
    Section,
    Table,
    breakdown_by_child,
    breakdown_by_unit,
    detail_rows,
    labels,
    year_range,
)

from .choices import SCHOOL_FORMS, OutreachForm, Topic
from .models import COUNTS, OutreachCampaign, OutreachEvent

MATERIALS = (
    ("banners", "横幅(条)", "条"),
    ("posters", "挂图(套)", "套"),
    ("boards", "展板(块)", "块"),
    ("leaflets", "宣传单(张)", "张"),
)
WHO = {OrganizationKind.CITY: "全市各级各类学校", OrganizationKind.DISTRICT: "全区（县）各级各类学校"}


LIST = "outreach:outreachevent_list"
FIGURES = (
    Figure("outreach_events", gettext_noop("宣传活动次数"), "次", OutreachEvent, in_year("held_on"), LIST, by_year),
    Figure(
        "outreach_participants",
        gettext_noop("参与人次"),
        "人次",
        OutreachEvent,
        in_year("held_on"),
        LIST,
        by_year,
        aggregate=summing("participants"),
    ),
    Figure(
        "outreach_materials",
        gettext_noop("宣传品（横幅、挂图、展板、宣传单）"),
        "件",
        OutreachEvent,
        in_year("held_on"),
        LIST,
        by_year,
        aggregate=summing(sum((Coalesce(name, 0) for name in COUNTS[1:]), Value(0))),
    ),
)


def summarize(org: Organization, year: int) -> Section:
    start, end = year_range(year)
    period = Period.of(year)
    figures = registry.figures
    section = Section(6, "应急管理宣传")
    events = OutreachEvent.objects.in_subtree(org).filter(held_on__gte=start, held_on__lt=end)
    totals = events.aggregate(
        events=figures["outreach_events"].measure(org, period),
        units=Count("organization", distinct=True),
        participants=figures["outreach_participants"].measure(org, period),
        stations=Count("id", filter=Q(form=OutreachForm.STREET_STATION)),
        **{name: Coalesce(Sum(name), 0) for name, _label, _unit in MATERIALS},
    )
    by_form = {
        r["form"]: r
        for r in events.values("form").annotate(n=Count("id"), people=Coalesce(Sum("participants"), 0)).order_by()
    }
    # Events per topic, one conditional count per topic in a single query.
    per_topic = events.aggregate(**{t: Count("id", filter=Q(topics__contains=[t])) for t in Topic.values})
    topic_counts = Counter({t: n for t, n in per_topic.items() if n})
    forms_used = [
        str(label)
        for value, label in sorted(OutreachForm.choices, key=lambda c: -by_form.get(c[0], {}).get("n", 0))
        if value in by_form
    ]
    topics_used = [str(Topic(t).label) for t, _n in topic_counts.most_common() if t in Topic.values]

    section.figures = [
        figures["outreach_events"].row(totals["events"]),
        figures["outreach_participants"].row(totals["participants"]),
        SummaryFigure("outreach_units", "开展宣传活动的单位数", totals["units"], "个"),
        SummaryFigure("street_stations", "街头宣传站次数", totals["stations"], "次"),
        *(SummaryFigure(name, label, totals[name], unit) for name, label, unit in MATERIALS),
        SummaryFigure("outreach_forms", "宣传形式", "、".join(forms_used)),
        SummaryFigure("outreach_topics", "宣传主题", "、".join(topics_used)),
    ]
    section.tables.append(
        Table(
            "宣传活动（按活动形式）",
            ["活动形式", "活动次数", "参与人次"],
            [[str(label), by_form[v]["n"], by_form[v]["people"]] for v, label in OutreachForm.choices if v in by_form],
            sums={"活动次数": "outreach_events", "参与人次": "outreach_participants"},
        )
    )
    section.tables.append(
        Table(
            "宣传活动（按宣传主题）",
            ["宣传主题", "活动次数"],
            [[str(label), topic_counts[v]] for v, label in Topic.choices if topic_counts.get(v)],
        )
    )
    measures = {
        "宣传活动次数": Count("id"),
        "参与人次": Sum("participants"),
        **{label: Sum(name) for name, label, _unit in MATERIALS},
    }
    sums = {"宣传活动次数": "outreach_events", "参与人次": "outreach_participants"}
    sums |= {label: name for name, label, _unit in MATERIALS}
    section.tables.append(breakdown_by_child(events, org, measures, "宣传活动（按下级单位）", sums=sums))
    section.tables.append(breakdown_by_unit(events, measures, "宣传活动（按单位）"))
    section.tables.append(
        Table(
            "宣传活动明细",
            [
                "单位代码",
                "单位名称",
                "活动名称",
                "活动日期",
                "活动形式",
                "宣传主题",
                "参与人数",
                *(m[1] for m in MATERIALS),
            ],
            _details(events),
            kind="detail",
            total=totals["events"],
        )
    )
    section.paragraphs = _narrative(org, year, totals, by_form, forms_used, topics_used)
    if totals["events"]:
        own, _above = _plans(org, year)
        basis = f"制定{'、'.join(f'《{t}》' for t in own)}，" if own else ""
        section.key_work.append(
            f"{basis}做好了应急管理科普宣教工作，开展宣传活动{totals['events']}次、参与{totals['participants']}人次"
        )
    return section


def _details(events):
    topics, forms = labels(Topic.choices), labels(OutreachForm.choices)
    rows = events.order_by("organization__path", "held_on", "name").values_list(
        "organization__code",
        "organization__name",
        "name",
        "held_on",
        "form",
        "topics",
        *COUNTS,
    )
    for code, unit, name, held_on, form, chosen, *figures in detail_rows(rows):
        yield [code, unit, name, held_on, forms.get(form, form), "、".join(topics.get(t, t) for t in chosen), *figures]


def _plans(org: Organization, year: int) -> tuple[list[str], list[str]]:
    """Plan titles of the year's campaigns the organisation set itself, and of those above it
    that its events took part in."""
    start, end = year_range(year)
    own = list(
        OutreachCampaign.objects.in_subtree(org)
        .filter(starts_on__gte=start, starts_on__lt=end, plan__isnull=False)
        .order_by("starts_on")
        .values_list("plan__title", flat=True)
    )
    above = list(
        OutreachCampaign.objects.for_organisation(org)
        .exclude(organization=org)
        .filter(
            plan__isnull=False,
            activities__organization__path__startswith=org.path,
            activities__held_on__gte=start,
            activities__held_on__lt=end,
        )
        .distinct()
        .values_list("plan__title", flat=True)
    )
    return list(dict.fromkeys(own)), list(dict.fromkeys(above))


def _narrative(org, year, totals, by_form, forms_used, topics_used) -> list[str]:
    if not totals["events"]:
        return [f"{year}年未在系统中登记应急管理宣传活动。"]
    paragraphs = []
    own, above = _plans(org, year)
    if own:
        paragraphs.append(f"制定了{'、'.join(f'《{t}》' for t in own)}，保证了宣传活动有条不紊的开展。")
    elif above:
        paragraphs.append(f"按照{'、'.join(f'《{t}》' for t in above)}的要求，有序开展了宣传活动。")
    # 宣传周 and 进校园 are what the events were part of, not the form of the lesson.
    lessons = [
        v for v in SCHOOL_FORMS if v not in (OutreachForm.OTHER, OutreachForm.PUBLICITY_WEEK, OutreachForm.INTO_SCHOOLS)
    ]
    school_forms = [str(OutreachForm(v).label) for v in lessons if v in by_form]
    school_forms.sort(key=lambda label: forms_used.index(label))
    school_events = sum(by_form[v]["n"] for v in SCHOOL_FORMS if v in by_form)
    school_people = sum(by_form[v]["people"] for v in SCHOOL_FORMS if v in by_form)
    topics = "、".join(topics_used[:5]) + ("等" if topics_used else "")
    lead = (
        "各地各校积极开展了应急知识进校园活动，组织学生认真学习了应急安全知识"
        if org.kind != OrganizationKind.SCHOOL
        else "我校开展了应急知识教育，组织学生认真学习了应急安全知识"
    )
    if school_events:
        how = f"，并通过{'、'.join(school_forms)}等形式" if school_forms else "，并"
        paragraphs.append(
            f"{lead}{how}开展{topics}安全知识教育，共开展宣传教育活动{school_events}次、参与师生{school_people}人次，"
            "让学生掌握了应急常识和应急措施，增强了防灾避灾意识和技能。"
        )
    street = by_form.get(OutreachForm.STREET_STATION)
    if street:
        paragraphs.append(
            f"同时，组织师生走上街头，{street['n']}次设立街头宣传站，参与{street['people']}人次，"
            "通过悬挂宣传标语、发放宣传单等形式进行了应急管理宣传。"
        )
    who = WHO.get(org.kind, "我校")
    materials = "，".join(
        f"{verb}{totals[name]}{unit}"
        for name, verb, unit in (
            ("banners", "悬挂宣传横幅", "条"),
            ("posters", "张贴宣传挂图", "套"),
            ("boards", "展出宣传展板", "块"),
            ("leaflets", "发放宣传单", "张"),
        )
        if totals[name]
    )
    if materials:
        paragraphs.append(f"{who}共{materials}，营造了浓厚社会氛围。")
    return paragraphs


def panel(org: Organization, year: int) -> Panel:
    """宣传: events, participants and materials this year against last, per child and in all (one
    query)."""
    period, previous = Period.of(year), Period.of(year - 1)
    keys = [figure.key for figure in FIGURES]
    events = OutreachEvent.objects.in_subtree(org).filter(two_years("held_on", year))
    by_child = per_child(
        events,
        org,
        **{key: registry.figures[key].measure(org, period) for key in keys},
        **{f"{key}__before": registry.figures[key].measure(org, previous) for key in keys},
    )
    totals = summed(by_child)
    result = Panel(_("应急管理宣传"))
    result.metrics = [metric(org, period, key, totals[key], totals[f"{key}__before"]) for key in keys]
    result.columns = ["outreach_events"]
    for code, row in by_child.items():
        result.by_child.setdefault(code, {})["outreach_events"] = row["outreach_events"]
    return result
