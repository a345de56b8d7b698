"""The roster builder (rotations, holidays marked or skipped, an editable preview), swaps with who
agreed, and the printable Excel of the monthly roster and the responsibility table."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from duty import roster
from duty.models import DutyShift, DutySwap, Holiday

from .helpers import D, make_group, make_member, make_shift


@pytest.fixture
def members(tree):
    group = make_group(tree.city)
    return {
        "王": make_member(group, "王", "leader"),
        "陈": make_member(group, "陈"),
        "杨": make_member(group, "杨", left="2026-05-03"),
        "孙": make_member(group, "孙", joined="2026-05-04"),
    }


@pytest.fixture
def may_day(db):
    Holiday.objects.create(date=D("2026-05-01"), name="劳动节")
    Holiday.objects.create(date=D("2026-05-02"), name="劳动节")
    Holiday.objects.create(date=D("2026-05-09"), name="劳动节调休", is_workday=True)


def propose(tree, **kwargs):
    options = dict(pattern=roster.PATTERN_FULL, leaders=["王", "陈", "杨", "孙"], officers=["甲", "乙", "丙"])
    options.update(kwargs)
    return roster.propose_month(tree.city, 2026, 5, **options)


def test_one_full_day_shift_a_day_with_leaders_in_turn_skipping_who_is_not_in_the_group(tree, members, may_day):
    proposals = propose(tree)
    assert len(proposals) == 31 and {p.shift for p in proposals} == {"full"}
    leaders = [p.leader.name for p in proposals[:7]]
    # 孙 joins on 5/4 and 杨 leaves on 5/3: each is passed over while not in the group.
    assert leaders == ["王", "陈", "王", "陈", "孙", "王", "陈"]
    assert all(p.leader.name != "杨" for p in proposals if p.date >= D("2026-05-03"))
    # Officers in pairs, the rotation wrapping round: 甲乙, 丙甲, 乙丙 …
    assert [(p.officer_1, p.officer_2) for p in proposals[:3]] == [("甲", "乙"), ("丙", "甲"), ("乙", "丙")]
    assert [p.holiday for p in proposals[:2]] == ["劳动节", "劳动节"]
    assert proposals[8].holiday == "劳动节调休（调休上班）"


def test_skipping_holidays_leaves_them_out_without_using_a_turn(tree, members, may_day):
    proposals = propose(tree, holidays=roster.HOLIDAY_SKIP)
    assert len(proposals) == 29 and proposals[0].date == D("2026-05-03")
    assert proposals[0].leader.name == "王" and (proposals[0].officer_1, proposals[0].officer_2) == ("甲", "乙")
    # The 调休 working Saturday is a working day: it is rostered.
    assert any(p.date == D("2026-05-09") for p in proposals)


def test_day_and_night_shifts_share_the_days_leader(tree, members):
    proposals = propose(tree, pattern=roster.PATTERN_DAY_NIGHT, leader_start=1, officer_start=1)
    assert len(proposals) == 62
    first, second = proposals[0], proposals[1]
    assert (first.shift, second.shift) == ("day", "night")
    assert first.leader == second.leader and first.leader.name == "陈"
    assert (first.officer_1, first.officer_2, second.officer_1, second.officer_2) == ("乙", "丙", "甲", "乙")


def test_unknown_leader_and_single_officer_are_refused(tree, members):
    with pytest.raises(ValidationError, match="不是本单位领导小组成员：赵"):
        propose(tree, leaders=["王", "赵"])
    with pytest.raises(ValidationError, match="至少需要两人"):
        propose(tree, officers=["甲"])


def test_a_day_with_no_current_leader_is_flagged(tree, members):
    proposals = propose(tree, leaders=["杨"])
    assert proposals[1].leader is not None and proposals[2].leader is None
    assert proposals[2].problem == "当日没有在任的带班领导"


def builder_data(**extra):
    data = {
        "organization": "C",
        "month": "2026-05",
        "pattern": "full",
        "leaders": "王\n陈",
        "officers": "甲、乙、丙",
        "phone": "0532-1",
        "holidays": "mark",
        "leader_start": "1",
        "officer_start": "1",
    }
    data.update(extra)
    return data


def test_builder_proposes_then_staff_adjust_and_save(client, personas, members):
    make_shift(personas.tree.city, "2026-05-02", members["王"], officers=("旧", "人"))
    client.force_login(personas.city_staff)
    page = client.post(reverse("duty:roster_build"), builder_data(propose="1"))
    assert page.status_code == 200 and not DutyShift.objects.filter(date=D("2026-05-01")).exists()
    formset = page.context["formset"]
    assert len(formset.forms) == 31
    assert "已有，将更新" in page.content.decode()
    data = builder_data(save="1")
    data.update(
        {k: v for k, v in formset.management_form.initial.items()}
        | {"form-TOTAL_FORMS": "31", "form-INITIAL_FORMS": "31"}
    )
    for i, form in enumerate(formset.forms):
        for name in ("keep", "date", "shift", "leader", "officer_1", "officer_2", "phone"):
            value = form.initial[name]
            data[f"form-{i}-{name}"] = value.isoformat() if hasattr(value, "isoformat") else value
    data["form-0-officer_2"] = "丁"  # staff change one officer
    data["form-30-keep"] = ""  # and leave the last day out
    del data["form-30-keep"]
    response = client.post(reverse("duty:roster_build"), data)
    assert response.status_code == 302 and "/duty/roster/?org=C&month=2026-05" in response["Location"]
    shifts = DutyShift.objects.filter(organization=personas.tree.city)
    assert shifts.count() == 30
    assert shifts.get(date=D("2026-05-01")).officer_2 == "丁"
    assert shifts.get(date=D("2026-05-02")).officer_1 != "旧"  # the existing shift was updated
    assert not shifts.filter(date=D("2026-05-31")).exists()


def test_builder_rejects_a_bad_row_and_writes_nothing(client, personas, members):
    client.force_login(personas.city_staff)
    data = builder_data(save="1")
    data.update(
        {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "100"}
    )
    rows = [("2026-05-05", members["杨"].pk, "甲", "乙"), ("2026-05-06", members["王"].pk, "甲", "甲")]
    for i, (day, leader, first, second) in enumerate(rows):
        data.update({f"form-{i}-keep": "on", f"form-{i}-date": day, f"form-{i}-shift": "full"})
        data.update({f"form-{i}-leader": leader, f"form-{i}-officer_1": first, f"form-{i}-officer_2": second})
    page = client.post(reverse("duty:roster_build"), data)
    body = page.content.decode()
    assert page.status_code == 200 and "“杨”在该日不是领导小组在任成员" in body and "两名值班人员必须是不同的人" in body
    assert not DutyShift.objects.exists()


def test_leader_cannot_build_a_roster(client, personas):
    client.force_login(personas.leader)
    assert client.get(reverse("duty:roster_build")).status_code == 403


def test_a_swap_is_recorded_with_who_agreed(client, personas, members):
    shift = make_shift(personas.tree.city, "2026-05-05", members["王"])
    client.force_login(personas.city_staff)
    client.post(
        reverse("duty:dutyshift_swap", args=[shift.pk]),
        {"position": "officer_2", "replacement": "戊", "agreed_by": "王", "reason": "出差"},
    )
    shift.refresh_from_db()
    assert shift.officer_2 == "戊"
    swap = DutySwap.objects.get()
    assert (swap.replaced, swap.replacement, swap.agreed_by, swap.reason) == ("乙", "戊", "王", "出差")
    assert "戊" in client.get(shift.get_absolute_url()).content.decode()


def test_two_shifts_trade_leaders(personas, members):
    first = make_shift(personas.tree.city, "2026-05-05", members["王"])
    second = make_shift(personas.tree.city, "2026-05-06", members["陈"], officers=("丙", "丁"))
    first.swap("leader", "陈", "王", personas.city_staff, exchange=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.leader.name, second.leader.name) == ("陈", "王")
    assert sorted((s.shift_id, s.replaced, s.replacement) for s in DutySwap.objects.all()) == sorted(
        [(first.pk, "王", "陈"), (second.pk, "陈", "王")]
    )


def test_officers_trade_shifts(personas, members):
    first = make_shift(personas.tree.city, "2026-05-05", members["王"])
    second = make_shift(personas.tree.city, "2026-05-06", members["陈"], officers=("丙", "丁"))
    first.swap("officer_1", "丁", "王", personas.city_staff, exchange=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.officer_1, first.officer_2, second.officer_1, second.officer_2) == ("丁", "乙", "丙", "甲")


def test_swaps_that_break_the_rules_change_nothing(client, personas, members):
    shift = make_shift(personas.tree.city, "2026-05-05", members["王"])
    with pytest.raises(ValidationError, match="已于2026年5月3日离开领导小组"):
        shift.swap("leader", "杨", "王", personas.city_staff)
    client.force_login(personas.city_staff)
    response = client.post(
        reverse("duty:dutyshift_swap", args=[shift.pk]),
        {"position": "officer_2", "replacement": "甲", "agreed_by": "王"},
    )
    assert "两名值班人员必须是不同的人" in client.get(response["Location"]).content.decode()
    shift.refresh_from_db()
    assert (shift.leader.name, shift.officer_2) == ("王", "乙") and not DutySwap.objects.exists()


def test_leader_and_other_schools_cannot_swap(client, personas, members):
    shift = make_shift(personas.tree.city, "2026-05-05", members["王"])
    data = {"position": "officer_2", "replacement": "戊", "agreed_by": "王"}
    client.force_login(personas.leader)
    assert client.post(reverse("duty:dutyshift_swap", args=[shift.pk]), data).status_code == 403
    client.force_login(personas.officer_a)
    assert client.post(reverse("duty:dutyshift_swap", args=[shift.pk]), data).status_code == 404
    assert not DutySwap.objects.exists()


def test_monthly_roster_exports_a_printable_sheet(client, personas, members, may_day):
    make_shift(personas.tree.city, "2026-05-01", members["王"], "day", officers=("=HYPERLINK(1)", "乙"))
    make_shift(personas.tree.city, "2026-05-01", members["王"], "night", officers=("丙", "丁"))
    make_shift(personas.tree.city, "2026-05-02", members["陈"])
    client.force_login(personas.city_staff)
    response = client.get(reverse("duty:roster_export"), {"org": "C", "month": "2026-05"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "市教育局2026年5月值班表"
    assert [c.value for c in ws[3]] == ["日期", "星期", "班次", "值班时间", "带班领导", "值班人员", "联系电话", "备注"]
    assert ws["F4"].value == "'=HYPERLINK(1)、乙"  # text that would run as a formula is escaped
    assert ws["D5"].value == "20:00—次日08:00" and ws["H4"].value == "劳动节"
    assert "A4:A5" in {str(r) for r in ws.merged_cells.ranges}  # a day's shifts share its date cell
    assert ws["H6"].value == "劳动节"
    assert ws["H7"].value == "未排班"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.print_title_rows == "$3:$3"


def test_responsibility_table_names_every_person_on_duty(client, personas, members):
    make_shift(personas.tree.city, "2026-05-01", members["王"])
    make_shift(personas.tree.city, "2026-05-02", members["陈"], officers=("甲", "丙"))
    client.force_login(personas.city_staff)
    response = client.get(reverse("duty:responsibility_export"), {"org": "C", "year": "2026"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "市教育局值班工作人员责任表（2026年）"
    rows = [[c.value for c in row][:5] for row in ws.iter_rows(min_row=4, max_row=8)]
    assert rows[:5] == [
        [1, "王", "带班领导", "局长", 1],
        [2, "陈", "带班领导", "副局长", 1],
        [3, "甲", "值班人员", None, 2],
        [4, "乙", "值班人员", None, 1],
        [5, "丙", "值班人员", None, 1],
    ]
    assert ws["F6"].value == "5月1、2日"


def test_roster_of_another_district_is_404(client, personas, members):
    client.force_login(personas.district_staff)
    assert client.get(reverse("duty:roster_month"), {"org": "SB1"}).status_code == 404
    assert client.get(reverse("duty:roster_export"), {"org": "C", "month": "2026-05"}).status_code == 404
    assert client.get(reverse("duty:roster_month"), {"org": "SA1"}).status_code == 200


def test_monthly_roster_page_shows_gaps_and_holidays(client, personas, members, may_day):
    make_shift(personas.tree.city, "2026-05-01", members["王"])
    client.force_login(personas.city_staff)
    body = client.get(reverse("duty:roster_month"), {"org": "C", "month": "2026-05"}).content.decode()
    assert "劳动节" in body and "未排班" in body and "值班空档 720 小时（1 段）" in body


def test_builder_warns_when_a_proposal_overlaps_a_saved_shift(client, personas, members):
    make_shift(personas.tree.city, "2026-05-03", members["王"])
    client.force_login(personas.city_staff)
    body = client.post(reverse("duty:roster_build"), builder_data(propose="1", pattern="day_night")).content.decode()
    assert body.count("与已有的全天班次重叠") == 2  # the day and the night shift of 5/3, not other days


def test_administrator_keeps_the_holiday_calendar(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:duty_holiday_add"), {"date": "2026-10-01", "name": "国庆节", "is_workday": ""}
    )
    assert response.status_code == 302 and str(Holiday.objects.get()) == "2026年10月1日 国庆节"
    assert "国庆节" in client.get(reverse("admin:duty_holiday_changelist")).content.decode()


def test_text_stored_with_control_characters_still_exports(client, personas, members):
    # saved before forms refused them, or by the ORM: a vertical tab pasted out of Word
    make_shift(personas.tree.city, "2026-05-01", members["王"], officers=("甲\x0b", "乙\x08"))
    client.force_login(personas.city_staff)
    month = client.get(reverse("duty:roster_export"), {"org": "C", "month": "2026-05"})
    assert month.status_code == 200
    assert load_workbook(io.BytesIO(month.content)).active["F4"].value == "甲、乙"
    table = client.get(reverse("duty:responsibility_export"), {"org": "C", "year": "2026"})
    assert table.status_code == 200
    names = [row[1] for row in load_workbook(io.BytesIO(table.content)).active.iter_rows(min_row=4, values_only=True)]
    assert "甲" in names and "乙" in names
