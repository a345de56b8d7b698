"""The template workbook of a record kind, made from its spec."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..excel import HEADER_FILL, HEADER_FONT, safe_text
from ..models import ChoiceSynonym
from .spec import ImportSpec


def template_workbook(spec: ImportSpec, user=None) -> bytes:
    """The template a school officer fills in: headers with their format as a comment, drop-downs
    for choice columns, and a sheet explaining every column with an example (of `user`'s unit)."""
    book = Workbook()
    ws = book.active
    ws.title = spec.sheet_name
    lists = book.create_sheet("选项")
    for index, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=index, value=("★" if column.required else "") + column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.comment = Comment(column.describe(), "应急管理工作台")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, len(column.header) * 2 + 6)
        if column.number_format:
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = column.number_format
        if labels := column.drop_down:
            # Lists live on their own sheet: an inline list is capped at 255 characters.
            for r, label in enumerate(labels, start=1):
                lists.cell(row=r, column=index, value=label)
            rule = DataValidation(
                type="list",
                formula1=f"=选项!${letter}$1:${letter}${len(labels)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error="请从下拉列表中选择",
            )
            ws.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}5000")
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    guide = book.create_sheet("填写说明")
    guide.append([f"{spec.label}导入模板 填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    for line in (
        _("在“%(s)s”工作表第2行起填写，每行一条记录；带★的列必须填写。") % {"s": spec.sheet_name},
        _("日期写成 2026-03-05 或 2026年3月5日；数字不能为负数。"),
        _("上传后先显示预览：新增、更新的行和所有错误（第N行 列名: 原因）；有任何错误时不会写入任何数据。"),
        _("同一文件重复上传不会重复添加：%(k)s 相同的行视为同一条记录，会被更新。")
        % {"k": "、".join(c.header for c in spec.columns if c.field in spec.key)},
        *spec.instructions,
    ):
        guide.append([safe_text(str(line))])
    guide.append([])
    guide.append(["列名", "是否必填", "格式", "可选值", "示例"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    synonyms = ChoiceSynonym.objects.for_kind(spec.kind)
    examples = spec.examples(user)
    for column in spec.columns:
        guide.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.describe(),
                column.accepted(synonyms.get(column.field, {})),
                safe_text(str(examples[column.field])),
            ]
        )
    for letter, width in zip("ABCDE", (16, 10, 40, 50, 30), strict=True):
        guide.column_dimensions[letter].width = width
    example_fill = PatternFill("solid", fgColor="FFF2CC")
    guide.append([])
    guide.append([_("示例行（复制到“%(s)s”工作表时请删除本行以外的说明）") % {"s": spec.sheet_name}])
    guide.append([c.header for c in spec.columns])
    guide.append([safe_text(v) if isinstance(v, str) else v for v in (examples[c.field] for c in spec.columns)])
    for cell in guide[guide.max_row]:
        cell.fill = example_fill
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
