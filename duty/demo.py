"""The demo city's duty year (seed section 五): the 2008 holiday calendar, 24-hour duty at the city
bureau led in turn by the bureau's leaders as the group stood on each day, two officers on every
shift, a handover note every morning and some calls, the 《应急值守和信息报送制度》 and the duty
responsibility table, and two minor (一般) incidents at schools, reported on time, with no one
hurt and nothing lost."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from emergency.bench import BenchPart, bulk
from emergency.models import (
    Document,
    DocumentKind,
    GroupRole,
    LeadershipGroup,
    LeadershipMember,
    Organization,
)

from . import conf
from .choices import IncidentLevel, IncidentType, LogKind, ReportStage, ShiftKind
from .models import DutyLog, DutyShift, Holiday, Incident, IncidentReport, ReportReceipt, is_current

DUTY_PHONE = "0532-85912345"
# Staff of the bureau's offices who keep the duty desk in pairs.
OFFICERS = ["李强", "赵磊", "钱芳", "孙静", "周洋", "吴敏", "郑浩", "王娟", "冯雪", "陈杰", "褚明", "卫红"]
# 法定节假日 and 调休上班 of 2008 (国务院办公厅通知).
HOLIDAYS = {
    2008: [
        ("2008-01-01", "元旦", False),
        ("2008-02-02", "春节调休", True),
        ("2008-02-03", "春节调休", True),
        *((f"2008-02-{d:02d}", "春节", False) for d in range(6, 13)),
        *((f"2008-04-{d:02d}", "清明节", False) for d in range(4, 7)),
        *((f"2008-05-{d:02d}", "劳动节", False) for d in range(1, 4)),
        ("2008-05-04", "劳动节调休", True),
        *((f"2008-06-{d:02d}", "端午节", False) for d in range(7, 10)),
        *((f"2008-09-{d:02d}", "中秋节", False) for d in range(13, 16)),
        ("2008-09-27", "国庆节调休", True),
        ("2008-09-28", "国庆节调休", True),
        ("2008-09-29", "国庆节", False),
        ("2008-09-30", "国庆节", False),
        *((f"2008-10-{d:02d}", "国庆节", False) for d in range(1, 6)),
    ]
}
CALLS = [
    ("市应急办", "了解教育系统节假日值班安排", "已报带班领导，按要求报送值班表"),
    ("市气象台", "暴雨蓝色预警信息", "已转发各区县教育局，提醒学校做好防范"),
    ("市南区教育局", "报告辖区学校开展应急疏散演练情况", "已登记，转安全稳定处"),
    ("市政府总值班室", "核对值班电话畅通情况", "电话畅通，已回复"),
    ("市卫生局", "通报传染病防控工作提示", "已转体育卫生艺术教育处"),
    ("市北区教育局", "报送周末值班人员名单", "已登记"),
]


def _local(day: datetime.date, clock: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(clock)).replace(
        tzinfo=timezone.get_default_timezone()
    )


@transaction.atomic
def build(city: Organization, year: int) -> None:
    rng = random.Random(year)
    Holiday.objects.bulk_create(
        [Holiday(date=datetime.date.fromisoformat(d), name=n, is_workday=w) for d, n, w in HOLIDAYS.get(year, [])],
        ignore_conflicts=True,
    )
    issued = datetime.date(year, 1, 20)
    Document.objects.create(
        organization=city,
        title="应急值守和信息报送制度",
        number=f"教办〔{year}〕5号",
        kind=DocumentKind.RULES,
        issued_on=issued,
    )
    Document.objects.create(
        organization=city, title="市教育局值班工作人员责任表", kind=DocumentKind.RESPONSIBILITY, issued_on=issued
    )
    shifts = build_roster(city, year)
    build_log(shifts, rng)
    build_incidents(city, year)


def build_roster(city: Organization, year: int) -> list[DutyShift]:
    """One 24-hour (全天) shift a day, the 带班领导 taken in turn from the group's 组长 and 副组长
    current on the day (one deputy left on 9/30 and another joined on 10/8), two officers a shift."""
    group = LeadershipGroup.objects.get(organization=city)
    rotation = [m for m in group.members.all() if m.group_role in (GroupRole.LEADER, GroupRole.DEPUTY)]
    day, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    turn, officer_turn, shifts = 0, 0, []
    while day <= last:
        for step in range(len(rotation)):
            leader = rotation[(turn + step) % len(rotation)]
            if is_current(leader, day):
                turn = (turn + step + 1) % len(rotation)
                break
        else:
            leader = None  # the group did not stand yet: no one may lead duty that day
        if leader is not None:
            shifts.append(
                DutyShift(
                    organization=city,
                    date=day,
                    shift=ShiftKind.FULL,
                    leader=leader,
                    officer_1=OFFICERS[officer_turn % len(OFFICERS)],
                    officer_2=OFFICERS[(officer_turn + 1) % len(OFFICERS)],
                    phone=DUTY_PHONE,
                )
            )
            officer_turn += 2
        day += datetime.timedelta(days=1)
    return DutyShift.objects.bulk_create(shifts)


def build_log(shifts: list[DutyShift], rng: random.Random) -> None:
    entries = []
    for shift in shifts:
        start, end = conf.shift_window(shift.date, shift.shift)
        if rng.random() < 0.3:
            source, content, handling = rng.choice(CALLS)
            entries.append(
                DutyLog(
                    organization_id=shift.organization_id,
                    shift=shift,
                    kind=LogKind.CALL,
                    received_at=start + datetime.timedelta(minutes=rng.randint(60, 20 * 60)),
                    source=source,
                    content=content,
                    handling=handling,
                )
            )
        entries.append(
            DutyLog(
                organization_id=shift.organization_id,
                shift=shift,
                kind=LogKind.HANDOVER,
                received_at=end - datetime.timedelta(minutes=10),
                source=shift.officer_1,
                content=f"交接班：{shift.officer_1}、{shift.officer_2}交班，值班电话、传真、值班记录本完好，无未办结事项。",
            )
        )
    DutyLog.objects.bulk_create(entries, batch_size=2000)


def build_incidents(city: Organization, year: int) -> None:
    """Two minor incidents at schools, each with its chain of reports signed by the bureaus above."""
    cases = [
        (
            "D01S006",
            "暴雨致校门口道路积水部分学生滞留",
            IncidentType.NATURAL,
            (7, 18, "15:20"),
            10,
            "学校南门外道路",
            "突降暴雨，校门口道路积水约30厘米，约200名放学学生滞留校内。",
            [
                (ReportStage.INITIAL, 35, "已组织学生在教学楼内等候，通知家长错峰接送，无人员受伤。"),
                (ReportStage.FINAL, 4 * 60, "积水已退，滞留学生全部由家长安全接回，未造成人员伤亡和财产损失。"),
            ],
        ),
        (
            "D05S010",
            "校外人员在校门口滋扰学生",
            IncidentType.SOCIAL_SECURITY,
            (11, 12, "07:30"),
            10,
            "学校东门",
            "一名校外人员在校门口纠缠上学学生，学校保安及时制止并报警。",
            [
                (ReportStage.INITIAL, 80, "保安已将该人员劝离，辖区派出所已到场，学生未受伤害。"),
                (ReportStage.FOLLOW_UP, 3 * 60, "派出所已对该人员进行批评教育，学校加强了上下学时段门口值守。"),
                (ReportStage.FINAL, 8 * 60, "事件处置完毕，未造成人员伤亡和财产损失。"),
            ],
        ),
    ]
    for code, title, kind, (month, day, clock), delay, place, description, reports in cases:
        school = Organization.objects.filter(code=code).select_related("parent").first()
        if school is None:
            continue
        occurred = _local(datetime.date(year, month, day), clock)
        known = occurred + datetime.timedelta(minutes=delay)
        incident = Incident.objects.create(
            organization=school,
            title=title,
            incident_type=kind,
            level=IncidentLevel.GENERAL,
            occurred_at=occurred,
            known_at=known,
            place=place,
            description=description,
        )
        for stage, minutes, text in reports:
            report = IncidentReport.objects.create(
                incident=incident,
                organization=school,
                stage=stage,
                reported_at=known + datetime.timedelta(minutes=minutes),
                author="学校安全办",
                text=text,
            )
            ReportReceipt.objects.bulk_create(
                [ReportReceipt(report=report, organization=bureau) for bureau in (school.parent, city)]
            )


# ---- the benchmark city (`bench_data`) -------------------------------------------------------


class Bench(BenchPart):
    """One full-day shift a day for the year at every bureau, led in turn by its leadership group
    (which the core's part of the city has made, four members a bureau)."""

    label = "值班"

    def bureaus(self, bureaus, year, rng) -> int:
        by_org: dict[int, list[LeadershipMember]] = {}
        for member in LeadershipMember.objects.filter(organization__in=bureaus).order_by("pk"):
            by_org.setdefault(member.organization_id, []).append(member)
        first = datetime.date(year, 1, 1)
        days = (datetime.date(year + 1, 1, 1) - first).days
        return bulk(
            DutyShift,
            (
                DutyShift(
                    organization=bureau,
                    date=first + datetime.timedelta(days=d),
                    shift=ShiftKind.FULL,
                    leader=by_org[bureau.pk][d % 4],
                    officer_1=f"值班员{d % 7 + 1}",
                    officer_2=f"值班员{(d + 3) % 7 + 1}",
                    phone="0532-80000000",
                )
                for bureau in bureaus
                for d in range(days)
            ),
        )
