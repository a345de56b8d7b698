"""The summary checks itself before it is finalised: breakdowns that add up to their figures,
relations between figures, stored with the run; and the 总览 links each figure to its list."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.drills.helpers import make_drill
from tests.hazards.helpers import make_hazard

from .conftest import YEAR
from .test_summary import compile_now


def checks_by_label(run):
    return {c["label"]: c for c in run.checks}


def test_a_consistent_year_passes_every_check(known_tree):
    make_drill(known_tree.school_a1, f"{YEAR}-03-10")
    make_drill(known_tree.school_b1, f"{YEAR}-04-10", "fire")
    make_hazard(known_tree.school_a1, found_on=datetime.date(YEAR, 2, 1))
    run = compile_now(known_tree.city)
    checks = checks_by_label(run)
    assert run.checks and not run.failed_checks
    by_type = checks["应急演练按类型：各行“演练次数”之和等于应急演练次数"]
    assert by_type == {"label": by_type["label"], "passed": True, "detail": "2 / 2"}
    assert checks["各区县应急演练情况：各行“演练次数”之和等于应急演练次数"]["passed"]
    assert checks["本年整改隐患数不超过年初未整改隐患数与本年发现隐患数之和"]["detail"] == "0 ≤ 1"


def test_a_hazard_closed_before_it_was_found_fails_the_rectification_check(client, personas, known_tree):
    # Closed in the year but found after it: rectified (1) > open at the start (0) + found (0).
    make_hazard(
        known_tree.school_a1,
        found_on=datetime.date(YEAR + 1, 1, 10),
        status="closed",
        closed_on=datetime.date(YEAR, 6, 1),
    )
    run = compile_now(known_tree.city, personas.city_staff)
    failed = {c["label"]: c for c in run.failed_checks}
    assert failed["本年整改隐患数不超过年初未整改隐患数与本年发现隐患数之和"]["detail"] == "1 ≤ 0"
    client.force_login(personas.city_staff)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'id="checks"' in page and 'data-passed="false"' in page and 'name="confirm_failed_checks"' in page

    url = reverse("emergency:summaryrun_finalize", args=[run.pk])
    client.post(url)
    run.refresh_from_db()
    assert not run.is_final  # refused without the confirmation
    client.post(url, {"confirm_failed_checks": "1"})
    run.refresh_from_db()
    assert run.is_final and run.finalized_by == personas.city_staff


def test_overview_links_each_counted_figure_to_its_list(known_tree, settings):
    settings.SITE_URL = "https://yjgl.example.cn"
    make_drill(known_tree.school_a1, f"{YEAR}-03-10")
    run = compile_now(known_tree.city)
    sheet = load_workbook(io.BytesIO(run.workbook.open("rb").read()))["总览"]
    assert [c.value for c in sheet[2]] == ["指标", "数值", "单位", "所属部分", "记录列表"]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "应急演练次数")
    assert row[1].value == 1 and row[4].value == "查看记录"
    assert row[4].hyperlink.target == f"https://yjgl.example.cn/drills/?org={known_tree.city.pk}&year={YEAR}"
    unlinked = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "演练要求完成率")
    assert unlinked[4].value is None and unlinked[4].hyperlink is None
