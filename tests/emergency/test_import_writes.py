"""How the import engine finds and writes rows: whole natural keys matched in one query, new rows
inserted column by column, changed rows updated in one statement, and every write in history with
the importing user and source."""

import datetime

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from drills.models import Drill
from emergency import registry
from emergency.imports import apply, insert_rows, update_rows, validate
from outreach.models import OutreachEvent
from tests.factories import workbook

SPEC = registry.import_specs["drills"]
HEADERS = ["单位代码", "演练名称", "演练日期", "演练类型", "演练形式", "参演学生人数", "备注"]


def drill_rows(count: int, students: int = 100) -> list[list]:
    return [
        ["SA1", f"演练{i:03d}", datetime.date(2025, 1 + i % 12, 1 + i % 28), "消防", "实战演练", students + i, ""]
        for i in range(count)
    ]


def imported(user, rows: list[list], source: str = "test"):
    validation = validate(SPEC, "drills.xlsx", workbook(HEADERS, rows), user)
    assert validation.ok, validation.errors
    apply(SPEC, validation, user, source=source)
    return validation


def events(label: str):
    return Drill.pgh_event_model.objects.filter(pgh_label=label).select_related("pgh_context")


def test_imported_rows_are_in_history_with_the_user_and_the_source(personas):
    imported(personas.district_staff, drill_rows(3), source="upload:drills.xlsx")
    added = list(events("insert"))
    assert len(added) == 3
    assert {e.pgh_obj_id for e in added} == set(Drill.objects.values_list("pk", flat=True))
    assert all(
        e.pgh_context.metadata == {"user": personas.district_staff.pk, "source": "upload:drills.xlsx"} for e in added
    )

    changed = drill_rows(3)
    changed[1][5] = 999
    imported(personas.district_staff, changed, source="upload:again.xlsx")
    (update,) = events("update")  # one update event: the two unchanged rows are not written
    assert (update.students, update.pgh_context.metadata["source"]) == (999, "upload:again.xlsx")


def test_a_reupload_updates_only_changed_rows_and_stamps_them(personas):
    imported(personas.district_staff, drill_rows(3))
    before = {d.name: d for d in Drill.objects.all()}
    changed = drill_rows(3)
    changed[0][5], changed[0][6] = 5, "改过"
    validation = imported(personas.city_staff, changed)
    assert (len(validation.to_add), len(validation.to_update), validation.unchanged) == (0, 1, 2)
    after = {d.name: d for d in Drill.objects.all()}
    assert (after["演练000"].students, after["演练000"].remarks) == (5, "改过")
    assert after["演练000"].updated_by == personas.city_staff
    assert after["演练000"].updated_at > before["演练000"].updated_at
    assert after["演练000"].created_at == before["演练000"].created_at
    assert after["演练001"].updated_at == before["演练001"].updated_at
    assert after["演练001"].updated_by == personas.district_staff


def test_preview_of_a_reupload_takes_the_same_few_queries_whatever_its_size(personas, django_assert_max_num_queries):
    imported(personas.district_staff, drill_rows(60))
    data = workbook(HEADERS, drill_rows(60))
    # Organisations, stored drills, plans named: nothing per row.
    with django_assert_max_num_queries(4):
        validation = validate(SPEC, "drills.xlsx", data, personas.district_staff)
    assert validation.unchanged == 60


def test_stored_records_match_on_the_whole_key_only(personas):
    t = personas.tree
    imported(personas.district_staff, [["SA1", "甲", "2025-03-01", "消防", "", 1, ""]])
    imported(personas.district_staff, [["SA2", "乙", "2025-04-01", "消防", "", 1, ""]])
    # Each cell of these keys is stored somewhere, but no whole key is.
    crossed = [["SA1", "乙", "2025-04-01", "消防", "", 2, ""], ["SA2", "甲", "2025-03-01", "消防", "", 2, ""]]
    validation = validate(SPEC, "drills.xlsx", workbook(HEADERS, crossed), personas.district_staff)
    assert (len(validation.to_add), len(validation.to_update)) == (2, 0)
    same = [["SA2", " 乙 ", "2025/4/1", "消防", "", 1, ""]]  # spaces and another date format: the same key
    validation = validate(SPEC, "drills.xlsx", workbook(HEADERS, same), personas.district_staff)
    assert validation.unchanged == 1 and validation.rows[0].instance.organization == t.school_a2


def test_any_of_matches_exactly_the_listed_values(tree):
    from emergency.models import Organization

    found = Organization.objects.filter(code__any_of=["SA1", "SB1", "NOPE", "sa2"]).values_list("code", flat=True)
    assert sorted(found) == ["SA1", "SB1"]
    assert not Organization.objects.filter(code__any_of=[]).exists()
    assert Organization.objects.filter(pk__any_of=[tree.school_a1.pk]).get() == tree.school_a1


def test_insert_rows_takes_defaults_related_objects_and_ids(personas):
    t = personas.tree
    insert_rows(
        Drill,
        [
            {"organization": t.school_a1, "name": "甲", "held_on": datetime.date(2025, 3, 1), "drill_type": "fire"},
            {
                "organization_id": t.school_a2.pk,
                "name": "乙",
                "held_on": datetime.date(2025, 3, 2),
                "drill_type": "fire",
            },
        ],
    )
    a, b = Drill.objects.get(name="甲"), Drill.objects.get(name="乙")
    assert (a.organization, b.organization) == (t.school_a1, t.school_a2)
    assert (a.drill_form, a.remarks, a.students, a.plan, a.created_by) == ("", "", None, None, None)
    assert all(timezone.now() - stamp < datetime.timedelta(minutes=1) for stamp in (a.created_at, b.updated_at))


def test_insert_rows_refuses_what_the_model_would_refuse(personas):
    with pytest.raises(TypeError, match="nickname"):
        insert_rows(Drill, [{"organization": personas.tree.school_a1, "nickname": "x"}])
    with pytest.raises(ValueError, match="organization"):
        insert_rows(Drill, [{"organization": personas.admin, "name": "甲", "held_on": datetime.date(2025, 3, 1)}])
    assert not Drill.objects.exists()


def test_text_too_long_for_its_column_fails_rather_than_being_cut(personas):
    row = {"organization": personas.tree.school_a1, "name": "长" * 201, "held_on": datetime.date(2025, 3, 1)}
    with pytest.raises(DataError), transaction.atomic():
        insert_rows(Drill, [{**row, "drill_type": "fire"}])
    insert_rows(Drill, [{**row, "name": "短", "drill_type": "fire"}])
    drill = Drill.objects.get()
    drill.name = "长" * 201
    with pytest.raises(DataError), transaction.atomic():
        update_rows(Drill, [drill], ["name"])
    assert Drill.objects.get().name == "短"


def test_a_repeated_key_written_at_once_fails_as_a_whole(personas):
    row = {"organization": personas.tree.school_a1, "name": "甲", "held_on": datetime.date(2025, 3, 1)}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Drill, [{**row, "drill_type": "fire"}, {**row, "drill_type": "evacuation"}])
    assert not Drill.objects.exists()


def test_array_fields_are_inserted_and_updated(personas):
    org = personas.tree.school_a1
    insert_rows(
        OutreachEvent,
        [
            {
                "organization": org,
                "name": "班会",
                "held_on": datetime.date(2025, 3, 1),
                "form": "class_meeting",
                "topics": [],
            },
            {
                "organization": org,
                "name": "讲座",
                "held_on": datetime.date(2025, 3, 2),
                "form": "class_meeting",
                "topics": ["fire"],
            },
        ],
    )
    first, second = OutreachEvent.objects.order_by("held_on")
    assert (first.topics, second.topics, first.participants) == ([], ["fire"], 0)
    first.topics, second.topics, second.notes = ["fire", "earthquake"], [], "改"
    update_rows(OutreachEvent, [first, second], ["topics", "notes"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.topics, second.topics, second.notes) == (["fire", "earthquake"], [], "改")
