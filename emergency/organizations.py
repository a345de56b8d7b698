"""The organisation register as an import kind (`orgs`, 单位): the core's own first kind.

Rows may name parents that are new in the same file, so the tree is checked and ordered as a
whole before anything is written, and new organisations are created parents first."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .imports import CellError, Choice, Code, Column, ImportContext, ImportSpec, Integer, Row, Text, update_rows
from .models import Organization, OrganizationKind, Stage, code_validator, placement_error


class OrganizationImport(ImportSpec):
    kind = "orgs"
    label = "单位"
    model = Organization
    key = ("code",)
    audit_fields = ()
    export_related = ("parent",)
    columns = [
        Code(
            "单位代码",
            "code",
            required=True,
            max_length=32,
            help="字母、数字、下划线或短横线，最长32位",
            example="S0001",
        ),
        Text("单位名称", "name", required=True, max_length=100, example="实验小学"),
        Code("上级单位代码", "parent", max_length=32, help="上级单位的单位代码；可以是本文件中的单位", example="D01"),
        Choice("单位类型", "kind", OrganizationKind.choices, required=True, example="学校"),
        Choice("学段", "stage", Stage.choices, example="小学"),
        Text("地址", "address", example="人民路1号"),
        Text("联系人", "contact", max_length=50, example="张老师"),
        Text("联系电话", "phone", max_length=50, example="0532-8888888"),
        Integer("在校学生数", "students", example=1200),
        Integer("教职工数", "staff_count", example=90),
    ]
    instructions = (
        "上级单位代码必须是您管辖范围内的单位，或本文件中的其他行；新单位只能建在您的管辖范围内。",
        "学校必须填写上级单位代码。",
    )

    def examples(self, user) -> dict[str, Any]:
        """A new school under the user's own unit."""
        examples = super().examples(user)
        org = getattr(user, "organization", None)
        if org is not None:
            examples["parent"] = org.code
        return examples

    def parse_cell(self, column: Column, raw: Any, ctx: ImportContext) -> Any:
        value = super().parse_cell(column, raw, ctx)
        if column.field == "code":
            try:
                code_validator(value)
            except Exception:
                raise CellError(_("单位代码只能由字母、数字、下划线和短横线组成，最长32位")) from None
        return value

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        if values["kind"] != OrganizationKind.CITY and not values["parent"]:
            return [("上级单位代码", _("区县教育局和学校必须填写上级单位代码"))]
        if values["parent"] == values["code"]:
            return [("上级单位代码", _("不能是本单位"))]
        return []

    def check_rows(self, rows: list[Row], ctx: ImportContext) -> list[str]:
        in_file = {r.values["code"]: r for r in rows}
        codes = set(in_file) | {r.values["parent"] for r in rows if r.values["parent"]}
        visible = {o.code: o for o in ctx.visible_orgs().filter(code__in=codes).select_related("parent")}
        taken = set(Organization.objects.filter(code__in=set(in_file) - set(visible)).values_list("code", flat=True))
        errors = []
        for row in rows:
            code, parent = row.values["code"], row.values["parent"]
            where = f"第{row.number}行 上级单位代码: "
            org = visible.get(code)
            current_parent = getattr(getattr(org, "parent", None), "code", "")
            if code in taken:
                errors.append(f"第{row.number}行 单位代码: " + _("“%(c)s”已被您管辖范围以外的单位使用") % {"c": code})
                continue
            if parent and parent != current_parent and parent not in in_file and parent not in visible:
                errors.append(where + _("“%(c)s”不存在或不在您的管辖范围内") % {"c": parent})
                continue
            if not parent:
                parent_kind = None
            elif parent in in_file:
                parent_kind = in_file[parent].values["kind"]
            else:
                parent_kind = visible[parent].kind if parent in visible else org.parent.kind
            problem = placement_error(ctx.user, org, row.values["kind"], parent_kind, parent == current_parent)
            if problem:
                column = "单位类型" if org is not None and row.values["kind"] != org.kind else "上级单位代码"
                errors.append(f"第{row.number}行 {column}: {problem}")
        # A parent chain that comes back to itself is a cycle, within the file or through the database.
        for row in rows:
            seen, code = set(), row.values["code"]
            while code and code not in seen:
                seen.add(code)
                code = in_file[code].values["parent"] if code in in_file else None
            if code:
                errors.append(f"第{row.number}行 上级单位代码: " + _("上级关系形成循环"))
        ctx.state["visible"] = visible
        return errors

    def existing(self, rows: list[Row], ctx: ImportContext) -> dict[tuple, Organization]:
        in_file = {r.values["code"] for r in rows}
        return {(code,): org for code, org in ctx.state["visible"].items() if code in in_file}

    def export_values(self, obj: Organization) -> dict[str, Any]:
        values = {c.field: getattr(obj, c.field) for c in self.columns if c.field != "parent"}
        values["parent"] = obj.parent.code if obj.parent_id else ""
        return values

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        """The row as the register shows it, the parent by its code as `export_values` gives it, so a
        row that only moves an organisation is a change."""
        fields = {c.field: values[c.field] for c in self.columns}
        fields["stage"] = fields["stage"] or ""
        fields["parent"] = fields["parent"] or ""
        return fields

    def own_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The organisation's own fields: the parent is an organisation, found by `write`."""
        fields = self.prepare(values)
        del fields["parent"]
        return fields

    def write(self, validation, user) -> None:
        by_code = dict(validation.context.state["visible"])
        pending = {r.values["code"]: r for r in validation.to_add + validation.to_update}
        # Rows that keep their place in the tree (a corrected register: names, contacts, sizes) are
        # stored together at the end, without their path, which a move above them may have rewritten
        # meanwhile; a moved organisation is saved on its own, which rewrites its descendants' paths.
        in_place, changed = [], set()
        # Parents before children: repeat passes until every row whose parent is known is placed.
        while pending:
            ready = [r for r in pending.values() if not r.values["parent"] or r.values["parent"] not in pending]
            new = []
            for row in ready:
                del pending[row.values["code"]]
                parent = by_code.get(row.values["parent"]) if row.values["parent"] else None
                if row.instance is not None and row.instance.parent_id and parent is None and row.values["parent"]:
                    # An unchanged parent above the uploader's scope (its own row, as exported) stays.
                    parent = row.instance.parent
                if row.instance is None:
                    org = Organization(parent=parent, **self.own_fields(row.values))
                    org.path = org.compute_path()
                    org.depth = org.path.count("/") - 2
                    new.append(org)
                else:
                    org = row.instance
                    for name, value in self.own_fields(row.values).items():
                        setattr(org, name, value)
                    org.parent = parent
                    if org.compute_path() == org.path:
                        in_place.append(org)
                        changed.update(row.changed)
                    else:
                        org.save()
                by_code[org.code] = org
            Organization.objects.bulk_create(new, batch_size=2000)
        update_rows(Organization, in_place, sorted(changed))
