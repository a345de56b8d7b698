import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emergency.models import Organization, OrganizationKind
from tests.factories import make_org
from tests.permissions import assert_scope_matrix


def test_path_follows_the_tree(tree):
    assert tree.school_a1.path == "/C/DA/SA1/"
    assert tree.school_a1.depth == 2
    assert set(tree.district_a.subtree().values_list("code", flat=True)) == {"DA", "SA1", "SA2"}


def test_moving_a_district_rewrites_its_schools_paths(tree):
    other_city = make_org("C2")
    tree.district_a.parent = other_city
    tree.district_a.save()
    tree.school_a2.refresh_from_db()
    assert tree.school_a2.path == "/C2/DA/SA2/"
    assert not tree.city.subtree().filter(code="SA2").exists()


def test_subtree_of_20000_organisations_is_one_indexed_query(db):
    city = make_org("BIG")
    districts = [make_org(f"BIG{d:03d}", parent=city) for d in range(50)]
    schools = []
    for d in districts:
        for s in range(400):
            org = Organization(code=f"{d.code}S{s:03d}", name="学校", parent=d, kind=OrganizationKind.SCHOOL)
            org.path, org.depth = org.compute_path(), 2
            schools.append(org)
    Organization.objects.bulk_create(schools, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE emergency_organization")
    with CaptureQueriesContext(connection) as queries:
        assert districts[7].subtree().count() == 401
    assert len(queries) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN "
            + str(districts[7].subtree().values("id").query).replace("LIKE /BIG/BIG007/%", "LIKE '/BIG/BIG007/%'")
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "org_path_prefix" in plan, plan


def test_scope_matrix_on_organisation_pages(client, personas):
    t = personas.tree
    # For organisations "inside" is school SA1 and "outside" school SB1, like any record of theirs.
    checks = assert_scope_matrix(client, personas, t.school_a1, t.school_b1, actions=("detail", "edit", "history"))
    assert checks > 30


def test_school_officer_cannot_create_organisations(client, personas):
    client.force_login(personas.officer_a)
    assert client.get(reverse("emergency:organization_add")).status_code == 403


def test_district_staff_adds_a_school_in_their_district(client, personas):
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("emergency:organization_add"),
        {
            "code": "SA9",
            "name": "A区第九小学",
            "parent": "DA",
            "kind": "school",
            "stage": "primary",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Organization.objects.get(code="SA9").path == "/C/DA/SA9/"


def test_district_staff_cannot_place_a_school_in_another_district(client, personas):
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("emergency:organization_add"),
        {
            "code": "SB9",
            "name": "B区第九小学",
            "parent": "DB",
            "kind": "school",
            "stage": "primary",
        },
    )
    assert response.status_code == 200
    assert "不存在或不在您的管辖范围内" in response.content.decode()
    assert not Organization.objects.filter(code="SB9").exists()


def test_tree_page_shows_only_the_users_subtree(client, personas):
    client.force_login(personas.district_staff)
    body = client.get(reverse("emergency:organization_tree")).content.decode()
    assert "区县A教育局" in body and "区县B教育局" not in body


@pytest.mark.parametrize("extra", [0, 40])
def test_organisation_list_query_count_is_pinned(client, personas, django_assert_num_queries, extra):
    for i in range(extra):
        make_org(f"X{i}", parent=personas.tree.district_a)
    client.force_login(personas.city_staff)
    # 1 session, 2 user, 3 user's organisation, 4 count, 5 page of organisations with parents,
    # 6 the bureaus for the filter's drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("emergency:organization_list")).status_code == 200
