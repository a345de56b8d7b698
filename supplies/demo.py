"""The demo city's supplies for one year (seed section 四): a catalogue, the bureau's reserve
warehouse, district reserve points and every school's stock, a year of movements (年初建账, a new
batch of water, transfers to schools, scrapping, the census corrections), regular maintenance, the
bureau's reserve standards, the autumn census (物资普查), and the alerts as of 31 December.

Deterministic (random.Random(year)); written with bulk_create, so the city loads in seconds."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from emergency.bench import BenchPart, bulk
from emergency.demo import person_name
from emergency.models import Organization, OrganizationKind, Stage

from .alerts import refresh_alerts
from .choices import (
    CensusStatus,
    MaintenanceKind,
    MaintenanceResult,
    MovementKind,
    ReturnStatus,
    SupplyCategory,
)
from .models import CensusReturn, MaintenanceRecord, ReserveStandard, Stock, StockMovement, SupplyCensus, SupplyItem

C = SupplyCategory
# (name, category, spec, unit, check interval in days)
CATALOGUE = [
    ("干粉灭火器", C.FIRE, "MFZ/ABC4", "具", 30),
    ("消防水带", C.FIRE, "DN65×20m", "盘", 90),
    ("医用急救箱", C.MEDICAL, "标准型", "个", 90),
    ("急救药品包", C.MEDICAL, "校园型", "套", 180),
    ("救生圈", C.RESCUE, "2.5kg", "个", 180),
    ("担架", C.RESCUE, "折叠式", "副", 180),
    ("应急照明灯", C.LIGHTING, "LED充电式", "盏", 90),
    ("强光手电筒", C.LIGHTING, "充电式", "支", 180),
    ("手持扩音器", C.LIGHTING, "25W", "个", 180),
    ("饮用水", C.LIVING, "550ml×24瓶", "箱", 180),
    ("方便食品", C.LIVING, "压缩饼干", "箱", 180),
    ("棉被", C.LIVING, "标准", "床", 180),
    ("帐篷", C.LIVING, "12平方米", "顶", 180),
    ("防烟面罩", C.PROTECTIVE, "TZL30", "个", 180),
    ("医用口罩", C.PROTECTIVE, "一次性", "盒", 180),
]
WAREHOUSE = "市教育局应急物资储备库"
# The bureau's warehouse: (item, quantity, shelf life in years or None)
CITY_STOCK = [
    ("帐篷", 120, None),
    ("棉被", 800, None),
    ("饮用水", 600, 2),
    ("方便食品", 400, 2),
    ("担架", 60, None),
    ("医用急救箱", 100, None),
    ("干粉灭火器", 200, 10),
    ("应急照明灯", 150, None),
    ("医用口罩", 500, 3),
]
DISTRICT_STOCK = [
    ("帐篷", 10, None),
    ("棉被", 60, None),
    ("饮用水", 50, 2),
    ("担架", 6, None),
    ("手持扩音器", 10, None),
]


@dataclass
class Event:
    line: Stock
    kind: str
    change: int
    day: datetime.date
    reason: str
    counterpart: Stock | None = None
    census_return: CensusReturn | None = None
    opening: bool = False
    balance: int = 0


def _day(rng: random.Random, year: int, month: int, first: int = 1, last: int = 28) -> datetime.date:
    return datetime.date(year, month, rng.randint(first, last))


def _years_later(day: datetime.date, years: int) -> datetime.date:
    return (
        day.replace(year=day.year + years)
        if not (day.month == 2 and day.day == 29)
        else day.replace(year=day.year + years, day=28)
    )


@transaction.atomic
def build(city: Organization, year: int) -> None:
    rng = random.Random(year)
    items = {}
    for name, category, spec, unit, interval in CATALOGUE:
        item, _created = SupplyItem.objects.get_or_create(
            name=name, spec=spec, defaults={"category": category, "unit": unit, "check_interval_days": interval}
        )
        items[name] = item
    orgs = list(city.subtree().order_by("path"))
    schools = [o for o in orgs if o.kind == OrganizationKind.SCHOOL]
    districts = [o for o in orgs if o.kind == OrganizationKind.DISTRICT]

    lines: list[Stock] = []
    events: list[Event] = []

    def line(org, item_name, quantity, location, produced=None, shelf=None, batch="", opened=None):
        produced = produced or (_day(rng, year - 1, rng.randint(1, 12)) if shelf else None)
        stock = Stock(
            organization=org,
            item=items[item_name],
            location=location,
            batch=batch,
            produced_on=produced,
            expires_on=_years_later(produced, shelf) if shelf else None,
            keeper=person_name(rng),
        )
        lines.append(stock)
        if quantity:
            day = opened or _day(rng, year, 1, 2, 20)
            events.append(Event(stock, MovementKind.RECEIVE, quantity, day, "年初建账", opening=True))
        return stock

    city_lines = {name: line(city, name, qty, WAREHOUSE, shelf=shelf) for name, qty, shelf in CITY_STOCK}
    for district in districts:
        for name, qty, shelf in DISTRICT_STOCK:
            line(district, name, qty, f"{district.name}应急物资储备点", shelf=shelf)

    short_kits: list[Stock] = []
    medicine: list[Stock] = []
    for school in schools:
        students = school.students or 500
        kindergarten = school.stage == Stage.KINDERGARTEN
        # About one school in twenty-five keeps too few extinguishers or first-aid kits (below standard).
        short = rng.random() < 0.04
        old = rng.random() < 0.03  # extinguishers bought a decade ago, expiring within the year
        produced = (
            _day(rng, year - 10, rng.randint(1, 10))
            if old
            else _day(rng, rng.randint(year - 7, year - 1), rng.randint(1, 12))
        )
        line(school, "干粉灭火器", 8 if short else max(12, students // 50), "教学楼", produced=produced, shelf=10)
        kits = line(school, "医用急救箱", 1 if short else rng.randint(2, 5), "校医室")
        if short:
            short_kits.append(kits)
        # A third of the medicine packs were bought two years back and run out of date this year.
        bought = _day(rng, rng.choice((year - 2, year - 1, year - 1)), rng.randint(1, 12))
        medicine.append(line(school, "急救药品包", rng.randint(2, 6), "校医室", produced=bought, shelf=2))
        line(school, "应急照明灯", rng.randint(6, 9) if kindergarten else rng.randint(12, 40), "教学楼")
        line(school, "强光手电筒", rng.randint(4, 10), "门卫室")
        if not kindergarten:
            line(school, "担架", rng.randint(2, 3), "体育器材室")
        if school.stage in (Stage.JUNIOR, Stage.SENIOR, Stage.NINE_YEAR):
            line(school, "防烟面罩", rng.randint(20, 60), "教学楼")
        if school.stage == Stage.SENIOR:
            line(school, "饮用水", rng.randint(20, 50), "学生宿舍", shelf=2)
        if rng.random() < 0.2:
            line(school, "救生圈", rng.randint(2, 4), "游泳池")

    # A new batch of water for the warehouse in June: its own line, with its own dates.
    water = city_lines["饮用水"]
    june = datetime.date(year, 6, 2)
    new_water = line(
        city, "饮用水", 0, WAREHOUSE, produced=datetime.date(year, 5, 20), shelf=2, batch=f"{year + 2}0520"
    )
    events.append(Event(new_water, MovementKind.RECEIVE, 300, june, "补充储备（新批次）"))
    events.append(Event(water, MovementKind.ISSUE, 150, datetime.date(year, 6, 15), "支援受灾地区学校"))
    # First-aid kits from the warehouse to half the schools that had too few, in September.
    source = city_lines["医用急救箱"]
    for school_line in short_kits[::2]:
        day = _day(rng, year, 9)
        events.append(Event(source, MovementKind.TRANSFER, -2, day, "为学校补充急救箱", counterpart=school_line))
        events.append(Event(school_line, MovementKind.TRANSFER, 2, day, "为学校补充急救箱", counterpart=source))
    # Medicine packs past their date are scrapped at most schools; some are still on the shelf at year end.
    ends: dict[int, datetime.date] = {}
    for pack in medicine:
        if pack.expires_on and pack.expires_on.year == year and rng.random() < 0.7:
            opening = next(e for e in events if e.line is pack)
            ends[id(pack)] = max(pack.expires_on, opening.day) + datetime.timedelta(days=3)
            events.append(Event(pack, MovementKind.SCRAP, -opening.change, ends[id(pack)], "过期报废"))

    # The census: opened in October, closed at the end of November.
    census = SupplyCensus.objects.create(
        organization=city,
        title=f"{year}年全市教育系统应急物资普查",
        opened_on=datetime.date(year, 10, 8),
        deadline=datetime.date(year, 11, 30),
        status=CensusStatus.CLOSED,
        notes="对全市教育系统应急救援物资、装备进行统计排查，各单位核对本单位台账并确认或更正数量。",
    )
    holders = {s.organization_id for s in lines}
    asked = [o for o in orgs if o.kind == OrganizationKind.SCHOOL or o.pk in holders]
    returns = {o.pk: CensusReturn(census=census, organization=o) for o in asked}
    by_org: dict[int, list[Stock]] = {}
    for s in lines:
        by_org.setdefault(s.organization_id, []).append(s)
    for org_id, ret in returns.items():
        roll = rng.random()
        if roll < 0.06:
            continue  # still pending when the census closed
        ret.confirmed_on = _day(rng, year, rng.choice((10, 11)), 9 if roll < 0.5 else 1, 28)
        ret.status = ReturnStatus.CONFIRMED
        if roll > 0.9:
            # A count found different: one 盘点 correction, a few more or a few fewer.
            # (Never a medicine pack: a scrapped line has nothing left to miscount.)
            target = rng.choice([s for s in by_org[org_id] if s.batch == "" and s.item.name != "急救药品包"])
            ret.status, ret.corrections = ReturnStatus.CORRECTED, 1
            held = sum(e.change for e in events if e.line is target and e.day <= ret.confirmed_on)
            change = rng.choice((-2, -1, 1, 2, 3)) if held > 3 else rng.randint(1, 3)
            events.append(
                Event(
                    target,
                    MovementKind.COUNT,
                    change,
                    ret.confirmed_on,
                    f"物资普查更正（{census.title}）",
                    census_return=ret,
                )
            )
    for org_id, ret in returns.items():
        ret.lines = len(by_org.get(org_id, []))
    CensusReturn.objects.bulk_create(returns.values())

    # Balances in the order things happened: the ledger never goes below zero.
    events.sort(key=lambda e: (e.day, e.change < 0))
    balance: dict[int, int] = {}
    for e in events:
        balance[id(e.line)] = balance.get(id(e.line), 0) + e.change
        assert balance[id(e.line)] >= 0, e
        e.balance = balance[id(e.line)]
    for s in lines:
        s.quantity = balance.get(id(s), 0)

    # Maintenance on each item's interval; about one line in twenty misses its last check.
    records = []
    starts = {}
    for e in events:
        starts.setdefault(id(e.line), e.day)
    for s in lines:
        interval = s.item.check_interval_days
        day = starts.get(id(s), datetime.date(year, 1, 1)) + datetime.timedelta(days=rng.randint(5, min(interval, 60)))
        end = ends.get(id(s), datetime.date(year, 12, 31))
        kind = {C.FIRE: MaintenanceKind.TEST, C.MEDICAL: MaintenanceKind.SERVICE}.get(
            s.item.category, MaintenanceKind.UPKEEP
        )
        skip_last = rng.random() < 0.05
        while day <= end:
            nxt = day + datetime.timedelta(days=interval - rng.randint(0, 5))
            if skip_last and nxt > end:
                break
            result = MaintenanceResult.REPAIRED if rng.random() < 0.03 else MaintenanceResult.GOOD
            records.append(
                MaintenanceRecord(
                    organization=s.organization,
                    stock=s,
                    kind=kind,
                    done_on=day,
                    result=result,
                    done_by=s.keeper,
                    next_due_on=day + datetime.timedelta(days=interval),
                    notes="更换压力表" if result == MaintenanceResult.REPAIRED and s.item.category == C.FIRE else "",
                )
            )
            s.last_checked_on = day
            day = nxt
    Stock.objects.bulk_create(lines, batch_size=2000)
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                organization_id=e.line.organization_id,
                stock=e.line,
                kind=e.kind,
                change=e.change,
                balance=e.balance,
                counterpart=e.counterpart,
                happened_on=e.day,
                reason=e.reason,
                census_return=e.census_return,
                is_opening=e.opening,
            )
            for e in events
        ],
        batch_size=2000,
    )
    MaintenanceRecord.objects.bulk_create(records, batch_size=2000)

    # The bureau's reserve standards: every school, kindergartens their own, the warehouse its own.
    ReserveStandard.objects.bulk_create(
        [
            ReserveStandard(organization=city, item=items["干粉灭火器"], minimum=10, notes="每栋教学楼每层不少于2具"),
            ReserveStandard(organization=city, item=items["医用急救箱"], minimum=2, notes="校医室和体育组各1个"),
            ReserveStandard(organization=city, item=items["应急照明灯"], minimum=10, notes="疏散通道全覆盖"),
            ReserveStandard(
                organization=city, item=items["应急照明灯"], minimum=6, stage=Stage.KINDERGARTEN, notes="幼儿园规模较小"
            ),
            ReserveStandard(organization=city, item=items["帐篷"], minimum=100, target=city, notes="市级储备"),
            ReserveStandard(organization=city, item=items["饮用水"], minimum=500, target=city, notes="市级储备"),
        ]
    )
    refresh_alerts(city, today=datetime.date(year, 12, 31))


# ---- the benchmark city (`bench_data`) -------------------------------------------------------

BENCH_ITEMS = 30


class Bench(BenchPart):
    """A catalogue of thirty items (kept across builds) and a stock line of each per school."""

    label = "物资台账"

    def bureaus(self, bureaus, year, rng) -> int:
        categories = list(SupplyCategory.values)
        self.items = [
            SupplyItem.objects.get_or_create(
                name=f"基准物资{n + 1:02d}",
                spec="标准",
                defaults={"category": categories[n % len(categories)], "unit": "件", "check_interval_days": 180},
            )[0]
            for n in range(BENCH_ITEMS)
        ]
        return 0

    def schools(self, schools, year, rng) -> int:
        return bulk(Stock, (line for school in schools for line in self._stock(school, year, rng)))

    def _stock(self, school, year, rng):
        for n, item in enumerate(self.items):
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
