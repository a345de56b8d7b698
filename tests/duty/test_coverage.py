"""Coverage arithmetic: every hour needs a current member of the group leading and two officers;
gaps and double bookings are listed with their hours; a leader who left the group does not count."""

import datetime

import pytest

from duty import conf
from duty.coverage import (
    LEADER_LEFT,
    NO_SHIFT,
    TOO_FEW_OFFICERS,
    ShiftSpan,
    check_organisation,
    check_spans,
)

from .helpers import D, at, make_group, make_member, make_shift


@pytest.fixture
def city_group(tree):
    group = make_group(tree.city)
    return {
        "head": make_member(group, "王局长", "leader"),
        "left": make_member(group, "杨副局长", left="2026-03-03"),
        "later": make_member(group, "孙副局长", joined="2026-03-10"),
    }


def span(start, end, leader_counts=True, officers=("甲", "乙"), label="班次"):
    return ShiftSpan(label, at(start), at(end), "王局长", leader_counts, officers)


def test_shifts_meeting_end_to_end_cover_every_hour():
    result = check_spans(
        [span("2026-03-01 08:00", "2026-03-01 20:00"), span("2026-03-01 20:00", "2026-03-02 08:00")],
        at("2026-03-01 08:00"),
        at("2026-03-02 08:00"),
    )
    assert (result.rate, result.total_hours, result.gaps, result.double_bookings) == (100.0, 24, [], [])


def test_a_missing_night_is_a_twelve_hour_gap():
    result = check_spans([span("2026-03-01 08:00", "2026-03-01 20:00")], at("2026-03-01 08:00"), at("2026-03-02 08:00"))
    assert [(g.start, g.end, g.hours, g.reason) for g in result.gaps] == [
        (at("2026-03-01 20:00"), at("2026-03-02 08:00"), 12, NO_SHIFT)
    ]
    assert result.rate == 50.0 and result.covered_hours == 12


def test_overlapping_shifts_are_a_double_booking_but_still_cover():
    result = check_spans(
        [
            span("2026-03-01 08:00", "2026-03-02 08:00", label="全天"),
            span("2026-03-01 08:00", "2026-03-01 20:00", label="白班"),
        ],
        at("2026-03-01 08:00"),
        at("2026-03-02 08:00"),
    )
    assert result.rate == 100.0
    assert [(d.hours, set(d.shifts)) for d in result.double_bookings] == [(12, {"全天", "白班"})]


def test_hours_led_by_someone_no_longer_in_the_group_are_a_gap():
    result = check_spans(
        [span("2026-03-01 08:00", "2026-03-02 08:00", leader_counts=False)],
        at("2026-03-01 08:00"),
        at("2026-03-02 08:00"),
    )
    assert [(g.hours, g.reason) for g in result.gaps] == [(24, LEADER_LEFT)] and result.rate == 0.0


def test_one_officer_is_not_double_staffing():
    result = check_spans(
        [span("2026-03-01 08:00", "2026-03-02 08:00", officers=("甲",))], at("2026-03-01 08:00"), at("2026-03-02 08:00")
    )
    assert [g.reason for g in result.gaps] == [TOO_FEW_OFFICERS]


def test_two_overlapping_single_officer_shifts_make_two_officers():
    result = check_spans(
        [
            span("2026-03-01 08:00", "2026-03-02 08:00", officers=("甲",)),
            span("2026-03-01 08:00", "2026-03-02 08:00", officers=("乙",), leader_counts=False),
        ],
        at("2026-03-01 08:00"),
        at("2026-03-02 08:00"),
    )
    assert result.rate == 100.0


def test_shifts_are_clipped_to_the_period_and_adjacent_gaps_join():
    result = check_spans(
        [span("2026-02-28 08:00", "2026-03-01 08:00"), span("2026-03-04 08:00", "2026-03-05 08:00")],
        at("2026-03-01 08:00"),
        at("2026-03-05 08:00"),
    )
    assert [(g.start, g.end, g.hours) for g in result.gaps] == [(at("2026-03-01 08:00"), at("2026-03-04 08:00"), 72)]
    assert result.rate == 25.0


def test_organisation_month_with_a_leader_who_left(tree, city_group):
    city = tree.city
    for day in range(1, 6):
        leader = city_group["left"] if day in (2, 4) else city_group["head"]
        make_shift(city, f"2026-03-0{day}", leader)
    result = check_organisation(city, D("2026-03-01"), D("2026-03-05"))
    # 杨 left on 3/3: his 3/2 shift counts, his 3/4 shift does not.
    assert [(g.start, g.hours, g.reason) for g in result.gaps] == [(at("2026-03-04 08:00"), 24, LEADER_LEFT)]
    assert result.total_hours == 120 and result.rate == 80.0


def test_night_shift_of_the_day_before_is_counted_with_its_own_day(tree, city_group):
    city = tree.city
    make_shift(city, "2026-03-01", city_group["head"], "day")
    make_shift(city, "2026-03-01", city_group["head"], "night", officers=("丙", "丁"))
    make_shift(city, "2026-03-02", city_group["head"], "full")
    result = check_organisation(city, D("2026-03-01"), D("2026-03-02"))
    assert result.rate == 100.0 and not result.double_bookings


def test_a_full_day_and_a_day_shift_on_the_same_date_are_listed(tree, city_group):
    make_shift(tree.city, "2026-03-01", city_group["head"], "full")
    make_shift(tree.city, "2026-03-01", city_group["head"], "day", officers=("丙", "丁"))
    result = check_organisation(tree.city, D("2026-03-01"), D("2026-03-01"))
    assert [(d.start, d.hours) for d in result.double_bookings] == [(at("2026-03-01 08:00"), 12)]


def test_shift_times_are_settings(tree, city_group, settings):
    settings.DUTY_SHIFT_TIMES = {"day": ("08:30", "17:30"), "night": ("17:30", "08:30"), "full": ("08:30", "08:30")}
    shift = make_shift(tree.city, "2026-03-01", city_group["head"], "day")
    assert shift.window == (at("2026-03-01 08:30"), at("2026-03-01 17:30"))
    assert conf.period_window(D("2026-03-01"), D("2026-03-01")) == (at("2026-03-01 08:30"), at("2026-03-02 08:30"))
    result = check_organisation(tree.city, D("2026-03-01"), D("2026-03-01"))
    assert [g.hours for g in result.gaps] == [15]


def test_is_covered_needs_a_current_leader(tree, city_group):
    ok = make_shift(tree.city, "2026-03-02", city_group["left"])
    after = make_shift(tree.city, "2026-03-05", city_group["left"])
    before = make_shift(tree.city, "2026-03-06", city_group["later"])
    assert ok.is_covered and not after.is_covered and not before.is_covered


def test_a_year_of_shifts_is_swept_quickly():
    spans = [
        span(f"{day} 08:00", f"{day + datetime.timedelta(days=1)} 08:00")
        for day in (datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(365))
    ]
    result = check_spans(spans, at("2026-01-01 08:00"), at("2027-01-01 08:00"))
    assert result.rate == 100.0 and result.total_hours == 365 * 24
