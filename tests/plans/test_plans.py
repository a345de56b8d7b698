"""应急预案: scope, versions, the review cycle, the level filter, files, and the home panel."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from emergency.models import Attachment
from plans.models import EmergencyPlan, default_next_revision, next_version_label
from plans.panels import home_items
from tests.permissions import assert_scope_matrix

from .helpers import make_plan

TODAY = timezone.localdate()


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def test_scope_matrix_on_plans(client, personas):
    t = personas.tree
    checks = assert_scope_matrix(client, personas, make_plan(t.school_a1), make_plan(t.school_b1))
    assert checks > 40


def test_revise_page_is_scoped_too(client, personas):
    outside = make_plan(personas.tree.school_b1)
    url = reverse("plans:emergencyplan_revise", args=[outside.pk])
    client.force_login(personas.officer_a)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(personas.leader)
    assert client.get(url).status_code == 403
    client.force_login(personas.officer_b)
    assert client.get(url).status_code == 200


def test_next_revision_defaults_to_issued_plus_the_revision_period(tree, settings):
    plan = make_plan(tree.school_a1, issued="2024-02-29")
    assert plan.next_revision_on == datetime.date(2027, 2, 28)
    settings.PLAN_REVISION_YEARS = 5
    assert default_next_revision(datetime.date(2025, 6, 1)) == datetime.date(2030, 6, 1)
    kept = make_plan(tree.school_a1, "地震灾害应急预案", next_revision_on=datetime.date(2026, 1, 1))
    assert kept.next_revision_on == datetime.date(2026, 1, 1)


def test_version_labels_count_up():
    assert next_version_label("1.0") == "2.0"
    assert next_version_label("V2.0") == "V3.0"
    assert next_version_label("3") == "4"
    assert next_version_label("2008版") == "2008版修订版"


def test_a_new_version_in_force_retires_the_earlier_ones(tree):
    v1 = make_plan(tree.school_a1, issued="2019-03-01")
    draft = make_plan(tree.school_a1, issued="2022-03-01", version="2.0-草案", status="revising")
    v1.refresh_from_db()
    assert v1.status == "current"  # a draft under revision retires nothing
    v2 = make_plan(tree.school_a1, issued="2022-05-10", version="2.0")
    v1.refresh_from_db()
    draft.refresh_from_db()
    assert (v1.status, v1.retired_on) == ("retired", datetime.date(2022, 5, 10))  # the draft never applied
    assert (draft.status, draft.retired_on) == ("retired", datetime.date(2022, 5, 10))
    assert v2.status == "current" and v2.retired_on is None
    assert [p.version for p in v2.versions()] == ["2.0", "2.0-草案", "1.0"]
    other = make_plan(tree.school_a2, issued="2018-01-01")  # same name, another school: untouched
    assert other.status == "current"


def test_in_force_on_a_day_follows_issue_and_retirement(tree):
    v1 = make_plan(tree.school_a1, issued="2019-03-01")
    make_plan(tree.school_a1, issued="2022-05-10", version="2.0")
    v1.refresh_from_db()
    on = lambda day: sorted(p.version for p in EmergencyPlan.objects.in_force_on(datetime.date.fromisoformat(day)))  # noqa: E731
    assert on("2019-01-01") == []
    assert on("2020-01-01") == ["1.0"]
    assert on("2022-05-09") == ["1.0"]
    assert on("2022-05-10") == ["2.0"]


def test_revising_through_the_page_makes_a_new_version_with_its_file(client, personas):
    v1 = make_plan(personas.tree.school_a1, issued="2020-03-01")
    client.force_login(personas.officer_a)
    url = reverse("plans:emergencyplan_revise", args=[v1.pk])
    page = client.get(url).content.decode()
    assert 'value="2.0"' in page and "原版本自动废止" in page
    response = client.post(
        url,
        {
            "organization": "SA1",
            "name": v1.name,
            "category": "special",
            "event_types": ["accident", "natural"],
            "issued_on": TODAY.isoformat(),
            "version": "2.0",
            "status": "current",
            "document": SimpleUploadedFile("火灾预案2.0.pdf", b"%PDF-1.4 new text", content_type="application/pdf"),
        },
    )
    v2 = EmergencyPlan.objects.get(version="2.0")
    assert response.status_code == 302 and response["Location"] == v2.get_absolute_url()
    v1.refresh_from_db()
    assert v1.status == "retired" and v1.retired_on == TODAY
    assert v2.next_revision_on == default_next_revision(TODAY)
    attachment = Attachment.objects.get()
    assert (attachment.object_id, attachment.original_name, attachment.organization) == (
        v2.pk,
        "火灾预案2.0.pdf",
        personas.tree.school_a1,
    )
    detail = client.get(v2.get_absolute_url()).content.decode()
    assert 'id="plan-versions"' in detail and v1.get_absolute_url() in detail and "已废止" in detail
    assert "火灾预案2.0.pdf" in detail


def test_plan_file_must_be_a_document(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("plans:emergencyplan_add"),
        {
            "name": "防汛预案",
            "category": "special",
            "issued_on": "2025-01-01",
            "version": "1.0",
            "status": "current",
            "document": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert response.status_code == 200 and "PDF、Word 或 WPS" in response.content.decode()
    assert not EmergencyPlan.objects.exists()


def test_next_revision_before_issue_is_refused(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("plans:emergencyplan_add"),
        {
            "name": "防汛预案",
            "category": "special",
            "issued_on": "2025-01-01",
            "next_revision_on": "2024-01-01",
            "version": "1.0",
            "status": "current",
        },
    )
    assert "下次修订日期不能早于发布日期" in response.content.decode()


@pytest.fixture
def review_plans(tree):
    return {
        "due": make_plan(
            tree.school_a1, "到期预案", issued="2020-01-01", next_revision_on=TODAY + datetime.timedelta(30)
        ),
        "overdue": make_plan(
            tree.school_a1, "逾期预案", issued="2020-01-01", next_revision_on=TODAY - datetime.timedelta(3)
        ),
        "later": make_plan(
            tree.school_a1, "远期预案", issued="2020-01-01", next_revision_on=TODAY + datetime.timedelta(200)
        ),
        "retired": make_plan(
            tree.school_a1,
            "废止预案",
            issued="2020-01-01",
            status="retired",
            next_revision_on=TODAY - datetime.timedelta(3),
        ),
        "other_school": make_plan(
            tree.school_b1, "B校逾期预案", issued="2020-01-01", next_revision_on=TODAY - datetime.timedelta(9)
        ),
        "flagged": make_plan(tree.school_a1, "演练后需修订", issued=days(-365), needs_revision=True),
    }


def listed(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_review_page_lists_plans_due_within_90_days_and_overdue(client, personas, review_plans):
    client.force_login(personas.officer_a)
    page = listed(client, reverse("plans:emergencyplan_review"))
    shown = {k for k, p in review_plans.items() if p.get_absolute_url() in page}
    assert shown == {"due", "overdue"}
    assert "已逾期" in page and "即将到期" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [("revision=due", {"due"}), ("revision=overdue", {"overdue"}), ("revision=flagged", {"flagged"})],
)
def test_revision_filter(client, personas, review_plans, query, expected):
    client.force_login(personas.officer_a)
    page = listed(client, reverse("plans:emergencyplan_list") + "?" + query)
    assert {k for k, p in review_plans.items() if p.get_absolute_url() in page} == expected


def test_level_filter_separates_bureau_and_school_plans(client, personas):
    t = personas.tree
    city = make_plan(t.city, "教育系统突发公共事件应急预案", category="comprehensive")
    district = make_plan(t.district_a, "区县教育系统应急预案")
    school = make_plan(t.school_a1)
    client.force_login(personas.city_staff)
    bureau = listed(client, reverse("plans:emergencyplan_list") + "?level=bureau")
    assert city.get_absolute_url() in bureau and district.get_absolute_url() in bureau
    assert school.get_absolute_url() not in bureau
    schools = listed(client, reverse("plans:emergencyplan_list") + "?level=school")
    assert school.get_absolute_url() in schools and city.get_absolute_url() not in schools


def test_home_panel_counts_plans_to_revise_in_scope(personas, review_plans, django_assert_num_queries):
    with django_assert_num_queries(1):
        items = {i.text: i.count for i in home_items(personas.officer_a)}
    assert items == {"逾期未修订应急预案数": 1, "90天内到期应急预案数": 1, "演练发现问题需修订的应急预案数": 1}
    items = {i.text: i.count for i in home_items(personas.city_staff)}
    assert items["逾期未修订应急预案数"] == 2


def test_home_page_shows_the_plan_panel(client, personas, review_plans):
    client.force_login(personas.officer_a)
    page = listed(client, reverse("home"))
    overdue = f"{reverse('plans:emergencyplan_list')}?org_code=SA1&amp;overdue_on={TODAY.isoformat()}"
    assert "逾期未修订应急预案数" in page and overdue in page


@pytest.mark.parametrize("plans", [1, 30])
def test_plan_list_query_count_is_pinned(client, personas, django_assert_num_queries, plans):
    for i in range(plans):
        make_plan(personas.tree.school_a1 if i % 2 else personas.tree.school_b1, f"预案{i}")
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of plans with organisations, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("plans:emergencyplan_list")).status_code == 200


@pytest.mark.parametrize("plans", [1, 30])
def test_review_list_query_count_is_pinned(client, personas, django_assert_num_queries, plans):
    for i in range(plans):
        make_plan(personas.tree.school_a1, f"预案{i}", issued="2020-01-01")
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of plans with organisations, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("plans:emergencyplan_review")).status_code == 200


def test_export_has_the_import_columns(client, personas):
    from io import BytesIO

    from openpyxl import load_workbook

    make_plan(personas.tree.school_a1, event_types=["accident", "natural"])
    client.force_login(personas.officer_a)
    response = client.get(reverse("plans:emergencyplan_list") + "?export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == (
        "单位代码",
        "预案名称",
        "预案类别",
        "事件类型",
        "发布日期",
        "版本号",
        "下次修订日期",
        "状态",
        "备注",
    )
    assert (
        rows[1][:4] == ("SA1", "火灾事故应急预案", "专项应急预案", "自然灾害、事故灾难")
        or rows[1][3] == "事故灾难、自然灾害"
    )
