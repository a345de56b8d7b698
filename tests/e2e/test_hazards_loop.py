"""One hazard walked from report to 销号 in a real browser by two people: the school officer
reports and rectifies it, the district's staff re-inspects and closes it."""

import datetime

import pytest

from hazards.models import Hazard

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def status(page) -> str:
    return page.inner_text("#hazard-status")


def test_school_reports_and_rectifies_district_reinspects_and_closes(page, personas):
    found_on = (datetime.date.today() - datetime.timedelta(days=5)).isoformat()
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()

    login(page, "officer_a")
    page.goto("/hazards/")
    page.click("text=新增隐患")
    page.fill("input[name=found_on]", found_on)
    page.select_option("select[name=category]", label="消防安全")
    page.fill("input[name=description]", "实验楼二楼灭火器压力不足")
    page.fill("input[name=location]", "实验楼二楼东侧")
    page.fill("input[name=responsible]", "王老师")
    page.fill("input[name=deadline]", deadline)
    page.click("main button[type=submit]")
    page.wait_for_selector("#hazard-status")
    assert status(page) == "待整改"

    page.click("#action-start button[type=submit]")
    page.wait_for_selector("text=已开始整改")
    assert status(page) == "整改中"
    page.fill("#measures", "更换灭火器，建立月检记录")
    page.fill("#comment-submit", "已完成整改，请复查")
    page.click("#action-submit button[type=submit]")
    page.wait_for_selector("text=已提交复查")
    assert status(page) == "待复查"
    assert "已提交复查，等待上级教育局复查销号" in page.inner_text("#hazard-actions")
    screenshot(page, "hazard-submitted-by-school")

    page.context.clear_cookies()
    login(page, "district_staff")
    assert "下级单位待复查隐患" in page.inner_text("main")
    page.click("text=下级单位待复查隐患")
    page.click("text=实验楼二楼灭火器压力不足")
    page.fill("#comment-close", "现场复查合格，同意销号")
    page.click("#action-close button[type=submit]")
    page.wait_for_selector("text=已复查销号")
    assert status(page) == "已销号"
    timeline = page.inner_text("#hazard-transitions")
    assert "officer_a" in timeline and "district_staff" in timeline and "现场复查合格" in timeline
    screenshot(page, "hazard-closed-by-district")

    hazard = Hazard.objects.get()
    steps = [(t.action, t.user.username) for t in hazard.transitions.all()]
    assert steps == [
        ("register", "officer_a"),
        ("start", "officer_a"),
        ("submit", "officer_a"),
        ("close", "district_staff"),
    ]
    assert hazard.status == "closed" and hazard.closed_on == datetime.date.today()
