"""Tables of the core's own lists."""

from functools import partial
from operator import itemgetter

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _lazy
from django_tables2.data import TableListData
from django_tables2.utils import Accessor, OrderBy

from .generic import RecordTable
from .models import Document, LeadershipGroup, Organization


class TupleRows(TableListData):
    """Rows kept as plain tuples of a NamedTuple's fields, made into that NamedTuple only when read
    (the page shown, an export). A province's tens of thousands of NamedTuples alive at once keep
    Python's garbage collector walking them request after request; plain tuples of numbers and
    strings it stops tracking."""

    def __init__(self, rows: list[tuple], row_type):
        super().__init__(rows)
        self.row_type = row_type

    def __getitem__(self, key):
        if isinstance(key, slice):
            return list(map(self.row_type._make, self.data[key]))
        return self.row_type._make(self.data[key])

    def __iter__(self):
        return map(self.row_type._make, self.data)

    def reader(self, name: str):
        """How a sort reads the field `name` of a plain row, or None for what is not a field."""
        fields = self.row_type._fields
        return itemgetter(fields.index(name)) if name in fields else None


class RowsTable(tables.Table):
    """A table over a list of rows (objects, dicts, or `TupleRows`) rather than a QuerySet, sorted by key.

    django-tables2 sorts a list by comparing rows, resolving each column's accessor on both sides
    of every comparison (jieter/django-tables2#651, open), which is slow for a province's schools.
    Here each value is read once per row, and the list is sorted once per column, least
    significant first (sorts are stable), in the order and direction the library would use. An
    empty value sorts first, as the library has it."""

    @property
    def order_by(self):
        return self._order_by

    @order_by.setter
    def order_by(self, value):
        rows, self.data.data = self.data.data, []
        tables.Table.order_by.fset(self, value)  # keeps the valid aliases; sorts nothing
        self.data.data = rows
        accessors = []
        for alias in self._order_by:
            column = self.columns[OrderBy(alias).bare]
            accessors += column.order_by if alias[0] == column.order_by_alias[0] else column.order_by.opposite
        for order_by in reversed(accessors):
            read = self._reader(Accessor(order_by.bare), rows)

            def key(row, read=read):
                value = read(row)
                return value is not None, value

            rows.sort(key=key, reverse=order_by.is_descending)

    def _reader(self, accessor: Accessor, rows: list):
        """What `accessor.resolve` reads of a row, read the quickest way for the rows at hand: on
        an object, resolve first tries `row[name]`, which raises and is caught for every row (a
        third of a 40,000-row sort)."""
        resolve = partial(accessor.resolve, quiet=True)
        if isinstance(self.data, TupleRows):
            field = self.data.reader(accessor) if len(accessor.bits) == 1 else None
            return field or (lambda row: resolve(self.data.row_type._make(row)))
        if rows and not isinstance(rows[0], dict) and len(accessor.bits) == 1:
            return _attribute(accessor)
        return resolve


def _attribute(name: str):
    def read(row):
        value = getattr(row, name, None)
        return value() if callable(value) else value

    return read


class OrganizationTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_lazy("上级单位"), order_by=("parent__path",))

    class Meta:
        model = Organization
        fields = ["code", "name", "parent", "kind", "stage", "contact", "phone", "students", "staff_count"]
        order_by = "code"
        empty_text = _lazy("没有符合条件的单位")


class LeadershipGroupTable(RecordTable):
    name = tables.Column(linkify=True)
    member_count = tables.Column(verbose_name=_lazy("在册成员数"))

    class Meta(RecordTable.Meta):
        model = LeadershipGroup
        fields = ["name", "organization", "established_on", "office_in_charge", "daily_responsible", "member_count"]


class DocumentTable(RecordTable):
    title = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = Document
        fields = ["title", "number", "kind", "organization", "issued_on"]
        order_by = "-issued_on"
