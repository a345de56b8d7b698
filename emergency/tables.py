"""Tables of the core's own lists."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import Accessor, OrderBy

from .generic import RecordTable
from .models import Document, LeadershipGroup, Organization


class RowsTable(tables.Table):
    """A table over a list of rows (objects or dicts) rather than a QuerySet, sorted by key.

    django-tables2 sorts a list by comparing rows, resolving each column's accessor on both sides
    of every comparison (jieter/django-tables2#651, open): a province's 40,000 schools took 1.3 s.
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
            accessor = Accessor(order_by.bare)

            def key(row, accessor=accessor):
                value = accessor.resolve(row, quiet=True)
                return value is not None, value

            rows.sort(key=key, reverse=order_by.is_descending)


class OrganizationTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_("上级单位"), order_by=("parent__path",))

    class Meta:
        model = Organization
        fields = ["code", "name", "parent", "kind", "stage", "contact", "phone", "students", "staff_count"]
        order_by = "code"
        empty_text = _("没有符合条件的单位")


class LeadershipGroupTable(RecordTable):
    name = tables.Column(linkify=True)
    member_count = tables.Column(verbose_name=_("在册成员数"))

    class Meta(RecordTable.Meta):
        model = LeadershipGroup
        fields = ["name", "organization", "established_on", "office_in_charge", "daily_responsible", "member_count"]


class DocumentTable(RecordTable):
    title = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = Document
        fields = ["title", "number", "kind", "organization", "issued_on"]
        order_by = "-issued_on"
