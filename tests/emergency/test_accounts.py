"""用户管理: who manages whom, no escalation by form, import or URL, first passwords once, the
first login's password change, school accounts in one action, the `users` import."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pghistory.models import Events

from emergency.accounts import FIRST_PASSWORDS_TTL
from emergency.models import Role, User

from ..factories import PASSWORD, make_org, make_user, workbook
from ..permissions import assert_account_matrix

USER_HEADERS = ["用户名", "姓名", "单位代码", "角色", "手机号", "邮箱"]


def token_of(response) -> str:
    body = response.content.decode()
    start = body.index('name="token" value="') + len('name="token" value="')
    return body[start : body.index('"', start)]


def sheet_rows(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(min_row=2, values_only=True))


def test_account_pages_scope_matrix(client, personas):
    checks = assert_account_matrix(client, personas, personas.officer_a, personas.officer_b)
    assert checks > 20


def test_list_filters_by_unit_role_and_active(client, personas):
    client.force_login(personas.city_staff)
    personas.officer_b.is_active = False
    personas.officer_b.save()
    body = client.get(reverse("emergency:user_list"), {"org_code": "DA", "role": "school_officer"}).content.decode()
    assert personas.officer_a.get_absolute_url() in body
    assert personas.district_staff.get_absolute_url() not in body
    assert "共 1 条" in body
    body = client.get(reverse("emergency:user_list"), {"is_active": "false"}).content.decode()
    assert personas.officer_b.get_absolute_url() in body and personas.officer_a.get_absolute_url() not in body


def test_staff_cannot_create_an_admin_by_form(client, personas):
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("emergency:user_add"), {"username": "boss", "first_name": "老板", "organization": "DA", "role": "admin"}
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not User.objects.filter(username="boss").exists()


def test_staff_cannot_create_an_account_outside_their_subtree(client, personas):
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("emergency:user_add"),
        {"username": "b_officer", "first_name": "乙", "organization": "SB1", "role": "school_officer"},
    )
    assert "organization" in response.context["form"].errors
    assert not User.objects.filter(username="b_officer").exists()


def test_staff_cannot_raise_a_role_or_edit_an_admin(client, personas):
    client.force_login(personas.city_staff)
    url = reverse("emergency:user_edit", args=[personas.officer_a.pk])
    response = client.post(url, {"username": "officer_a", "first_name": "甲", "organization": "SA1", "role": "admin"})
    assert "role" in response.context["form"].errors
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.role == Role.SCHOOL_OFFICER
    admin_urls = [
        reverse(f"emergency:user_{action}", args=[personas.admin.pk]) for action in ("detail", "edit", "history")
    ]
    for url in admin_urls:
        assert client.get(url).status_code == 404
    for action in ("reset_password", "set_active"):
        assert client.post(reverse(f"emergency:user_{action}", args=[personas.admin.pk])).status_code == 404
    personas.admin.refresh_from_db()
    assert personas.admin.is_active and not personas.admin.must_change_password


def test_staff_cannot_reach_an_account_outside_their_subtree_by_id(client, personas):
    client.force_login(personas.district_staff)
    other = personas.officer_b
    assert client.post(reverse("emergency:user_reset_password", args=[other.pk])).status_code == 404
    assert client.post(reverse("emergency:user_set_active", args=[other.pk]), {"active": "0"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active and other.check_password(PASSWORD)


def test_new_account_gets_a_first_password_shown_once_and_downloaded_once(client, personas):
    client.force_login(personas.district_staff)
    response = client.post(
        reverse("emergency:user_add"),
        {"username": "new_officer", "first_name": "新人", "organization": "SA2", "role": "school_officer"},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    (line,) = response.context["lines"]
    created = User.objects.get(username="new_officer")
    assert created.check_password(line.password) and created.must_change_password
    assert line.password in response.content.decode()
    download = reverse("emergency:user_first_passwords")
    token = token_of(response)
    # The token is only good for the manager it was made for.
    client.force_login(personas.city_staff)
    assert client.post(download, {"token": token}).status_code == 404
    client.force_login(personas.district_staff)
    sheet = client.post(download, {"token": token})
    assert sheet.status_code == 200
    assert sheet_rows(sheet) == [("new_officer", "新人", "SA2", "A区第二小学", "学校填报员", line.password)]
    assert client.post(download, {"token": token}).status_code == 404  # once
    assert FIRST_PASSWORDS_TTL <= 3600


def test_first_password_is_kept_only_encrypted(client, personas):
    from django.core.cache import cache

    client.force_login(personas.district_staff)
    response = client.post(reverse("emergency:user_reset_password", args=[personas.officer_a.pk]))
    (line,) = response.context["lines"]
    ident = token_of(response).split(".")[0]
    sealed = cache.get(f"first-passwords:{personas.district_staff.pk}:{ident}")
    assert sealed and line.password.encode() not in sealed


def test_first_login_must_change_the_password(client, personas):
    client.force_login(personas.city_staff)
    response = client.post(reverse("emergency:user_reset_password", args=[personas.officer_a.pk]))
    (line,) = response.context["lines"]
    client.logout()
    login = client.post(reverse("login"), {"username": "officer_a", "password": line.password})
    assert login.status_code == 302
    for url in (reverse("home"), reverse("drills:drill_list"), reverse("emergency:dashboard")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), url
    assert 'id="must-change-password"' in client.get(reverse("password_change")).content.decode()
    change = reverse("password_change")
    same = client.post(
        change, {"old_password": line.password, "new_password1": line.password, "new_password2": line.password}
    )
    assert same.status_code == 200 and "new_password2" in same.context["form"].errors
    new = "Changed-pass-2026"
    response = client.post(change, {"old_password": line.password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user = User.objects.get(username="officer_a")
    assert user.check_password(new) and not user.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_deactivate_and_reactivate_are_in_the_history(client, personas):
    client.force_login(personas.district_staff)
    url = reverse("emergency:user_set_active", args=[personas.officer_a.pk])
    client.post(url, {"active": "0"})
    personas.officer_a.refresh_from_db()
    assert not personas.officer_a.is_active
    client.post(url, {"active": "1"})
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.is_active
    events = Events.objects.tracks(personas.officer_a).filter(pgh_label="update")
    assert [e.pgh_diff["is_active"] for e in events.order_by("pgh_id")] == [[True, False], [False, True]]
    history = client.get(reverse("emergency:user_history", args=[personas.officer_a.pk])).content.decode()
    assert "district_staff" in history


def test_password_hash_never_enters_the_history(client, personas):
    client.force_login(personas.district_staff)
    client.post(reverse("emergency:user_reset_password", args=[personas.officer_a.pk]))
    (event,) = Events.objects.tracks(personas.officer_a).filter(pgh_label="update")
    assert event.pgh_diff == {"must_change_password": [False, True]}
    assert "password" not in event.pgh_data


def test_one_account_per_school_of_the_district(client, personas):
    make_org("SA3", parent=personas.tree.district_a, name="A区第三小学")
    client.force_login(personas.district_staff)
    response = client.post(reverse("emergency:user_schools"), {"district": "DA"})
    lines = response.context["lines"]
    # SA1 has officer_a already; SB1 is in another district.
    assert [(x.username, x.unit_code) for x in lines] == [("SA2", "SA2"), ("SA3", "SA3")]
    for line in lines:
        user = User.objects.get(username=line.username)
        assert user.role == Role.SCHOOL_OFFICER and user.must_change_password and user.check_password(line.password)
    assert Events.objects.tracks(User.objects.get(username="SA2")).filter(pgh_label="insert").count() == 1
    again = client.post(reverse("emergency:user_schools"), {"district": "DA"})
    assert again.status_code == 302 and User.objects.filter(role=Role.SCHOOL_OFFICER).count() == 4
    assert client.post(reverse("emergency:user_schools"), {"district": "DB"}).status_code == 200
    assert not User.objects.filter(username="SB1").exists()


def test_leaders_and_officers_cannot_open_accounts_for_schools(client, personas):
    for user in (personas.leader, personas.officer_a):
        client.force_login(user)
        assert client.post(reverse("emergency:user_schools"), {"district": "DA"}).status_code == 403
    assert not User.objects.filter(username="SA2").exists()


def _users_file(tmp_path, rows):
    path = tmp_path / "users.xlsx"
    path.write_bytes(workbook(USER_HEADERS, rows, title="用户"))
    return str(path)


def test_users_import_on_the_command_line(tmp_path, personas):
    path = _users_file(
        tmp_path,
        [
            ["wang", "王老师", "SA2", "学校填报员", "13800000001", "wang@example.cn"],
            ["li", "李科长", "DA", "局机关工作人员", "", ""],
            ["officer_a", "甲老师", "SA1", "学校填报员", "", ""],
        ],
    )
    call_command("import_records", "users", path, "--user", "district_staff")
    wang = User.objects.get(username="wang")
    assert (wang.organization.code, wang.role, wang.phone, wang.must_change_password) == (
        "SA2",
        "school_officer",
        "13800000001",
        True,
    )
    assert not wang.has_usable_password()
    (created,) = Events.objects.tracks(wang).filter(pgh_label="insert")
    assert created.pgh_context == {"user": personas.district_staff.pk, "source": "command:import_records:users"}
    assert User.objects.get(username="li").role == Role.STAFF
    assert User.objects.get(username="officer_a").first_name == "甲老师"
    call_command("import_records", "users", path, "--user", "district_staff")  # the same file: no change
    assert User.objects.filter(username__in=["wang", "li"]).count() == 2


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["boss", "老板", "DA", "系统管理员", "", ""], "第3行 角色: 您不能授予“系统管理员”角色"),
        (["b2", "乙", "SB1", "学校填报员", "", ""], "第3行 单位代码: 单位代码“SB1”不存在或不在您的管辖范围内"),
        (
            ["officer_b", "乙", "SA1", "学校填报员", "", ""],
            "第3行 用户名: “officer_b”已被您管辖范围以外或角色高于您的账号使用",
        ),
        (
            ["admin", "管理员", "SA1", "学校填报员", "", ""],
            "第3行 用户名: “admin”已被您管辖范围以外或角色高于您的账号使用",
        ),
        (["district_staff", "我", "DA", "局领导", "", ""], "第3行 用户名: 不能通过导入修改自己的账号"),
    ],
)
def test_users_import_writes_nothing_on_a_bad_row(tmp_path, personas, capsys, row, reason):
    path = _users_file(tmp_path, [["wang", "王老师", "SA2", "学校填报员", "", ""], row])
    before = {u.username: (u.role, u.organization_id, u.first_name) for u in User.objects.all()}
    with pytest.raises(CommandError):
        call_command("import_records", "users", path, "--user", "district_staff")
    assert reason in capsys.readouterr().err
    assert {u.username: (u.role, u.organization_id, u.first_name) for u in User.objects.all()} == before


def test_users_import_is_refused_to_those_who_manage_nobody(tmp_path, personas):
    path = _users_file(tmp_path, [["wang", "王老师", "SA1", "学校填报员", "", ""]])
    with pytest.raises(CommandError, match="只有系统管理员和教育局工作人员可以管理账号"):
        call_command("import_records", "users", path, "--user", "officer_a")
    assert not User.objects.filter(username="wang").exists()


def test_imported_accounts_get_first_passwords_on_the_page(client, tmp_path, personas):
    path = _users_file(tmp_path, [["wang", "王老师", "SA2", "学校填报员", "", ""]])
    call_command("import_records", "users", path, "--user", "district_staff")
    client.force_login(personas.district_staff)
    assert "为 1 个新账号生成初始密码" in client.get(reverse("emergency:user_list")).content.decode()
    response = client.post(reverse("emergency:user_issue_passwords"))
    (line,) = response.context["lines"]
    assert line.username == "wang" and User.objects.get(username="wang").check_password(line.password)


def test_users_import_through_the_upload_page(client, personas):
    client.force_login(personas.city_staff)
    data = workbook(USER_HEADERS, [["zhao", "赵", "SB1", "局领导", "", ""]], title="用户")
    upload = io.BytesIO(data)
    upload.name = "users.xlsx"
    response = client.post(reverse("emergency:import_upload", args=["users"]), {"file": upload})
    job_url = response["Location"]
    confirm = job_url.rstrip("/") + "/confirm/"
    client.post(confirm)
    assert User.objects.get(username="zhao").role == Role.LEADER
    client.force_login(personas.officer_a)
    assert client.get(reverse("emergency:import_upload", args=["users"])).status_code == 403


def test_staff_may_grant_leader_and_staff_but_only_below_them(personas):
    assert set(personas.district_staff.grantable_roles) == {Role.STAFF, Role.SCHOOL_OFFICER, Role.LEADER}
    assert personas.leader.grantable_roles == () and personas.officer_a.grantable_roles == ()
    manager = make_user("other_admin", personas.tree.city, Role.ADMIN)
    assert Role.ADMIN in manager.grantable_roles


def test_account_list_queries_do_not_grow_with_accounts(client, personas, django_assert_num_queries):
    for n in range(30):
        make_user(f"extra{n}", personas.tree.school_a2, Role.SCHOOL_OFFICER)
    client.force_login(personas.city_staff)
    # session, user, the user's unit (the scope's path), the count, the accounts awaiting a first
    # password, the bureaus of the unit filter, the page's rows with their units
    with django_assert_num_queries(7):
        assert client.get(reverse("emergency:user_list")).status_code == 200


def test_the_menu_offers_accounts_only_to_those_who_manage_them(client, personas):
    url = reverse("emergency:user_list")
    for user, shown in ((personas.district_staff, True), (personas.leader, False), (personas.officer_a, False)):
        client.force_login(user)
        assert (f'href="{url}"' in client.get(reverse("home")).content.decode()) is shown, user
