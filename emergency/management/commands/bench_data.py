"""A synthetic city for the benchmark (`bench/run.py`): N × 400 schools, forty to a district, under
one city bureau, with a year of every area's records per school and a year of duty shifts per
bureau. Written with bulk inserts in large batches, a few hundred schools at a time, so memory
stays flat as N grows."""

from __future__ import annotations

import datetime
import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from drills.choices import DrillForm, DrillType
from drills.models import Drill
from duty.choices import ShiftKind
from duty.models import DutyShift
from emergency.models import (
    GroupRole,
    LeadershipGroup,
    LeadershipMember,
    Organization,
    OrganizationKind,
    Record,
    Role,
    Stage,
    User,
)
from hazards.choices import HazardCategory, HazardLevel, HazardStatus
from hazards.models import Hazard
from outreach.choices import OutreachForm, Topic
from outreach.models import OutreachEvent
from plans.choices import EventType, PlanCategory, PlanStatus
from plans.models import EmergencyPlan, default_next_revision
from supplies.choices import SupplyCategory
from supplies.models import Stock, SupplyItem

CITY_CODE = "BENCH"
SCHOOLS_PER_SCALE = 400
SCHOOLS_PER_DISTRICT = 40
PASSWORD = "bench-pass"  # noqa: S105  (a throwaway benchmark database)
STAGES = [Stage.KINDERGARTEN, Stage.PRIMARY, Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR, Stage.NINE_YEAR]
BATCH = 5000
CHUNK = 200  # schools whose records are built and written together

PLANS = [
    ("突发公共事件总体应急预案", PlanCategory.COMPREHENSIVE, list(EventType.values)),
    ("火灾事故应急预案", PlanCategory.SPECIAL, [EventType.ACCIDENT]),
    ("地震灾害应急预案", PlanCategory.SPECIAL, [EventType.NATURAL]),
    ("食物中毒事件应急预案", PlanCategory.SPECIAL, [EventType.HEALTH]),
    ("校园反恐防暴应急预案", PlanCategory.SPECIAL, [EventType.SOCIAL]),
    ("火灾现场处置方案", PlanCategory.ON_SITE, [EventType.ACCIDENT]),
]
DRILL_TYPES = list(DrillType.values)
HAZARD_TEXT = [
    "灭火器压力不足",
    "疏散通道堆放杂物",
    "配电箱未上锁",
    "食堂留样记录不全",
    "校门口缺少减速带",
    "教学楼外墙瓷砖松动",
    "消防应急灯损坏",
    "围墙局部开裂",
]
STATES = [HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.REVIEW, HazardStatus.CLOSED]
SUPPLY_ITEMS = 30
OUTREACH_FORMS = list(OutreachForm.values)
TOPICS = list(Topic.values)


def truncate_everything() -> None:
    """Delete every organisation, user and record (and their history) in one statement; lookup
    tables filled by migrations (catalogues, holidays, requirements) are kept."""
    import pghistory.models

    tables = {Organization._meta.db_table, User._meta.db_table}
    for model in apps.get_models():
        if issubclass(model, Record | pghistory.models.Event) and not model._meta.abstract:
            tables.add(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(t) for t in sorted(tables))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")  # noqa: S608  (our own table names)


class Command(BaseCommand):
    help = "生成性能测试用的模拟数据：N×400 所学校及其一年的各类记录（bench/run.py 使用）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="规模 N：N×400 所学校")
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--flush", action="store_true", help="先清空所有单位、用户和记录")

    def handle(self, *args, scale, year, flush, **options):
        if scale < 1:
            raise CommandError("--scale 至少为 1")
        started = time.perf_counter()
        if Organization.objects.exists():
            if not flush:
                raise CommandError("数据库中已有单位；如确要清空后重建，请加 --flush")
            truncate_everything()
            self.stdout.write(f"已清空（{time.perf_counter() - started:.1f} 秒）")
        counts = build(scale, year, self.stdout)
        elapsed = time.perf_counter() - started
        total = sum(counts.values())
        for name, n in counts.items():
            self.stdout.write(f"  {name}: {n:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"规模 {scale}（{year} 年）：共 {total:,} 行，用时 {elapsed:.1f} 秒（{total / elapsed:,.0f} 行/秒）"
            )
        )


def build(scale: int, year: int, out=None) -> dict[str, int]:
    rng = random.Random(scale * 1000 + year)
    counts: dict[str, int] = {}
    # Synthetic rows need no history events: skip the history triggers (and FK triggers) while
    # loading, which is most of the write cost; the schema is untouched.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    with transaction.atomic():
        city = Organization(code=CITY_CODE, name="基准市教育局", kind=OrganizationKind.CITY)
        city.save()
        districts = []
        for d in range(1, scale * SCHOOLS_PER_SCALE // SCHOOLS_PER_DISTRICT + 1):
            district = Organization(
                code=f"BD{d:03d}", name=f"基准第{d}区教育局", parent=city, kind=OrganizationKind.DISTRICT
            )
            district.path, district.depth = district.compute_path(), 1
            districts.append(district)
        Organization.objects.bulk_create(districts, batch_size=BATCH)
        schools = []
        for district in districts:
            for s in range(1, SCHOOLS_PER_DISTRICT + 1):
                stage = STAGES[(s - 1) % len(STAGES)]
                students = rng.randint(150, 400) if stage == Stage.KINDERGARTEN else rng.randint(300, 2600)
                school = Organization(
                    code=f"{district.code}S{s:03d}",
                    name=f"{district.name[:-3]}第{s}{'幼儿园' if stage == Stage.KINDERGARTEN else '学校'}",
                    parent=district,
                    kind=OrganizationKind.SCHOOL,
                    stage=stage,
                    students=students,
                    staff_count=max(20, students // 13),
                )
                school.path, school.depth = school.compute_path(), 2
                schools.append(school)
        Organization.objects.bulk_create(schools, batch_size=BATCH)
        counts["单位"] = 1 + len(districts) + len(schools)
        for username, role in (("bench_leader", Role.LEADER), ("bench_staff", Role.STAFF)):
            user = User(username=username, role=role, organization=city, first_name=username)
            user.set_password(PASSWORD)
            user.save()
        counts["值班"] = _duty([city, *districts], year, rng)
        items = _supply_items()
    counts.update({"预案": 0, "演练": 0, "隐患": 0, "物资台账": 0, "宣传活动": 0})
    # One transaction per chunk: a failure leaves whole schools, and the WAL does not balloon.
    for i in range(0, len(schools), CHUNK):
        with transaction.atomic():
            chunk = schools[i : i + CHUNK]
            counts["预案"] += _bulk(EmergencyPlan, [p for s in chunk for p in _plans(s, year, rng)])
            counts["演练"] += _bulk(Drill, [d for s in chunk for d in _drills(s, year, rng)])
            counts["隐患"] += _bulk(Hazard, [h for s in chunk for h in _hazards(s, year, rng)])
            counts["物资台账"] += _bulk(Stock, [x for s in chunk for x in _stock(s, year, items, rng)])
            counts["宣传活动"] += _bulk(OutreachEvent, [e for s in chunk for e in _outreach(s, year, rng)])
        if out is not None and (i // CHUNK) % 10 == 9:
            out.write(f"  … {i + CHUNK:,}/{len(schools):,} 所学校")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        # Statistics, hint bits and the visibility map, as a production database's autovacuum keeps
        # them: left to autovacuum, the first reads after the load write every page again and the
        # vacuum runs under the first measurements.
        cursor.execute("VACUUM (ANALYZE)")
    return counts


def _bulk(model, objs) -> int:
    model.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _plans(school, year, rng):
    for name, category, types in PLANS:
        issued = _weekday(datetime.date(year, rng.randint(1, 12), rng.randint(2, 28)))
        yield EmergencyPlan(
            organization=school,
            name=f"{school.name}{name}",
            category=category,
            event_types=types,
            issued_on=issued,
            version="1.0",
            next_revision_on=default_next_revision(issued),
            status=PlanStatus.CURRENT,
        )


def _drills(school, year, rng):
    for month in range(1, 13):
        drill_type = DRILL_TYPES[(month + school.pk) % len(DRILL_TYPES)]
        students = school.students or 600
        yield Drill(
            organization=school,
            name=f"{year}年{month}月{DrillType(drill_type).label}演练",
            held_on=_weekday(datetime.date(year, month, rng.randint(3, 27))),
            drill_type=drill_type,
            drill_form=DrillForm.LIVE,
            students=int(students * rng.uniform(0.5, 1.0)),
            staff=rng.randint(10, 80),
            duration_minutes=rng.choice([15, 20, 30, 45]),
            problems_found="疏散时东侧楼梯口拥堵" if rng.random() < 0.15 else "",
        )


def _hazards(school, year, rng):
    categories = list(HazardCategory.values)
    for n in range(20):
        found = datetime.date(year, 1 + n * 11 // 20, rng.randint(1, 28))
        status = STATES[n % len(STATES)]
        level = HazardLevel.MAJOR if n % 10 == 0 else HazardLevel.GENERAL
        deadline = found + datetime.timedelta(days=rng.randint(7, 60))
        rectified = (
            deadline - datetime.timedelta(days=2) if status in (HazardStatus.REVIEW, HazardStatus.CLOSED) else None
        )
        yield Hazard(
            organization=school,
            found_on=found,
            category=categories[n % len(categories)],
            level=level,
            description=f"{HAZARD_TEXT[n % len(HAZARD_TEXT)]}（第{n + 1}处）",
            location=f"{n % 5 + 1}号楼",
            responsible="总务处",
            deadline=deadline,
            rectified_on=rectified,
            status=status,
            closed_on=rectified + datetime.timedelta(days=1) if status == HazardStatus.CLOSED else None,
        )


def _supply_items() -> list[SupplyItem]:
    categories = list(SupplyCategory.values)
    items = []
    for n in range(SUPPLY_ITEMS):
        item, _created = SupplyItem.objects.get_or_create(
            name=f"基准物资{n + 1:02d}",
            spec="标准",
            defaults={"category": categories[n % len(categories)], "unit": "件", "check_interval_days": 180},
        )
        items.append(item)
    return items


def _stock(school, year, items, rng):
    for n, item in enumerate(items):
        produced = datetime.date(year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
        yield Stock(
            organization=school,
            item=item,
            location="器材室" if n % 2 else "门卫室",
            quantity=rng.randint(0, 200),
            produced_on=produced,
            expires_on=produced.replace(year=produced.year + rng.randint(1, 5)),
            last_checked_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            keeper="安全办",
        )


def _outreach(school, year, rng):
    for n in range(6):
        yield OutreachEvent(
            organization=school,
            name=f"{year}年安全教育活动{n + 1}",
            held_on=_weekday(datetime.date(year, 2 * n + 1, rng.randint(3, 27))),
            form=OUTREACH_FORMS[n % len(OUTREACH_FORMS)],
            topics=rng.sample(TOPICS, 2),
            participants=rng.randint(50, 2000),
            banners=rng.randint(0, 5),
            posters=rng.randint(0, 10),
            boards=rng.randint(0, 6),
            leaflets=rng.randint(0, 2000),
        )


def _duty(bureaus, year, rng) -> int:
    """A leadership group of four per bureau, and one full-day shift a day for the year."""
    groups = LeadershipGroup.objects.bulk_create(
        [
            LeadershipGroup(
                organization=b, name=f"{b.name}应急管理工作领导小组", established_on=datetime.date(year - 1, 1, 5)
            )
            for b in bureaus
        ],
        batch_size=BATCH,
    )
    members = []
    for group in groups:
        for n, role in enumerate([GroupRole.LEADER, GroupRole.DEPUTY, GroupRole.DEPUTY, GroupRole.MEMBER]):
            members.append(
                LeadershipMember(
                    organization_id=group.organization_id,
                    group=group,
                    name=f"领导{n + 1}",
                    title="局长" if n == 0 else "副局长",
                    group_role=role,
                    joined_on=group.established_on,
                )
            )
    LeadershipMember.objects.bulk_create(members, batch_size=BATCH)
    by_org: dict[int, list[LeadershipMember]] = {}
    for member in members:
        by_org.setdefault(member.organization_id, []).append(member)
    shifts = []
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first).days
    for bureau in bureaus:
        for d in range(days):
            shifts.append(
                DutyShift(
                    organization=bureau,
                    date=first + datetime.timedelta(days=d),
                    shift=ShiftKind.FULL,
                    leader=by_org[bureau.pk][d % 4],
                    officer_1=f"值班员{d % 7 + 1}",
                    officer_2=f"值班员{(d + 3) % 7 + 1}",
                    phone="0532-80000000",
                )
            )
    DutyShift.objects.bulk_create(shifts, batch_size=BATCH)
    return len(shifts)
