"""The demo city's year of hazard work, as the seed's section 三 tells it: five self-inspection
rounds organised by the bureau at the sensitive periods, three joint inspections by six
departments, 148 hazards rectified and closed in the year, and some still open (some overdue)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from emergency.bench import BenchPart
from emergency.demo import person_name
from emergency.models import Organization, OrganizationKind, User

from .choices import CampaignKind, HazardAction, HazardCategory, HazardLevel, HazardStatus, NoticeKind
from .models import (
    CampaignDepartment,
    CampaignReport,
    Department,
    FocusPeriod,
    Hazard,
    HazardNotice,
    HazardTransition,
    InspectionCampaign,
)

RECTIFIED = 148  # the seed: 目前，全市共整改各类安全隐患148个
JOINT_DEPARTMENTS = ["教育", "公安", "交通", "卫生", "消防", "工商"]
# The managed lists' entries the demo uses, with the order and wording the seed's narrative needs
# (the data migration adds them too; these keep the demo whole on a database that lost them).
DEMO_PERIODS = [
    ("春节", "", 1),
    ("两会", "", 2),
    ("五一", "“五·一”", 3),
    ("十一", "“十一”", 4),
    ("北京奥运会", "", 6),
    ("春季开学", "", 7),
    ("秋季开学", "", 8),
]

# (title, focus period, start (month, day), end (month, day))
SELF_ROUNDS = [
    ("春节前后学校安全自查整改", "春节", (1, 10), (2, 20)),
    ("全国两会期间学校安全自查整改", "两会", (2, 25), (3, 20)),
    ("“五·一”期间学校安全自查整改", "五一", (4, 15), (5, 10)),
    ("北京奥运会期间学校安全自查整改", "北京奥运会", (7, 1), (8, 31)),
    ("“十一”期间学校安全自查整改", "十一", (9, 20), (10, 10)),
]
JOINT_ROUNDS = [
    ("春季开学学校安全和校园周边环境联合检查", "春季开学", (3, 3), (3, 14)),
    ("奥运安保校园及周边环境联合检查", "北京奥运会", (6, 10), (6, 25)),
    ("秋季开学学校安全和校园周边环境联合检查", "秋季开学", (9, 1), (9, 12)),
]

PROBLEMS = {
    HazardCategory.FIRE: ["灭火器压力不足", "消防通道堆放杂物", "应急照明灯损坏", "疏散指示标志缺失", "消火栓水带老化"],
    HazardCategory.BUILDING: ["墙体局部开裂", "外墙瓷砖松动", "楼梯扶手松动", "屋面渗漏", "窗户防护栏缺失"],
    HazardCategory.FOOD: ["食品留样记录不全", "从业人员健康证过期", "库房防鼠设施缺失", "餐具消毒记录不全"],
    HazardCategory.TRAFFIC: ["门前缺少减速带", "校车安全带损坏", "放学时段无人疏导交通", "人行横道标线模糊"],
    HazardCategory.SURROUNDINGS: ["周边有无证摊点", "200米内有网吧", "周边施工工地未设围挡"],
    HazardCategory.ELECTRICITY: ["配电箱未上锁", "插座破损", "私拉乱接电线", "电线老化裸露"],
    HazardCategory.EQUIPMENT: ["体育器材固定螺栓松动", "监控摄像头损坏", "一键报警装置故障", "危化品柜未上锁"],
    HazardCategory.OTHER: ["门卫值班记录不全", "隐患台账未及时更新"],
}
PLACES = ["教学楼", "实验楼", "宿舍楼", "食堂", "操场", "校门口", "配电室", "图书馆", "体育馆", "办公楼"]
CATEGORY_WEIGHTS = [28, 18, 12, 12, 8, 12, 8, 2]
MEASURES = "已落实专人负责，按期整改并建立检查台账"


def _day(year: int, md: tuple[int, int]) -> datetime.date:
    return datetime.date(year, *md)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@transaction.atomic
def build(city: Organization, year: int) -> None:
    rng = random.Random(year)
    periods = {
        name: FocusPeriod.objects.get_or_create(name=name, defaults={"narrative_name": words, "sort_order": order})[0]
        for name, words, order in DEMO_PERIODS
    }
    departments = [
        Department.objects.get_or_create(name=name, defaults={"sort_order": order})[0]
        for order, name in enumerate(JOINT_DEPARTMENTS, start=1)
    ]
    schools = list(city.subtree().filter(kind=OrganizationKind.SCHOOL).order_by("path"))
    users = {
        u.username: u for u in User.objects.filter(username__in=["city_staff", "district_staff", "school_officer"])
    }

    campaigns = []
    for title, period, begin, finish in SELF_ROUNDS:
        campaigns.append(
            InspectionCampaign(
                organization=city,
                title=f"{year}年{title}",
                kind=CampaignKind.SELF,
                focus_period=periods[period],
                start_date=_day(year, begin),
                end_date=_day(year, finish),
                content="组织各县（市）区教育局督促各学校开展安全隐患自查，建立隐患台账，限期整改。",
            )
        )
    for title, period, begin, finish in JOINT_ROUNDS:
        campaigns.append(
            InspectionCampaign(
                organization=city,
                title=f"{year}年{title}",
                kind=CampaignKind.JOINT,
                focus_period=periods[period],
                start_date=_day(year, begin),
                end_date=_day(year, finish),
                lead="市政府",
                content="市政府组织有关部门对全市学校安全和校园周边环境整治工作进行联合检查。",
            )
        )
    InspectionCampaign.objects.bulk_create(campaigns)
    self_rounds = campaigns[: len(SELF_ROUNDS)]
    joint_rounds = campaigns[len(SELF_ROUNDS) :]
    CampaignDepartment.objects.bulk_create(
        CampaignDepartment(
            campaign=c,
            department=d,
            signed_by=person_name(rng),
            signed_on=c.end_date,
        )
        for c in joint_rounds
        for d in departments
    )
    # Most schools report each self-inspection round, hazards or not.
    CampaignReport.objects.bulk_create(
        (
            CampaignReport(
                organization=s,
                campaign=c,
                reported_on=c.end_date - datetime.timedelta(days=rng.randint(0, 5)),
                inspected_by=person_name(rng),
                note="已按要求完成自查，发现的隐患已登记整改。",
            )
            for c in self_rounds
            for s in schools
            if rng.random() < 0.9
        ),
        batch_size=2000,
    )

    keys: set[tuple] = set()
    hazards: list[Hazard] = []
    steps: list[tuple[Hazard, list[tuple]]] = []

    def add(school, campaign, found_on, status, level=HazardLevel.GENERAL, deadline_days=None, late=False):
        category = rng.choices(list(PROBLEMS), CATEGORY_WEIGHTS)[0]
        while True:
            place = rng.choice(PLACES)
            description = place + rng.choice(PROBLEMS[category])
            if (school.pk, found_on, description) not in keys:
                keys.add((school.pk, found_on, description))
                break
        deadline = found_on + datetime.timedelta(days=deadline_days or rng.randint(7, 30))
        hazard = Hazard(
            organization=school,
            campaign=campaign,
            found_on=found_on,
            category=category,
            level=level,
            description=description,
            location=place,
            responsible=person_name(rng),
            measures=MEASURES if status != HazardStatus.PENDING else "",
            deadline=deadline,
            status=status,
        )
        officer = users.get("school_officer") if school.code == "D01S001" else None
        reviewer = users.get("district_staff") if school.code.startswith("D01") else None
        if level == HazardLevel.MAJOR:
            reviewer = users.get("city_staff")
        started = found_on + datetime.timedelta(days=1)
        trail = [(HazardAction.REGISTER, "", HazardStatus.PENDING, found_on, officer, "")]
        if status != HazardStatus.PENDING:
            trail.append((HazardAction.START, HazardStatus.PENDING, HazardStatus.RECTIFYING, started, officer, ""))
        if status == HazardStatus.REVIEW:
            hazard.rectified_on = found_on + datetime.timedelta(days=rng.randint(3, 6))
        if status == HazardStatus.CLOSED:
            # A few are finished only after their deadline: they were overdue for a while.
            days = (deadline - started).days + (rng.randint(3, 12) if late else -rng.randint(0, 4))
            hazard.rectified_on = started + datetime.timedelta(days=max(days, 1))
        if hazard.rectified_on:
            trail.append(
                (HazardAction.SUBMIT, HazardStatus.RECTIFYING, HazardStatus.REVIEW, hazard.rectified_on, officer, "")
            )
        if status == HazardStatus.CLOSED:
            hazard.closed_on = hazard.rectified_on + datetime.timedelta(days=rng.randint(2, 10))
            trail.append(
                (
                    HazardAction.CLOSE,
                    HazardStatus.REVIEW,
                    HazardStatus.CLOSED,
                    hazard.closed_on,
                    reviewer,
                    "复查合格，同意销号",
                )
            )
        hazards.append(hazard)
        steps.append((hazard, trail))
        return hazard

    # 148 found in the eight campaigns and closed within the year; three of them major.
    rounds = self_rounds + joint_rounds
    for n in range(RECTIFIED):
        campaign = rounds[n % len(rounds)]
        found_on = campaign.start_date + datetime.timedelta(
            days=rng.randint(0, (campaign.end_date - campaign.start_date).days)
        )
        level = HazardLevel.MAJOR if n in (3, 60, 100) else HazardLevel.GENERAL
        add(rng.choice(schools), campaign, found_on, HazardStatus.CLOSED, level=level, late=n % 11 == 0)

    # Still open at the year's end, late in the autumn: overdue ones have a December deadline.
    autumn = rounds[4]  # the 十一 round
    open_ones = [
        (HazardStatus.PENDING, 3, True),
        (HazardStatus.PENDING, 3, False),
        (HazardStatus.RECTIFYING, 4, True),
        (HazardStatus.RECTIFYING, 4, False),
        (HazardStatus.REVIEW, 1, True),
        (HazardStatus.REVIEW, 3, False),
    ]
    demo_school = next(s for s in schools if s.code == "D01S001")
    for status, count, overdue in open_ones:
        for i in range(count):
            found_on = _day(year, (11, 3 + 7 * i)) if overdue else _day(year, (12, 10 + i))
            school = demo_school if (status, i) in ((HazardStatus.RECTIFYING, 0), (HazardStatus.PENDING, 0)) else None
            add(
                school or rng.choice(schools),
                autumn if i == 0 else None,
                found_on,
                status,
                deadline_days=rng.randint(15, 25) if overdue else rng.randint(25, 40),
            )
    major = add(rng.choice(schools), None, _day(year, (12, 5)), HazardStatus.RECTIFYING, HazardLevel.MAJOR, 45)

    Hazard.objects.bulk_create(hazards, batch_size=2000)
    HazardTransition.objects.bulk_create(
        (
            HazardTransition(
                hazard=hazard, action=action, from_status=source, to_status=target, user=user, at=_at(day), comment=note
            )
            for hazard, trail in steps
            for action, source, target, day, user, note in trail
        ),
        batch_size=5000,
    )
    # The bureau supervises the demo school's overdue hazard and the open major hazard.
    city_staff = users.get("city_staff")
    late_one = next(h for h in hazards if h.organization_id == demo_school.pk and h.status == HazardStatus.RECTIFYING)
    HazardNotice.objects.bulk_create(
        HazardNotice(
            organization_id=h.organization_id,
            hazard=h,
            kind=NoticeKind.SUPERVISION,
            text=f"隐患“{h.description}”{why}，请立即落实整改措施，按期完成整改并提交复查。",
            issuer=city,
            respond_by=min(h.deadline + datetime.timedelta(days=10), _day(year, (12, 31))),
            created_by=city_staff,
            updated_by=city_staff,
        )
        for h, why in ((late_one, "已超过整改期限"), (major, "为重大隐患"))
    )


# ---- the benchmark city (`bench_data`) -------------------------------------------------------

BENCH_HAZARD_TEXT = [
    "灭火器压力不足",
    "疏散通道堆放杂物",
    "配电箱未上锁",
    "食堂留样记录不全",
    "校门口缺少减速带",
    "教学楼外墙瓷砖松动",
    "消防应急灯损坏",
    "围墙局部开裂",
]
BENCH_STATES = [HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.REVIEW, HazardStatus.CLOSED]


class Bench(BenchPart):
    """Twenty hazards per school over the year, in every state, one in ten major."""

    label = "隐患"

    model = Hazard

    @staticmethod
    def school_rows(school, year, rng):
        categories = list(HazardCategory.values)
        for n in range(20):
            found = datetime.date(year, 1 + n * 11 // 20, rng.randint(1, 28))
            status = BENCH_STATES[n % len(BENCH_STATES)]
            level = HazardLevel.MAJOR if n % 10 == 0 else HazardLevel.GENERAL
            deadline = found + datetime.timedelta(days=rng.randint(7, 60))
            done = status in (HazardStatus.REVIEW, HazardStatus.CLOSED)
            rectified = deadline - datetime.timedelta(days=2) if done else None
            yield Hazard(
                organization=school,
                found_on=found,
                category=categories[n % len(categories)],
                level=level,
                description=f"{BENCH_HAZARD_TEXT[n % len(BENCH_HAZARD_TEXT)]}（第{n + 1}处）",
                location=f"{n % 5 + 1}号楼",
                responsible="总务处",
                deadline=deadline,
                rectified_on=rectified,
                status=status,
                closed_on=rectified + datetime.timedelta(days=1) if status == HazardStatus.CLOSED else None,
            )
