"""RowsTable sorts a list of rows as django-tables2 itself does, by key instead of by comparison,
whether the rows are dicts, objects or plain tuples (TupleRows)."""

import itertools
from typing import NamedTuple

import django_tables2 as tables
import pytest

from emergency.tables import RowsTable, TupleRows


class Row(NamedTuple):
    code: str
    name: str
    shortfall: int
    stage: str
    held: int | None

    @property
    def late(self) -> bool:  # not a field: TupleRows reads it from the row made a Row
        return self.shortfall > 1


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
        "late": tables.Column(),
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
    ("-late", "code"),
]

# The same rows three ways, each read back as the codes in the order the table holds them.
KINDS = {
    "dicts": (lambda: [{**r, "late": r["shortfall"] > 1} for r in ROWS], lambda data: [r["code"] for r in data]),
    "objects": (lambda: [Row(**r) for r in ROWS], lambda data: [r.code for r in data]),
    "tuples": (lambda: TupleRows([tuple(r.values()) for r in ROWS], Row), lambda data: [r[0] for r in data.data]),
}


def library_order(order_by):
    theirs = Library([{**r, "late": r["shortfall"] > 1} for r in ROWS], order_by=order_by)
    return [r["code"] for r in theirs.data.data], theirs.order_by


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("order_by", ORDERINGS, ids=",".join)
def test_rows_come_out_in_the_librarys_order(order_by, kind):
    rows, codes = KINDS[kind]
    ours = Ours(rows(), order_by=order_by)
    expected, headers = library_order(order_by)
    assert codes(ours.data if kind == "tuples" else ours.data.data) == expected
    assert ours.order_by == headers  # the headers show the same sort


@pytest.mark.parametrize("kind", KINDS)
def test_every_pair_of_columns_both_ways_agrees(kind):
    rows, codes = KINDS[kind]
    names = ["code", "shortfall", "stage_label", "held", "late"]
    for first, second in itertools.permutations(names, 2):
        for a, b in itertools.product(("", "-"), repeat=2):
            order_by = (a + first, b + second)
            ours = Ours(rows(), order_by=order_by)
            assert codes(ours.data if kind == "tuples" else ours.data.data) == library_order(order_by)[0], order_by


def test_tuple_rows_are_shown_as_their_named_tuple():
    table = Ours(TupleRows([tuple(r.values()) for r in ROWS], Row), order_by=("-shortfall", "code"))
    table.paginate(per_page=2, page=2)
    shown = [row.record for row in table.paginated_rows]
    assert shown == [Row("S3", "丙", 2, "primary", None), Row("S1", "甲", 0, "kindergarten", 4)]
    assert [row.get_cell("late") for row in table.paginated_rows] == [True, False]
