"""The demo city's publicity year (seed section 六): the bureau's 《应急管理宣传周活动方案》 and its
week, an education event at every school during it (班队会, 校会, 专题报告, 观看视频 …), some
schools' further events through the year, and a street publicity station (街头宣传站) run by every
district bureau with its schools' teachers and students.

The materials add up to the seed's "300多条 横幅, 800多套 挂图, 300多块 展板, 8000多张 宣传单":
schools hand out a little each, and the street stations the rest of MATERIAL_TOTALS."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from emergency.bench import BenchPart, weekday
from emergency.models import Document, DocumentKind, Organization, OrganizationKind

from .choices import OutreachForm, Topic
from .models import OutreachCampaign, OutreachEvent

# "多" is a little more than the round figure of the seed.
MATERIAL_TOTALS = {"banners": 312, "posters": 826, "boards": 305, "leaflets": 8240}
SCHOOL_EVENTS = [
    (OutreachForm.CLASS_MEETING, "应急安全主题班队会", 5),
    (OutreachForm.ASSEMBLY, "应急管理宣传周全校大会", 3),
    (OutreachForm.LECTURE, "应急安全知识专题报告", 2),
    (OutreachForm.VIDEO, "观看应急安全教育光盘", 2),
    (OutreachForm.INTO_SCHOOLS, "应急知识进校园", 1),
]
# (month, first day, last day, form, name, topics): around the days the calendar gives them.
LATER_EVENTS = [
    (5, 8, 16, OutreachForm.LECTURE, "防震减灾专题报告", [Topic.EARTHQUAKE]),
    (6, 20, 30, OutreachForm.CLASS_MEETING, "暑期防溺水主题班会", [Topic.DROWNING, Topic.TRAFFIC]),
    (9, 1, 5, OutreachForm.ASSEMBLY, "开学安全第一课", [Topic.TRAFFIC, Topic.FOOD, Topic.FIRE]),
    (11, 7, 14, OutreachForm.VIDEO, "119消防宣传日观看消防安全教育片", [Topic.FIRE]),
]
MAIN_TOPICS = [Topic.FIRE, Topic.EARTHQUAKE, Topic.TRAFFIC]
OTHER_TOPICS = [Topic.DROWNING, Topic.FOOD, Topic.STAMPEDE]


def publicity_week(year: int) -> datetime.date:
    """The Monday of the last full week of March (全国中小学生安全教育日), when the week begins."""
    day = datetime.date(year, 3, 31) - datetime.timedelta(days=6)
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def build(city: Organization, year: int) -> None:
    rng = random.Random(year)
    monday = publicity_week(year)
    plan = Document.objects.create(
        organization=city,
        title="应急管理宣传周活动方案",
        number=f"教安〔{year}〕12号",
        kind=DocumentKind.ACTIVITY_PLAN,
        issued_on=monday - datetime.timedelta(days=14),
    )
    week = OutreachCampaign.objects.create(
        organization=city,
        name="应急管理宣传周",
        starts_on=monday,
        ends_on=monday + datetime.timedelta(days=6),
        theme="普及应急知识，提高避险自救能力",
        plan=plan,
        notes="各地各校开展应急知识进校园活动；各区县教育局组织师生设立街头宣传站。",
    )
    orgs = list(city.subtree().exclude(pk=city.pk).order_by("path"))
    schools = [o for o in orgs if o.kind == OrganizationKind.SCHOOL]
    districts = [o for o in orgs if o.kind == OrganizationKind.DISTRICT]
    forms = [(f, name) for f, name, weight in SCHOOL_EVENTS for _ in range(weight)]
    events = []
    for school in schools:
        form, name = rng.choice(forms)
        students = school.students or 500
        topics = MAIN_TOPICS[: rng.randint(2, 3)] + rng.sample(OTHER_TOPICS, rng.randint(0, 1))
        events.append(
            OutreachEvent(
                organization=school,
                campaign=week,
                name=name,
                held_on=monday + datetime.timedelta(days=rng.randint(0, 4)),
                form=form,
                topics=topics,
                participants=students if form == OutreachForm.ASSEMBLY else int(students * rng.uniform(0.3, 0.9)),
                banners=rng.choice((0, 0, 1)),
                posters=rng.randint(0, 3),
                boards=rng.choice((0, 0, 1)),
                leaflets=rng.choice((0, 0, 10, 20)),
            )
        )
        if rng.random() < 0.25:
            month, first, last, form, name, topics = rng.choice(LATER_EVENTS)
            events.append(
                OutreachEvent(
                    organization=school,
                    name=name,
                    held_on=datetime.date(year, month, rng.randint(first, last)),
                    form=form,
                    topics=list(topics),
                    participants=int(students * rng.uniform(0.3, 1.0)),
                    posters=rng.randint(0, 2),
                )
            )
    # The street stations hand out what the schools did not, so the totals are the seed's.
    left = {name: total - sum(getattr(e, name) for e in events) for name, total in MATERIAL_TOTALS.items()}
    assert all(n >= 3 * len(districts) for n in left.values()), left
    for i, district in enumerate(districts):
        share = {name: n // len(districts) + (1 if i < n % len(districts) else 0) for name, n in left.items()}
        events.append(
            OutreachEvent(
                organization=district,
                campaign=week,
                name=f"{district.name.removesuffix('教育局')}应急管理街头宣传站",
                held_on=monday + datetime.timedelta(days=5),
                form=OutreachForm.STREET_STATION,
                topics=[Topic.FIRE, Topic.EARTHQUAKE, Topic.TRAFFIC, Topic.DROWNING],
                participants=rng.randint(60, 150),
                notes="组织师生走上街头，设立宣传站，悬挂宣传标语、发放宣传单。",
                **share,
            )
        )
    OutreachEvent.objects.bulk_create(events, batch_size=2000)


# ---- the benchmark city (`bench_data`) -------------------------------------------------------


class Bench(BenchPart):
    """Six events per school, one every other month, with their materials."""

    label = "宣传活动"

    model = OutreachEvent

    @staticmethod
    def school_rows(school, year, rng):
        forms, topics = list(OutreachForm.values), list(Topic.values)
        for n in range(6):
            yield OutreachEvent(
                organization=school,
                name=f"{year}年安全教育活动{n + 1}",
                held_on=weekday(datetime.date(year, 2 * n + 1, rng.randint(3, 27))),
                form=forms[n % len(forms)],
                topics=rng.sample(topics, 2),
                participants=rng.randint(50, 2000),
                banners=rng.randint(0, 5),
                posters=rng.randint(0, 10),
                boards=rng.randint(0, 6),
                leaflets=rng.randint(0, 2000),
            )
