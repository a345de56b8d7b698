"""Imports keep free text as typed and normalise only what is compared; choice columns take the
synonyms kept on the 规则设置 page (seeded with the bureaus' common abbreviations)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from drills.models import Drill
from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ChoiceSynonym, Organization
from emergency.synonyms import seed_defaults
from tests.factories import workbook


@pytest.fixture(autouse=True)
def default_synonyms(db):
    # A test that flushed the database took the migration's rows with it.
    seed_defaults(ChoiceSynonym)


ORG_HEADERS = ["单位代码", "单位名称", "上级单位代码", "单位类型", "学段"]
DRILL_HEADERS = ["单位代码", "演练名称", "演练日期", "演练类型", "发现问题", "备注"]


def imported(spec_kind, headers, rows, user):
    spec = registry.import_specs[spec_kind]
    result = validate(spec, "a.xlsx", workbook(headers, rows), user)
    if result.ok:
        apply(spec, result, user, source="test")
    return result


def test_a_drill_keeps_full_width_punctuation_in_its_free_text(personas):
    problems = "东侧楼梯口拥堵，（二楼）学生３人走错；已整改"
    result = imported(
        "drills",
        DRILL_HEADERS,
        [["ＳＡ１", "春季疏散演练", "2025-03-20", "疏散", problems, "  备注：无 "]],
        personas.officer_a,
    )
    assert result.ok, result.errors
    drill = Drill.objects.get(name="春季疏散演练")
    assert drill.organization.code == "SA1"  # the code compared in its half-width form
    assert drill.problems_found == problems and drill.remarks == "备注：无"


def test_a_school_register_writing_zhigao_imports_as_vocational(personas):
    rows = [["ＳＡ９", "A区职业高中", "DA", "学校", "职高"], ["SA8", "A区九年制学校", "DA", "学校", " 九年制 "]]
    result = imported("orgs", ORG_HEADERS, rows, personas.district_staff)
    assert result.ok, result.errors
    assert Organization.objects.get(code="SA9").stage == "vocational"
    assert Organization.objects.get(code="SA8").stage == "nine_year"


def test_an_unknown_value_lists_the_accepted_ones_and_their_synonyms(personas):
    result = validate(
        registry.import_specs["orgs"],
        "a.xlsx",
        workbook(ORG_HEADERS, [["SA9", "A区大学", "DA", "学校", "大学"]]),
        personas.district_staff,
    )
    [error] = result.errors
    assert error.startswith("第2行 学段: “大学”不是可选值，可选：幼儿园")
    vocational = error[error.index("中等职业学校（也可写：") :]
    assert "职高" in vocational[: vocational.index("）")] and "、小学、" in error


def test_a_synonym_added_on_the_settings_page_is_accepted_by_the_next_import(client, personas):
    headers = ["单位代码", "发现日期", "隐患类别", "隐患等级", "隐患描述", "整改期限"]
    data = workbook(headers, [["SA1", "2025-03-01", "消防安全", "火险", "楼道堆放杂物", "2025-03-10"]])
    spec = registry.import_specs["hazards"]
    before = validate(spec, "a.xlsx", data, personas.officer_a)
    assert "第2行 隐患等级: “火险”不是可选值" in before.errors[0]
    client.force_login(personas.admin)
    response = client.post(reverse("emergency:settings"), {"target": "hazards|level|major", "synonym": "火险"})
    assert response.status_code == 302
    after = validate(spec, "a.xlsx", data, personas.officer_a)
    assert after.ok, after.errors
    assert after.rows[0].values["level"] == "major"
    assert "火险 → 重大隐患" in client.get(reverse("emergency:settings")).content.decode()


def test_only_a_system_administrator_changes_the_synonyms(client, personas):
    synonym = ChoiceSynonym.objects.get(kind="orgs", field="stage", synonym="职高")
    for user in (personas.city_staff, personas.officer_a):
        client.force_login(user)
        assert client.post(reverse("emergency:settings"), {"delete": synonym.pk}).status_code == 403
        body = client.get(reverse("emergency:settings")).content.decode()
        assert "职高 → 中等职业学校" in body and 'name="delete"' not in body
    client.force_login(personas.admin)
    client.post(reverse("emergency:settings"), {"delete": synonym.pk})
    assert not ChoiceSynonym.objects.filter(pk=synonym.pk).exists()


def test_a_synonym_that_is_already_a_choice_is_refused(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("emergency:settings"), {"target": "orgs|stage|primary", "synonym": "初中"})
    assert response.status_code == 200 and "“初中”本身就是“学段”的选项" in response.content.decode()
    assert not ChoiceSynonym.objects.filter(synonym="初中").exists()


@pytest.mark.parametrize("kind", sorted(registry.import_specs))
def test_every_default_synonym_names_a_choice_of_its_column(db, kind):
    spec = registry.import_specs[kind]
    columns = {c.field: c for c in spec.columns if c.has_choices}
    for field, synonyms in ChoiceSynonym.objects.for_kind(kind).items():
        labels = columns[field].label_to_value()
        assert set(synonyms.values()) <= set(labels.values()), field
        assert not set(synonyms) & set(labels), field  # a synonym is never a label of its own column


def test_the_template_lists_the_synonyms_in_its_instructions(db):
    book = load_workbook(io.BytesIO(template_workbook(registry.import_specs["orgs"])))
    guide = {row[0]: row for row in book["填写说明"].iter_rows(values_only=True) if row[0]}
    assert "中等职业学校（也可写：" in guide["学段"][3] and "职高" in guide["学段"][3]
