"""The baseline the import figure is compared with: django-import-export's default import path
for the same drills workbook (its headers are our template's Chinese headers), kept here and not in
the application. One row at a time, default settings: what a project gets from the library."""

from __future__ import annotations

from import_export import fields, resources, widgets

from drills.choices import DrillForm, DrillType
from drills.models import Drill
from emergency.models import Organization


class LabelWidget(widgets.Widget):
    """The workbook carries the Chinese label of a choice (消防); the model stores its value."""

    def __init__(self, choices):
        self.by_label = {str(label): value for value, label in choices}
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        return self.by_label[str(value).strip()]


class DrillResource(resources.ModelResource):
    organization = fields.Field(
        attribute="organization", column_name="单位代码", widget=widgets.ForeignKeyWidget(Organization, "code")
    )
    name = fields.Field(attribute="name", column_name="演练名称")
    held_on = fields.Field(attribute="held_on", column_name="演练日期", widget=widgets.DateWidget("%Y-%m-%d"))
    drill_type = fields.Field(attribute="drill_type", column_name="演练类型", widget=LabelWidget(DrillType.choices))
    drill_form = fields.Field(attribute="drill_form", column_name="演练形式", widget=LabelWidget(DrillForm.choices))
    students = fields.Field(attribute="students", column_name="参演学生人数", widget=widgets.IntegerWidget())
    staff = fields.Field(attribute="staff", column_name="参演教职工人数", widget=widgets.IntegerWidget())
    duration_minutes = fields.Field(
        attribute="duration_minutes", column_name="时长(分钟)", widget=widgets.IntegerWidget()
    )
    # Blank cells read back as None; the text columns are NOT NULL.
    problems_found = fields.Field(
        attribute="problems_found", column_name="发现问题", widget=widgets.CharWidget(allow_blank=True)
    )
    remarks = fields.Field(attribute="remarks", column_name="备注", widget=widgets.CharWidget(allow_blank=True))

    class Meta:
        model = Drill
        fields = (
            "organization",
            "name",
            "held_on",
            "drill_type",
            "drill_form",
            "students",
            "staff",
            "duration_minutes",
            "problems_found",
            "remarks",
        )
        import_id_fields = ("organization", "name", "held_on")
