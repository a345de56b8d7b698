"""Personas on a small tree, shared by every area's tests:

    C (市教育局) ── DA (区县A) ── SA1, SA2 (学校)
                 └─ DB (区县B) ── SB1 (学校)

admin sees everything; city_staff and leader the whole city (leader read-only); district_staff
district A; officer_a school SA1; officer_b school SB1 (another district)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.utils import translation

from emergency.celery import app as celery_app
from emergency.models import Organization, Role, User

from .database import copy_test_database_from_template
from .factories import make_org, make_user

celery_app.conf.broker_url = os.environ["REDIS_URL"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_use_migrations, django_db_blocker
):
    if django_db_use_migrations:
        with django_db_blocker.unblock():
            copy_test_database_from_template()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher costs half a second a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    # A request in English leaves English active in the test's thread (the locale middleware sets the
    # language and nothing sets it back): a test that fails before its next request would hand it on.
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    # Figures are kept for days, under ids a new test database gives out again: each test starts
    # with none, as a new installation would.
    from django.core.cache import cache

    cache.clear()


@dataclass
class Tree:
    city: Organization
    district_a: Organization
    district_b: Organization
    school_a1: Organization
    school_a2: Organization
    school_b1: Organization


@dataclass
class Personas:
    tree: Tree
    admin: User
    city_staff: User
    leader: User
    district_staff: User
    officer_a: User
    officer_b: User

    def all(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in ("admin", "city_staff", "leader", "district_staff", "officer_a", "officer_b")
        }


def build_tree(district_a="DA", district_b="DB", school_a1="SA1", school_b1="SB1") -> Tree:
    """The personas' tree; a test module may give other codes (e.g. ones holding "_")."""
    city = make_org("C", name="市教育局")
    da = make_org(district_a, parent=city, name="区县A教育局")
    dbo = make_org(district_b, parent=city, name="区县B教育局")
    return Tree(
        city,
        da,
        dbo,
        make_org(school_a1, parent=da, name="A区第一小学"),
        make_org("SA2", parent=da, name="A区第二小学"),
        make_org(school_b1, parent=dbo, name="B区第一小学"),
    )


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


@pytest.fixture
def personas(tree) -> Personas:
    return Personas(
        tree=tree,
        admin=make_user("admin", None, Role.ADMIN, is_superuser=True, is_staff=True),
        city_staff=make_user("city_staff", tree.city, Role.STAFF),
        leader=make_user("leader", tree.city, Role.LEADER),
        district_staff=make_user("district_staff", tree.district_a, Role.STAFF),
        officer_a=make_user("officer_a", tree.school_a1, Role.SCHOOL_OFFICER),
        officer_b=make_user("officer_b", tree.school_b1, Role.SCHOOL_OFFICER),
    )
