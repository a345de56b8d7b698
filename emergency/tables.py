"""Tables of the core's own lists."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .generic import RecordTable
from .models import Document, LeadershipGroup, Organization


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
