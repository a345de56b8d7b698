"""Staff start the annual summary in the browser, watch it finish and download the workbook."""

import io

import pytest
from openpyxl import load_workbook

from tests.emergency.conftest import YEAR, known_tree  # noqa: F401
from tests.worker import celery_worker  # noqa: F401

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_start_a_run_watch_the_progress_and_download(page, personas, known_tree, celery_worker):  # noqa: F811
    login(page, "city_staff")
    page.click("text=年度总结")
    page.fill("input[name=year]", str(YEAR))
    page.click("#start-summary")
    page.wait_for_selector("#download-workbook", timeout=30_000)
    assert "一、应急管理体系建设情况" in page.inner_text("#narrative")
    screenshot(page, "summary-done")
    with page.expect_download() as download:
        page.click("#download-workbook")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames[0] == "总览"
