"""Fixtures of the core's tests: a known tree for the summary."""

import datetime

import pytest
from django.core.management import call_command

from emergency.models import Document, LeadershipGroup, LeadershipMember, Organization, SummaryRun

YEAR = 2026


def group(org, members=(), established=datetime.date(YEAR, 2, 1)):
    g = LeadershipGroup.objects.create(
        organization=org,
        name=f"{org.name}应急管理工作领导小组",
        established_on=established,
        office_in_charge="办公室",
        daily_responsible="办公室主任",
    )
    for name, title, role, left in members:
        LeadershipMember.objects.create(
            group=g, name=name, title=title, group_role=role, joined_on=established, left_on=left
        )
    return g


@pytest.fixture
def known_tree(personas):
    t = personas.tree
    group(
        t.city,
        [
            ("甲", "局长", "leader", None),
            ("乙", "副局长", "deputy", None),
            ("丙", "副局长", "deputy", datetime.date(YEAR, 6, 30)),
            ("丁", "办公室主任", "member", None),
        ],
    )
    group(t.district_a)
    group(t.school_a1)
    group(t.school_b1, established=datetime.date(YEAR + 1, 1, 5))  # set up after the year: not counted
    Document.objects.create(
        organization=t.city,
        title="全市教育系统应急管理工作方案",
        kind="work_plan",
        issued_on=datetime.date(YEAR, 1, 10),
    )
    return t


def compiled_demo_summary() -> SummaryRun:
    """The demo city loaded and its summary compiled by the worker's task, as `make run` would."""
    from emergency.demo import CITY_CODE, DEMO_YEAR
    from emergency.tasks import compile_summary

    call_command("seed_demo")
    run = SummaryRun.objects.create(organization=Organization.objects.get(code=CITY_CODE), year=DEMO_YEAR)
    compile_summary.apply(args=[run.pk], throw=True)
    run.refresh_from_db()
    return run
