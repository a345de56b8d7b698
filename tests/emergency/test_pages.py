"""Login, lockout, language, home page and query counts of the core's list pages."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from emergency.models import Document, LeadershipGroup
from tests.factories import PASSWORD


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录应急管理工作台" in body and 'lang="zh-hans"' in body


def test_english_is_selectable(client, personas):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body and "Sign in" in body


def test_dates_and_labels_follow_the_language(client, personas):
    from .conftest import group

    g = group(personas.tree.city, [("甲", "局长", "leader", None)], established=datetime.date(2025, 3, 5))
    client.force_login(personas.city_staff)
    chinese = client.get(g.get_absolute_url()).content.decode()
    assert "2025年3月5日" in chinese and "March 5, 2025" not in chinese
    client.cookies["django_language"] = "en"
    english = client.get(g.get_absolute_url()).content.decode()
    assert "March 5, 2025" in english and "2025年3月5日" not in english
    home = client.get(reverse("home")).content.decode()
    assert "Upload " in home and "Upload演练" not in home  # a label joined with a space, not glued


def test_pages_need_login(client, tree):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_repeated_failed_logins_lock_the_account(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def _login(client, password, client_address, forwarded_for=None):
    headers = {"REMOTE_ADDR": client_address}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": "leader", "password": password}, **headers)


def test_lockout_behind_the_proxy_holds_one_client_only(client, personas, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", "127.0.0.1", "203.0.113.5")
    assert _login(client, PASSWORD, "127.0.0.1", "203.0.113.5").status_code == 429
    response = _login(client, PASSWORD, "127.0.0.1", "198.51.100.7")  # the real leader, elsewhere
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_forged_forwarded_for_without_the_proxy_gains_nothing(client, personas, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # a new forged address each try neither escapes the lockout nor pins it on someone else
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", "192.0.2.9", f"198.51.100.{i}")
    assert _login(client, PASSWORD, "192.0.2.9", "198.51.100.99").status_code == 429
    assert _login(client, PASSWORD, "127.0.0.1", "198.51.100.1").status_code == 302


def test_no_proxy_is_trusted_by_default(client, personas, settings):
    assert settings.TRUSTED_PROXIES == []
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", "127.0.0.1", f"203.0.113.{i}")
    assert _login(client, PASSWORD, "127.0.0.1", "198.51.100.7").status_code == 429


def test_good_login_goes_home(client, personas):
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "A区第一小学" in client.get(reverse("home")).content.decode()


def test_security_headers(client, personas):
    client.force_login(personas.officer_a)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()  # no inline script anywhere


@pytest.mark.parametrize("documents", [1, 30])
def test_document_list_query_count_is_pinned(client, personas, django_assert_num_queries, documents):
    for i in range(documents):
        Document.objects.create(
            organization=personas.tree.school_a1, title=f"文件{i}", kind="rules", issued_on=datetime.date(2026, 1, 1)
        )
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of documents with organisations, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("emergency:document_list")).status_code == 200


def test_leadership_list_query_count_is_pinned(client, personas, django_assert_num_queries):
    for org in (personas.tree.city, personas.tree.school_a1, personas.tree.school_b1):
        LeadershipGroup.objects.create(organization=org, name="领导小组", established_on=datetime.date(2026, 1, 1))
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of groups with member counts, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("emergency:leadershipgroup_list")).status_code == 200


def test_list_counts_its_rows_and_exports_plain_values(client, personas):
    for i in range(3):
        Document.objects.create(
            organization=personas.tree.school_a1, title=f"=文件{i}", kind="rules", issued_on=datetime.date(2026, 1, 1)
        )
    client.force_login(personas.officer_a)
    assert "共 3 条" in client.get(reverse("emergency:document_list")).content.decode()
    response = client.get(reverse("emergency:document_list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "标题"
    assert {r[0] for r in rows[1:]} == {"'=文件0", "'=文件1", "'=文件2"}
    assert {r[3] for r in rows[1:]} == {"A区第一小学"}


def test_rules_page_lists_every_rule_that_varies_between_cities(client, personas):
    client.force_login(personas.officer_a)
    body = client.get(reverse("emergency:settings")).content.decode()
    for words in ("应急预案修订周期", "事件初报时限", "较大 1小时", "一般 24小时", "班次时间", "物资临期预警天数"):
        assert words in body, words
