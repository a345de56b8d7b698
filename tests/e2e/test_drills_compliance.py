"""A school officer uploads the school's drills as Excel and the compliance page counts them."""

import pytest
from django.utils import timezone

from drills.models import Drill
from tests.factories import workbook

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e

HEADERS = [
    "单位代码",
    "演练名称",
    "演练日期",
    "演练类型",
    "演练形式",
    "关联预案",
    "参演学生人数",
    "参演教职工人数",
    "时长(分钟)",
    "发现问题",
    "备注",
]


def test_school_officer_uploads_drills_and_compliance_changes(page, personas, tmp_path):
    today = timezone.localdate()
    login(page, "officer_a")
    page.goto("/drills/compliance/")
    assert page.inner_text("#total-held") == f"{today.month} / 0"
    assert page.inner_text("#total-compliant") == "0"

    month_start = today.replace(day=1)
    rows = [
        ["", "本月消防疏散演练", month_start.isoformat(), "消防", "实战演练", "", 1180, 85, 25, "", ""],
        ["", "防溺水安全教育演练", month_start.isoformat(), "防溺水", "桌面推演", "", 0, 12, 60, "", ""],
    ]
    upload = tmp_path / "drills.xlsx"
    upload.write_bytes(workbook(HEADERS, rows))

    page.goto("/drills/")
    page.click("text=上传 Excel")
    page.set_input_files("input[type=file]", str(upload))
    page.click("text=上传并校验")
    page.wait_for_selector("#import-summary")
    assert "新增 2 行" in page.inner_text("#import-summary")
    page.click("text=确认写入")
    page.wait_for_selector("#import-done")
    assert Drill.objects.filter(organization=personas.tree.school_a1).count() == 2

    page.goto("/drills/compliance/")
    # The fire drill counts towards this month's evacuation requirement; the drowning drill does not.
    assert page.inner_text("#total-held") == f"{today.month} / 1"
    assert "A区第一小学" in page.inner_text("#compliance-schools")
    row = page.locator("#compliance-schools tbody tr").first.inner_text()
    assert "\t2\t" in row  # 各类演练总数
    screenshot(page, "drills-compliance-after-upload")
