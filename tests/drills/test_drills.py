"""应急演练 pages: scope, the drill form's plan by name, marking a plan from a drill, schedules,
the compliance page and its export, and the query counts of the lists."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from drills.models import Drill, DrillSchedule
from drills.panels import home_items
from emergency.models import Stage
from tests.permissions import assert_scope_matrix
from tests.plans.helpers import make_plan
from tests.worker import celery_worker, wait_for  # noqa: F401

from .helpers import make_drill, make_schedule

TODAY = timezone.localdate()


def test_scope_matrix_on_drills(client, personas):
    t = personas.tree
    assert assert_scope_matrix(client, personas, make_drill(t.school_a1), make_drill(t.school_b1)) > 40


def test_scope_matrix_on_schedules(client, personas):
    t = personas.tree
    inside = make_schedule(t.school_a1, [t.school_a1], title="本校防震演练")
    outside = make_schedule(t.school_b1, [t.school_b1], title="B校防震演练")
    assert assert_scope_matrix(client, personas, inside, outside) > 40


def drill_form(**values):
    data = {"name": "春季疏散演练", "held_on": "2025-03-10", "drill_type": "evacuation", "drill_form": "live"}
    return {**data, **values}


def test_drill_form_links_the_plan_by_name_within_the_school(client, personas):
    t = personas.tree
    v1 = make_plan(t.school_a1, "总体应急预案", issued="2020-01-01")
    v2 = make_plan(t.school_a1, "总体应急预案", issued="2024-01-01", version="2.0")
    make_plan(t.school_a2, "邻校预案")
    client.force_login(personas.officer_a)
    response = client.post(reverse("drills:drill_add"), drill_form(plan_name="总体应急预案", students=500, staff=40))
    assert response.status_code == 302
    drill = Drill.objects.get()
    assert drill.plan == v2 and drill.plan != v1 and drill.participants == 540
    response = client.post(reverse("drills:drill_edit", args=[drill.pk]), drill_form(plan_name="邻校预案"))
    assert "本单位没有名为“邻校预案”的应急预案" in response.content.decode()
    page = client.get(reverse("drills:drill_edit", args=[drill.pk])).content.decode()
    assert 'value="总体应急预案"' in page


def test_drill_date_cannot_be_in_the_future(client, personas):
    client.force_login(personas.officer_a)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("drills:drill_add"), drill_form(held_on=tomorrow))
    assert "演练日期不能晚于今天" in response.content.decode()
    assert not Drill.objects.exists()


def test_a_drill_that_found_problems_marks_its_plan_for_revision(client, personas):
    t = personas.tree
    plan = make_plan(t.school_a1, "火灾事故应急预案", issued="2024-01-01")
    drill = make_drill(t.school_a1, "2025-04-10", "fire", name="消防演练", plan=plan, problems_found="东侧楼梯拥堵")
    url = reverse("drills:drill_flag_plan", args=[drill.pk])
    client.force_login(personas.officer_b)
    assert client.post(url).status_code == 404
    client.force_login(personas.leader)
    assert client.post(url).status_code == 403
    client.force_login(personas.officer_a)
    assert client.get(url).status_code == 405
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "标记关联预案需修订" in page
    assert client.post(url).status_code == 302
    client.post(url)  # twice: the reason is kept once
    plan.refresh_from_db()
    assert plan.needs_revision
    assert plan.revision_note == "2025年4月10日演练“消防演练”发现问题：东侧楼梯拥堵"
    page = client.get(drill.get_absolute_url()).content.decode()
    assert 'id="plan-flagged"' in page
    assert "演练发现问题，需修订本预案" in client.get(plan.get_absolute_url()).content.decode()


def test_a_drills_page_shows_its_plan_once_as_a_link(client, personas):
    plan = make_plan(personas.tree.school_a1, "火灾事故应急预案", issued="2024-01-01")
    drill = make_drill(personas.tree.school_a1, "2025-04-10", "fire", plan=plan)
    client.force_login(personas.officer_a)
    page = client.get(drill.get_absolute_url()).content.decode()
    assert page.count(str(plan)) == 1 and f'href="{plan.get_absolute_url()}"' in page


def test_schedule_is_fulfilled_by_a_drill_of_its_type_in_its_window(client, personas):
    t = personas.tree
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("drills:drillschedule_add"),
        {
            "organization": "DA",
            "title": "防震疏散演练",
            "drill_type": "earthquake",
            "planned_on": "2025-05-12",
            "deadline": "2025-05-31",
            "all_schools": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = DrillSchedule.objects.get()
    assert set(schedule.targets.values_list("organization__code", flat=True)) == {"SA1", "SA2"}
    make_drill(t.school_a1, "2025-05-20", "earthquake")  # fulfils
    make_drill(t.school_a2, "2025-05-20", "fire")  # wrong type
    make_drill(t.school_a2, "2025-06-02", "earthquake")  # too late
    page = client.get(schedule.get_absolute_url()).content.decode()
    assert "（1/2 已完成）" in page and "2025年5月20日" in page
    listing = client.get(reverse("drills:drillschedule_list")).content.decode()
    assert schedule.get_absolute_url() in listing
    drill = Drill.objects.get(organization=t.school_a1)
    assert [s.schedule for s in drill.schedules_met()] == [schedule]


def test_schedule_schools_must_be_under_its_owner(client, personas):
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("drills:drillschedule_add"),
        {
            "organization": "DA",
            "title": "消防演练",
            "drill_type": "fire",
            "planned_on": "2025-11-03",
            "deadline": "2025-11-01",
            "school_codes": "SA1, SB1",
        },
    )
    page = response.content.decode()
    assert "以下单位代码不是区县A教育局管辖的学校：SB1" in page and "完成期限不能早于计划日期" in page
    assert not DrillSchedule.objects.exists()


def test_a_named_school_reads_the_bureaus_schedule_but_only_its_own_row(client, personas):
    t = personas.tree
    schedule = make_schedule(t.city, [t.school_a1, t.school_a2, t.school_b1])
    make_drill(t.school_b1, "2025-05-20", "earthquake")
    client.force_login(personas.officer_a)
    page = client.get(schedule.get_absolute_url()).content.decode()
    assert "A区第一小学" in page and "B区第一小学" not in page and "（0/1 已完成）" in page
    assert reverse("drills:drillschedule_edit", args=[schedule.pk]) not in page
    assert client.get(reverse("drills:drillschedule_edit", args=[schedule.pk])).status_code == 404
    assert client.post(reverse("drills:drillschedule_delete", args=[schedule.pk])).status_code == 404
    listing = client.get(reverse("drills:drillschedule_list")).content.decode()
    assert schedule.get_absolute_url() in listing
    client.force_login(personas.city_staff)
    listing = client.get(reverse("drills:drillschedule_list")).content.decode()
    assert "（1/3 已完成）" in client.get(schedule.get_absolute_url()).content.decode()
    other = make_schedule(t.city, [t.school_b1], title="只给B校")
    client.force_login(personas.officer_a)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_home_panel_lists_scheduled_drills_not_yet_held(personas, django_assert_num_queries):
    t = personas.tree
    year_start = TODAY.replace(month=1, day=1)
    make_schedule(
        t.city, [t.school_a1, t.school_b1], start=TODAY.isoformat(), end=(TODAY + datetime.timedelta(9)).isoformat()
    )
    late = make_schedule(
        t.city, [t.school_a1, t.school_a2], title="已过期", start=year_start.isoformat(), end=year_start.isoformat()
    )
    make_drill(t.school_a2, late.planned_on.isoformat(), "earthquake")
    with django_assert_num_queries(1):
        items = {i.text: i.count for i in home_items(personas.officer_a)}
    assert items == {"演练安排中逾期未开展（本年度）": 1, "近期待开展的演练安排": 1}
    items = {i.text: i.count for i in home_items(personas.city_staff)}
    assert items == {"演练安排中逾期未开展（本年度）": 1, "近期待开展的演练安排": 2}


@pytest.fixture
def compliance_data(tree):
    tree.school_a2.stage = Stage.KINDERGARTEN
    tree.school_a2.save()
    for month in range(1, 7):
        make_drill(tree.school_a1, f"2025-{month:02d}-10")
    make_drill(tree.school_a2, "2025-02-14", "fire")
    make_drill(tree.school_b1, "2025-03-03", "earthquake")
    return tree


COMPLIANCE = reverse("drills:compliance")


def test_compliance_page_by_district_and_school(client, personas, compliance_data):
    client.force_login(personas.city_staff)
    page = client.get(COMPLIANCE, {"start": "2025-01", "end": "2025-06"}).content.decode()
    assert 'id="compliance-groups"' in page and "区县A教育局" in page
    assert '<div class="figure-value" id="total-schools">3</div>' in page
    assert '<div class="figure-value text-success" id="total-compliant">1</div>' in page
    assert '<div class="figure-value" id="total-held">14 / 8</div>' in page
    behind = client.get(COMPLIANCE, {"start": "2025-01", "end": "2025-06", "behind": "on"}).content.decode()
    assert "A区第二小学" in behind and "B区第一小学" in behind and "A区第一小学" not in behind
    district = client.get(COMPLIANCE, {"org": "DA", "start": "2025-01", "end": "2025-06"}).content.decode()
    assert 'id="compliance-groups"' not in district and "B区第一小学" not in district


def test_compliance_window_is_named_in_the_page_language(client, personas, compliance_data):
    client.force_login(personas.city_staff)
    query = {"start": "2025-01", "end": "2025-06"}
    assert "2025年1月至2025年6月" in client.get(COMPLIANCE, query).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(COMPLIANCE, query).content.decode()
    assert "January 2025 – June 2025" in english and "2025年1月" not in english
    single = client.get(COMPLIANCE, {"start": "2025-03", "end": "2025-03"}).content.decode()
    assert "March 2025" in single and "–" not in single.split("<h1")[1].split("</h1>")[0]


def test_compliance_page_is_scoped(client, personas, compliance_data):
    client.force_login(personas.officer_a)
    own = client.get(COMPLIANCE, {"start": "2025-01", "end": "2025-06"}).content.decode()
    assert "A区第一小学" in own and "A区第二小学" not in own and "B区第一小学" not in own
    response = client.get(COMPLIANCE, {"org": "SB1"})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    client.force_login(personas.district_staff)
    assert client.get(COMPLIANCE, {"org": "C"}).status_code == 400
    assert client.get(COMPLIANCE, {"start": "2025-07", "end": "2025-01"}).status_code == 400
    client.logout()
    assert client.get(COMPLIANCE).status_code == 302


def test_compliance_table_sorts(client, personas, compliance_data):
    client.force_login(personas.city_staff)
    query = {"start": "2025-01", "end": "2025-06"}
    default = client.get(COMPLIANCE, query).content.decode()
    assert (
        default.index("B区第一小学") < default.index("A区第二小学") < default.index("A区第一小学")
    )  # most behind first
    by_code = client.get(COMPLIANCE, {**query, "s-sort": "code"}).content.decode()
    assert by_code.index("A区第一小学") < by_code.index("A区第二小学") < by_code.index("B区第一小学")


def test_compliance_export(client, personas, compliance_data):
    client.force_login(personas.city_staff)
    response = client.get(COMPLIANCE, {"start": "2025-01", "end": "2025-06", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按区县", "按学校", "达标要求"]
    groups = list(book["按区县"].values)
    assert groups[0][0] == "市教育局 2025年1月至2025年6月"
    assert groups[-1][:8] == ("合计", 3, 3, 1, 2, 33.3, 14, 8)
    schools = {r[0]: r for r in list(book["按学校"].values)[2:]}
    assert schools["SB1"][5:10] == (6, 1, 1, 6, 5) and schools["SB1"][-1] == "未达标"
    assert schools["SA1"][-1] == "达标"


@pytest.mark.alone
def test_compliance_page_query_count_is_pinned(transactional_db, client, personas, compliance_data):
    client.force_login(personas.city_staff)
    query = {"org": "C", "start": "2025-01", "end": "2025-06"}
    # session, user, user's organisation, the organisation asked for, the snapshot; building: the
    # organisation again (the builder takes a key a worker can carry), requirements, the schools
    # judged by the database (the districts added up from them)
    with CaptureQueriesContext(connection) as built:
        client.get(COMPLIANCE, query)
    with CaptureQueriesContext(connection) as cached:
        client.get(COMPLIANCE, query)
    assert (len(built), len(cached)) == (8, 5)


def test_compliance_page_is_judged_again_after_a_write(transactional_db, client, personas, compliance_data):
    client.force_login(personas.city_staff)
    query = {"start": "2025-01", "end": "2025-06"}
    first = client.get(COMPLIANCE, query)
    assert first.context["result"].total.held == 8 and not first.context["built"].refreshing
    make_drill(compliance_data.school_b1, "2025-04-03", "fire")  # committed at once: no test transaction
    again = client.get(COMPLIANCE, query)
    assert again.context["result"].total.held == 9
    assert again.context["built"].built_at > first.context["built"].built_at


def test_slow_compliance_is_shown_as_last_judged_while_a_worker_judges_it_again(
    client,
    personas,
    compliance_data,
    celery_worker,  # noqa: F811
    settings,
):
    settings.FIGURES_BUILD_BUDGET = 0  # every build is "slow", as a province's is
    client.force_login(personas.city_staff)
    query = {"start": "2025-01", "end": "2025-06"}
    first = client.get(COMPLIANCE, query)
    make_drill(compliance_data.school_b1, "2025-04-03", "fire")
    stale = client.get(COMPLIANCE, query)
    assert stale.context["result"].total.held == 8 and stale.context["built"].refreshing
    assert "正在重新统计" in stale.content.decode()

    def judged_again():
        response = client.get(COMPLIANCE, query)
        return None if response.context["built"].refreshing else response

    # Any transaction ending on the server (another test's) makes the worker's new value old again.
    fresh = wait_for(judged_again, timeout=90)
    assert fresh.context["result"].total.held == 9
    assert fresh.context["built"].built_at > first.context["built"].built_at


@pytest.mark.parametrize("sort", [None, "held_on", "-held_on", "drill_type"])
def test_rows_tied_on_the_sort_come_newest_first_on_every_page(client, personas, sort):
    tied = [make_drill(personas.tree.school_a1, "2025-03-10", name=f"同日演练{i}") for i in range(5)]
    client.force_login(personas.city_staff)
    shown = []
    for page in (1, 2, 3):
        query = {"per_page": 2, "page": page, **({"sort": sort} if sort else {})}
        table = client.get(reverse("drills:drill_list"), query).context["table"]
        shown += [row.record.pk for row in table.paginated_rows]
    assert shown == [d.pk for d in reversed(tied)]  # each once, in one order across the pages


@pytest.mark.parametrize("drills", [1, 30])
def test_drill_list_query_count_is_pinned(client, personas, django_assert_num_queries, drills):
    plan = make_plan(personas.tree.school_a1)
    for i in range(drills):
        make_drill(
            personas.tree.school_a1 if i % 2 else personas.tree.school_b1,
            f"2025-03-{i % 28 + 1:02d}",
            name=f"演练{i}",
            plan=plan if i % 2 else None,
        )
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of drills with organisations and plans, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("drills:drill_list")).status_code == 200


@pytest.mark.parametrize("schedules", [1, 30])
def test_schedule_list_query_count_is_pinned(client, personas, django_assert_num_queries, schedules):
    t = personas.tree
    for i in range(schedules):
        make_schedule(t.city, [t.school_a1, t.school_b1], title=f"安排{i}")
    client.force_login(personas.district_staff)
    # session, user, user's organisation, count, page of schedules with counts of named schools
    # in scope and of those done, bureaus drop-down
    with django_assert_num_queries(6):
        page = client.get(reverse("drills:drillschedule_list")).content.decode()
    assert page.count('<span class="badge text-bg-warning">0</span>') == min(schedules, 50)


def test_schedule_list_exports_plain_values(client, personas):
    t = personas.tree
    make_schedule(t.city, [t.school_a1, t.school_b1])
    make_drill(t.school_a1, "2025-05-20", "earthquake")
    client.force_login(personas.city_staff)
    response = client.get(reverse("drills:drillschedule_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][1:3] == ("市教育局", "防震") and rows[1][5:] == (2, 1)


def test_drill_page_takes_photos_and_documents(client, personas):
    drill = make_drill(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    page = client.get(drill.get_absolute_url()).content.decode()
    assert '<option value="photo">照片</option>' in page and '<option value="document">文档</option>' in page


def test_history_starts_where_the_drill_entered_the_viewers_scope(client, personas):
    t = personas.tree
    drill = make_drill(t.school_b1, name="B校内部演练", problems_found="B校的问题")
    drill.organization, drill.name, drill.problems_found = t.school_a1, "移交A校的演练", "A校接手"
    drill.save()
    drill.staff = 12
    drill.save()
    client.force_login(personas.officer_a)
    page = client.get(reverse("drills:drill_history", args=[drill.pk])).content.decode()
    assert "移交A校的演练" in page and "A校接手" in page
    assert "B校内部演练" not in page and "B校的问题" not in page and t.school_b1.name not in page
    client.force_login(personas.city_staff)
    assert "B校内部演练" in client.get(reverse("drills:drill_history", args=[drill.pk])).content.decode()
