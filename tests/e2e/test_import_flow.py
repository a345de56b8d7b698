"""A school officer keeps their school's details current through the Excel path, in a real browser."""

import pytest
from openpyxl import load_workbook

from emergency.models import Organization

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_school_officer_downloads_fills_uploads_previews_confirms(page, personas, tmp_path):
    login(page, "officer_a")
    page.goto("/organizations/")
    assert "A区第一小学" in page.content()
    with page.expect_download() as download:
        page.click("text=下载模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    book = load_workbook(template)
    sheet = book["单位"]
    headers = [c.value.lstrip("★") for c in sheet[1]]
    row = {
        "单位代码": "SA1",
        "单位名称": "A区第一小学",
        "上级单位代码": "DA",
        "单位类型": "学校",
        "学段": "小学",
        "联系人": "张老师",
        "在校学生数": 1500,
        "教职工数": 120,
    }
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=column, value=row.get(header))
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    page.click("text=上传 Excel")
    page.set_input_files("input[type=file]", str(filled))
    page.click("text=上传并校验")
    page.wait_for_selector("#import-summary")
    assert "更新 1 行" in page.inner_text("#import-summary")
    assert "张老师" in page.inner_text("#preview-update")
    screenshot(page, "import-preview")
    page.click("text=确认写入")
    page.wait_for_selector("#import-done")
    page.click("text=查看记录")
    assert "1500" in page.content()
    screenshot(page, "organisations-after-import")
    school = Organization.objects.get(code="SA1")
    assert (school.students, school.contact) == (1500, "张老师")
