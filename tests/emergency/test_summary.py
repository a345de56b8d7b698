"""The annual summary: figures on a known tree, scope, outputs, the pages and the command."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook

from emergency import compiler, official_document
from emergency.models import LeadershipGroup, LeadershipMember, SummaryRun
from emergency.summary import summarize_organisation
from emergency.tasks import compile_summary
from tests.worker import celery_worker, wait_for  # noqa: F401

from .conftest import YEAR


def test_city_figures_on_a_known_tree(known_tree):
    section = summarize_organisation(known_tree.city, YEAR)
    values = {f.label: f.value for f in section.figures}
    assert values["领导小组成员数"] == 3  # 丙 left in June
    assert values["已成立领导小组的下级单位数"] == 2  # DA and SA1; SB1's group came the next year
    assert values["下级单位数"] == 5
    assert values["下级单位领导小组成立率"] == 40.0
    assert "以局长为组长" in section.paragraphs[0]
    assert "《全市教育系统应急管理工作方案》" in section.paragraphs[0]


def test_a_district_summary_holds_nothing_of_another_district(known_tree):
    section = summarize_organisation(known_tree.district_a, YEAR)
    values = {f.label: f.value for f in section.figures}
    assert values["下级单位数"] == 2 and values["已成立领导小组的下级单位数"] == 1
    breakdown = next(t for t in section.tables if t.title == "下级单位领导小组成立情况")
    names = [row[0] for row in breakdown.rows]
    assert names == ["A区第一小学", "A区第二小学"]


def compile_now(org, user=None, notice=""):
    run = SummaryRun.objects.create(organization=org, year=YEAR, notice=notice, created_by=user)
    compile_summary.apply(args=[run.pk], throw=True)
    run.refresh_from_db()
    return run


def open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_sections_compiled_in_threads_match_one_by_one_and_close_their_connections(known_tree):
    before = open_connections()
    reported = []
    threaded = compiler.compile_sections(known_tree.city, YEAR, reported.append)
    assert open_connections() == before
    with transaction.atomic():  # inside a transaction: one by one, on its own connection
        one_by_one = compiler.compile_sections(known_tree.city, YEAR)
    assert compiler.figures_of(threaded) == compiler.figures_of(one_by_one)
    assert [s.paragraphs for s in threaded] == [s.paragraphs for s in one_by_one]
    assert [s.title for s in threaded] == [s.title for s in one_by_one]
    assert reported == sorted(reported) and reported[-1] == 70


def test_workbook_overview_holds_every_figure_and_reads_back(known_tree):
    run = compile_now(known_tree.city)
    assert run.status == "done"
    book = load_workbook(io.BytesIO(run.workbook.open("rb").read()))
    assert book.sheetnames[0] == "总览"
    overview = {row[0]: row[1] for row in book["总览"].iter_rows(min_row=3, values_only=True)}
    assert (
        overview["领导小组成员数"]
        == LeadershipMember.objects.filter(group__organization=known_tree.city, left_on__isnull=True).count()
    )
    assert overview["已成立领导小组的下级单位数"] == 2
    assert list(book["总览"].iter_rows(min_row=2, max_row=2, values_only=True))[0][:2] == ("指标", "数值")
    assert book["总览"].freeze_panes == "A3"
    assert "领导小组与工作方案" in book.sheetnames


def test_text_that_looks_like_a_formula_stays_text(known_tree):
    g = LeadershipGroup.objects.get(organization=known_tree.city)
    LeadershipMember.objects.create(
        group=g, name='=HYPERLINK("http://x")', title="+1", group_role="member", joined_on=datetime.date(YEAR, 1, 1)
    )
    run = compile_now(known_tree.city)
    sheet = load_workbook(io.BytesIO(run.workbook.open("rb").read()))["领导小组与工作方案"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


def test_narrative_has_the_seeds_shape_and_word_export(known_tree):
    run = compile_now(known_tree.city, notice="市政府应急管理办公室关于开展应急管理工作检查的通知")
    paragraphs = run.narrative.split("\n\n")
    assert paragraphs[0] == f"市教育局{YEAR}年度应急管理工作总结"
    assert paragraphs[1].startswith("根据《市政府应急管理办公室关于开展应急管理工作检查的通知》要求，现将我局")
    assert paragraphs[2].startswith("一、应急管理体系建设情况。")
    doc = WordDocument(io.BytesIO(official_document.summary_word(run)))
    assert doc.paragraphs[0].text == paragraphs[0]


def test_running_the_job_twice_changes_nothing(known_tree):
    run = compile_now(known_tree.city)
    figures = run.figures
    compile_summary.apply(args=[run.pk], throw=True)  # delivered again after it finished
    run.refresh_from_db()
    assert run.figures == figures and run.attempts == 1


def test_pages_start_watch_edit_finalise_and_download(client, personas, known_tree, celery_worker):  # noqa: F811
    client.force_login(personas.city_staff)
    response = client.post(reverse("emergency:summaryrun_list"), {"organization": "C", "year": YEAR, "notice": ""})
    run = SummaryRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    wait_for(lambda: SummaryRun.objects.get().status == "done")
    page = client.get(run.get_absolute_url()).content.decode()
    assert "一、应急管理体系建设情况" in page and "领导小组成员数" in page
    download = client.get(reverse("emergency:summaryrun_workbook", args=[run.pk]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    client.post(reverse("emergency:summaryrun_edit", args=[run.pk]), {"narrative": "改过的正文\n\n第二段"})
    client.post(reverse("emergency:summaryrun_finalize", args=[run.pk]))
    client.post(reverse("emergency:summaryrun_edit", args=[run.pk]), {"narrative": "定稿后又改"})
    run.refresh_from_db()
    assert run.is_final and run.narrative == "改过的正文\n\n第二段"
    docx = client.get(reverse("emergency:summaryrun_docx", args=[run.pk]))
    assert WordDocument(io.BytesIO(docx.content)).paragraphs[0].text == "改过的正文"


def test_runs_are_scoped_and_leaders_only_read(client, personas, known_tree):
    run = compile_now(known_tree.district_a, personas.district_staff)
    client.force_login(personas.officer_b)
    assert client.get(run.get_absolute_url()).status_code == 404
    assert client.get(reverse("emergency:summaryrun_workbook", args=[run.pk])).status_code == 404
    assert "区县A" not in client.get(reverse("emergency:summaryrun_list")).content.decode()
    client.force_login(personas.leader)
    assert client.get(run.get_absolute_url()).status_code == 200
    assert client.post(reverse("emergency:summaryrun_list"), {"organization": "C", "year": YEAR}).status_code == 403
    assert client.post(reverse("emergency:summaryrun_finalize", args=[run.pk])).status_code == 403
    client.force_login(personas.district_staff)
    response = client.post(reverse("emergency:summaryrun_list"), {"organization": "DB", "year": YEAR})
    assert "不在您的管辖范围内" in response.content.decode()


def test_compare_two_years_figure_by_figure(client, personas, known_tree):
    earlier = SummaryRun.objects.create(
        organization=known_tree.city,
        year=YEAR - 1,
        status="done",
        figures=[{"key": "group_members", "label": "领导小组成员数", "value": 5, "unit": "人", "section": "x"}],
    )
    run = compile_now(known_tree.city)
    client.force_login(personas.leader)
    page = client.get(reverse("emergency:summaryrun_compare", args=[run.pk, earlier.pk])).content.decode()
    assert "领导小组成员数" in page and "-2" in page


def test_command_writes_the_workbook_and_fails_loudly(tmp_path, known_tree):
    out = tmp_path / "s.xlsx"
    call_command(
        "compile_summary", "--org", "C", "--year", str(YEAR), "--out", str(out), "--docx", str(tmp_path / "s.docx")
    )
    assert load_workbook(out).sheetnames[0] == "总览"
    assert (tmp_path / "s.docx").stat().st_size > 0
    with pytest.raises(CommandError, match="单位代码不存在"):
        call_command("compile_summary", "--org", "NOPE", "--year", str(YEAR), "--out", str(out))


def test_a_summary_with_control_characters_in_stored_text_is_finalised_and_downloaded(client, personas, known_tree):
    LeadershipGroup.objects.filter(organization=known_tree.city).update(name="应急\x0b领导小组")
    run = compile_now(known_tree.city, personas.city_staff)
    SummaryRun.objects.filter(pk=run.pk).update(narrative="年度\x0b总结\n\n正文\x08")
    client.force_login(personas.city_staff)
    assert client.get(reverse("emergency:summaryrun_workbook", args=[run.pk])).status_code == 200
    assert client.post(reverse("emergency:summaryrun_finalize", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.is_final
    docx = client.get(reverse("emergency:summaryrun_docx", args=[run.pk]))
    assert WordDocument(io.BytesIO(docx.content)).paragraphs[0].text == "年度总结"


def test_the_narrative_refuses_control_characters(client, personas, known_tree):
    run = compile_now(known_tree.city, personas.city_staff)
    client.force_login(personas.city_staff)
    response = client.post(reverse("emergency:summaryrun_edit", args=[run.pk]), {"narrative": "改\x0b过"}, follow=True)
    assert "不可见的控制字符" in response.content.decode()
    assert "\x0b" not in SummaryRun.objects.get(pk=run.pk).narrative
