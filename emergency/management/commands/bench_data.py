"""A synthetic city for the benchmark (`bench/run.py`): N × 400 schools, forty to a district, under
one city bureau, with a year of every area's records per school and a year of duty shifts per
bureau. The command builds the tree and the leadership groups; each area adds its rows through the
part it registers (`registry.register_bench`, `emergency.bench.BenchPart`). Written with bulk
inserts in large batches, a few hundred schools at a time, so memory stays flat as N grows."""

from __future__ import annotations

import datetime
import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from emergency import registry
from emergency.bench import BATCH
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

CITY_CODE = "BENCH"
SCHOOLS_PER_SCALE = 400
SCHOOLS_PER_DISTRICT = 40
PASSWORD = "bench-pass"  # noqa: S105  (a throwaway benchmark database)
STAGES = [Stage.KINDERGARTEN, Stage.PRIMARY, Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR, Stage.NINE_YEAR]
CHUNK = 200  # schools whose records are built and written together


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
        bureaus = [city, *districts]
        _leadership(bureaus, year)
        # Each area's part of the city, in INSTALLED_APPS order (the order the random draws follow).
        parts = [part() for _label, part in registry.bench_parts]
        for part in parts:
            counts[part.label] = part.bureaus(bureaus, year, rng)
    # One transaction per chunk: a failure leaves whole schools, and the WAL does not balloon.
    for i in range(0, len(schools), CHUNK):
        with transaction.atomic():
            chunk = schools[i : i + CHUNK]
            for part in parts:
                counts[part.label] += part.schools(chunk, year, rng)
        if out is not None and (i // CHUNK) % 10 == 9:
            out.write(f"  … {i + CHUNK:,}/{len(schools):,} 所学校")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        # Statistics, hint bits and the visibility map, as a production database's autovacuum keeps
        # them: left to autovacuum, the first reads after the load write every page again and the
        # vacuum runs under the first measurements.
        cursor.execute("VACUUM (ANALYZE)")
    return counts


def _leadership(bureaus, year) -> None:
    """A leadership group of four per bureau (the duty rosters are led by its members)."""
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
