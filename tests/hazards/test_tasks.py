"""The daily overdue job: marks hazards past their deadline, reminds the responsible organisation
once per deadline, and changes nothing when run again."""

import datetime

from pghistory.models import Events

from emergency.celery import app as celery_app
from hazards.choices import HazardLevel, HazardStatus, NoticeKind
from hazards.models import Hazard, HazardNotice
from hazards.panels import home_items
from hazards.tasks import mark_overdue, mark_overdue_hazards
from tests.worker import celery_worker, wait_for  # noqa: F401

from .helpers import make_hazard, walk

DAY = datetime.date(2026, 3, 1)


def some_hazards(personas):
    t = personas.tree
    late = make_hazard(t.school_a1, description="逾期待整改", deadline=datetime.date(2026, 2, 10))
    late_major = make_hazard(
        t.school_b1, description="逾期重大", level=HazardLevel.MAJOR, deadline=datetime.date(2026, 2, 20)
    )
    walk(late_major, HazardStatus.RECTIFYING, personas.officer_b)
    not_yet = make_hazard(t.school_a1, description="未到期", deadline=datetime.date(2026, 3, 1))
    no_deadline = make_hazard(t.school_a2, description="无期限")
    closed = make_hazard(t.school_a1, description="已销号", deadline=datetime.date(2026, 1, 20))
    walk(closed, HazardStatus.CLOSED, personas.officer_a, personas.district_staff)
    return late, late_major, not_yet, no_deadline, closed


def state():
    hazards = list(Hazard.objects.order_by("pk").values_list("pk", "status", "overdue_since", "updated_at"))
    notices = list(HazardNotice.objects.order_by("pk").values_list("pk", "hazard_id", "for_deadline", "text"))
    return hazards, notices, Events.objects.count()


def test_job_marks_overdue_hazards_and_reminds_their_organisations(personas):
    late, late_major, *_ = some_hazards(personas)
    assert mark_overdue(DAY) == {"marked": 2, "unmarked": 0, "reminders": 2}
    marked = dict(Hazard.objects.filter(overdue_since__isnull=False).values_list("description", "overdue_since"))
    assert marked == {"逾期待整改": datetime.date(2026, 2, 11), "逾期重大": datetime.date(2026, 2, 21)}
    reminders = {(n.hazard.description, n.organization.code, n.for_deadline) for n in HazardNotice.objects.all()}
    assert reminders == {
        ("逾期待整改", "SA1", datetime.date(2026, 2, 10)),
        ("逾期重大", "SB1", datetime.date(2026, 2, 20)),
    }
    assert all(n.kind == NoticeKind.REMINDER and "已逾期" in n.text for n in HazardNotice.objects.all())
    items = {i.text: i.count for i in home_items(personas.officer_a) if i.count}
    assert items["隐患逾期提醒"] == 1


def test_running_the_job_twice_changes_nothing(personas):
    some_hazards(personas)
    mark_overdue(DAY)
    before = state()
    assert mark_overdue(DAY) == {"marked": 0, "unmarked": 0, "reminders": 0}
    assert state() == before


def test_a_moved_deadline_unmarks_and_a_new_one_reminds_again(personas):
    late, *_ = some_hazards(personas)
    mark_overdue(DAY)
    Hazard.objects.filter(pk=late.pk).update(deadline=datetime.date(2026, 3, 15))
    assert mark_overdue(DAY) == {"marked": 0, "unmarked": 1, "reminders": 0}
    assert Hazard.objects.get(pk=late.pk).overdue_since is None
    assert mark_overdue(datetime.date(2026, 3, 20)) == {"marked": 2, "unmarked": 0, "reminders": 2}
    assert HazardNotice.objects.filter(hazard=late).count() == 2


def test_the_job_is_on_the_daily_beat_schedule():
    celery_app.finalize()  # the apps' jobs join beat's schedule here
    entry = celery_app.conf.beat_schedule["hazards-mark-overdue"]
    assert entry["task"] == mark_overdue_hazards.name == "hazards.tasks.mark_overdue_hazards"


def test_the_job_runs_in_a_real_worker(personas, celery_worker):  # noqa: F811
    make_hazard(personas.tree.school_a1, deadline=datetime.date(2020, 1, 1))
    mark_overdue_hazards.delay()
    wait_for(lambda: HazardNotice.objects.filter(kind=NoticeKind.REMINDER).exists())
    assert Hazard.objects.get().overdue_since == datetime.date(2020, 1, 2)
