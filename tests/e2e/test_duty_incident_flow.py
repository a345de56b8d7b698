"""A school files an incident and its 初报 in a real browser; the district is notified on its home
page, reads the report and signs it."""

import datetime

import pytest
from django.utils import timezone

from duty.models import Incident, ReportReceipt

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_school_files_a_first_report_and_the_district_sees_it(page, browser, live_server, personas):
    happened = timezone.localtime() - datetime.timedelta(hours=2)
    login(page, "officer_a")
    page.goto("/duty/incidents/add/")
    page.fill("#id_title", "教学楼走廊积水学生滑倒")
    page.select_option("#id_incident_type", label="事故灾难")
    page.select_option("#id_level", label="一般")
    page.fill("#id_occurred_at", happened.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_known_at", (happened + datetime.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "教学楼二楼走廊")
    page.fill("#id_description", "下雨后走廊积水，一名学生滑倒，经校医检查无碍。")
    page.click("main button[type=submit]")
    page.wait_for_selector("#report-form")
    page.fill("#id_text", "学生经校医检查无碍，已通知家长，走廊已清理并设置警示。")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#reports >> text=初报")
    assert "按时报送" in page.inner_text("#timeliness")
    screenshot(page, "duty-school-first-report")

    district = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    other = district.new_page()
    other.set_default_timeout(15_000)
    login(other, "district_staff")
    other.click("text=下级单位报送的突发事件信息待签收")
    other.click("text=教学楼走廊积水学生滑倒")
    assert "学生经校医检查无碍，已通知家长" in other.inner_text("#reports")
    assert "上级尚未签收" in other.inner_text("#reports")
    other.click("text=签收")
    other.wait_for_selector("#reports >> text=区县A教育局已签收")
    screenshot(other, "duty-district-signed")
    district.close()
    incident = Incident.objects.get()
    assert ReportReceipt.objects.get().report.incident == incident
