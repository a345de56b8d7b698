"""The tree is decided from above: an exported register uploaded again keeps every unit in its
place, a unit never changes its own kind or parent, and only an administrator makes a root."""

import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from emergency import registry
from emergency.imports import apply, validate
from emergency.models import Organization, OrganizationKind
from tests.emergency.test_imports import HEADERS
from tests.factories import workbook

SPEC = registry.import_specs["orgs"]


def exported_register(client, user) -> list[list]:
    client.force_login(user)
    response = client.get(reverse("emergency:organization_list") + "?export=xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "单位代码")
    return [["" if v is None else v for v in row] for row in rows[header + 1 :] if row and row[0]]


def with_phone(rows: list[list], code: str, phone: str) -> list[list]:
    return [row[:7] + [phone] + row[8:] if row[0] == code else row for row in rows]


def test_district_reuploading_its_exported_register_stays_under_the_city(client, personas):
    rows = with_phone(exported_register(client, personas.district_staff), "DA", "0532-1234567")
    assert next(row for row in rows if row[0] == "DA")[2] == "C"  # the city, out of the uploader's scope
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, rows), personas.district_staff)
    assert result.ok, result.errors
    apply(SPEC, result, personas.district_staff, "test")
    district = Organization.objects.get(code="DA")
    assert district.parent.code == "C" and district.path == "/C/DA/" and district.phone == "0532-1234567"
    assert personas.tree.city.subtree().filter(code="SA1").exists()


def test_school_officer_reuploading_its_own_row_keeps_its_district(client, personas):
    rows = with_phone(exported_register(client, personas.officer_a), "SA1", "110")
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, rows), personas.officer_a)
    assert result.ok, result.errors
    apply(SPEC, result, personas.officer_a, "test")
    school = Organization.objects.get(code="SA1")
    assert school.path == "/C/DA/SA1/" and school.phone == "110"


def test_command_line_reupload_keeps_the_tree(client, personas, tmp_path):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook(HEADERS, with_phone(exported_register(client, personas.district_staff), "DA", "9")))
    call_command("import_records", "orgs", str(path), "--user", "district_staff")
    assert Organization.objects.get(code="DA").path == "/C/DA/"


def test_moving_own_unit_or_making_a_root_is_a_row_error(personas):
    own_root = [["DA", "A区教育局", "", "区县教育局", "", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, own_root), personas.district_staff)
    assert not result.ok
    own_city = [["DA", "A区教育局", "", "市教育局", "", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, own_city), personas.district_staff)
    assert any("不能修改本单位自己的单位类型" in e for e in result.errors), result.errors
    moved_out = [["SA1", "A区第一小学", "DB", "学校", "小学", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, moved_out), personas.district_staff)
    assert any("“DB”不存在或不在您的管辖范围内" in e for e in result.errors), result.errors
    new_root = [["NEW", "新局", "", "市教育局", "", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, new_root), personas.city_staff)
    assert any("只有系统管理员可以设置顶级单位" in e for e in result.errors), result.errors


def test_a_unit_never_changes_its_own_kind_by_import(personas):
    school_to_bureau = [["SA1", "A区第一小学", "DA", "区县教育局", "", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, school_to_bureau), personas.officer_a)
    assert any("单位类型: 不能修改本单位自己的单位类型" in e for e in result.errors), result.errors
    district_to_city = [["DA", "A区教育局", "C", "市教育局", "", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, district_to_city), personas.district_staff)
    assert any("不能修改本单位自己的单位类型" in e for e in result.errors), result.errors


def test_the_level_above_changes_kinds_only_within_the_tree_levels(personas):
    district_with_schools_to_school = [["DA", "A区教育局", "C", "学校", "小学", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, district_with_schools_to_school), personas.city_staff)
    assert any("有下级单位的单位不能改为学校" in e for e in result.errors), result.errors
    city_under_district = [["SA2", "A区第二小学", "DA", "市教育局", "", "", "", "", None, None]]
    result = validate(SPEC, "orgs.xlsx", workbook(HEADERS, city_under_district), personas.district_staff)
    assert any("“区县教育局”之下不能设“市教育局”" in e for e in result.errors), result.errors


def _form_data(response) -> dict:
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields if not form.fields[name].disabled}


def test_own_unit_form_saves_as_shown_and_cannot_change_kind_or_parent(client, personas):
    client.force_login(personas.officer_a)
    url = reverse("emergency:organization_edit", args=[personas.tree.school_a1.pk])
    data = _form_data(client.get(url))
    data.update(phone="66668888", kind=OrganizationKind.DISTRICT, parent="")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    school = Organization.objects.get(code="SA1")
    assert school.phone == "66668888" and school.kind == OrganizationKind.SCHOOL and school.path == "/C/DA/SA1/"


def test_form_refuses_a_kind_above_the_parent(client, personas):
    client.force_login(personas.district_staff)
    url = reverse("emergency:organization_edit", args=[personas.tree.school_a2.pk])
    data = _form_data(client.get(url))
    data.update(kind=OrganizationKind.CITY)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "“区县教育局”之下不能设“市教育局”" in str(response.context["form"].errors)
    assert Organization.objects.get(code="SA2").kind == OrganizationKind.SCHOOL
