"""RowsTable sorts a list of rows as django-tables2 itself does, by key instead of by comparison."""

import itertools

import django_tables2 as tables
import pytest

from emergency.tables import RowsTable

ROWS = [
    {"code": "S3", "name": "丙", "shortfall": 2, "stage": "primary", "held": None},
    {"code": "S1", "name": "甲", "shortfall": 0, "stage": "kindergarten", "held": 4},
    {"code": "S2", "name": "乙", "shortfall": 2, "stage": "primary", "held": 1},
    {"code": "S4", "name": "丁", "shortfall": 5, "stage": "", "held": 1},
    {"code": "S5", "name": "戊", "shortfall": 0, "stage": "primary", "held": None},
]


def columns():
    return {
        "code": tables.Column(),
        "name": tables.Column(),
        "shortfall": tables.Column(),
        "stage_label": tables.Column(accessor="stage", order_by=("stage", "code")),
        "held": tables.Column(),
    }


Library = type("Library", (tables.Table,), columns())
Ours = type("Ours", (RowsTable,), columns())

ORDERINGS = [
    ("code",),
    ("-code",),
    ("-shortfall", "code"),
    ("shortfall", "-name"),
    ("stage_label",),
    ("-stage_label",),
    ("held", "code"),
    ("-held", "code"),
    ("nonexistent", "code"),
]


@pytest.mark.parametrize("order_by", ORDERINGS, ids=",".join)
def test_rows_come_out_in_the_librarys_order(order_by):
    theirs = Library([dict(r) for r in ROWS], order_by=order_by)
    ours = Ours([dict(r) for r in ROWS], order_by=order_by)
    assert [r["code"] for r in ours.data.data] == [r["code"] for r in theirs.data.data]
    assert ours.order_by == theirs.order_by  # the headers show the same sort


def test_every_pair_of_columns_both_ways_agrees():
    names = ["code", "shortfall", "stage_label", "held"]
    for first, second in itertools.permutations(names, 2):
        for a, b in itertools.product(("", "-"), repeat=2):
            order_by = (a + first, b + second)
            theirs = Library([dict(r) for r in ROWS], order_by=order_by)
            ours = Ours([dict(r) for r in ROWS], order_by=order_by)
            assert [r["code"] for r in ours.data.data] == [r["code"] for r in theirs.data.data], order_by
