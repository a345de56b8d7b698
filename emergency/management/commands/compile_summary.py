from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emergency import official_document
from emergency.models import JobStatus, Organization, SummaryRun
from emergency.tasks import compile_summary


class Command(BaseCommand):
    help = "编制某单位（含下级）某年度的应急管理工作总结，与网页上同一个任务；失败时以非零状态退出并说明原因。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="单位代码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True, type=Path, help="Excel 文件路径")
        parser.add_argument("--docx", type=Path, help="Word 文件路径（可选）")
        parser.add_argument("--notice", default="", help="总结开头依据的通知名称")
        parser.add_argument("--no-outlook", action="store_true", help="不起草结尾“存在问题和下一步工作打算”一节")

    def handle(self, *args, org, year, out, docx, notice, no_outlook, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"单位代码不存在：{org}")
        run = SummaryRun.objects.create(
            organization=organization, year=year, notice=notice, with_outlook=not no_outlook
        )
        try:
            compile_summary.apply(args=[run.pk], throw=True)  # the Celery task itself, run here
        except Exception as exc:
            raise CommandError(f"编制失败：{type(exc).__name__}: {exc}") from exc
        run.refresh_from_db()
        if run.status != JobStatus.DONE:
            raise CommandError(f"编制失败：{run.error or run.get_status_display()}")
        with run.workbook.open("rb") as f:
            out.write_bytes(f.read())
        if docx:
            docx.write_bytes(official_document.summary_word(run))
        self.stdout.write(self.style.SUCCESS(f"已编制 {run}：{len(run.figures)} 项指标 → {out}"))
        for figure in run.figures:
            self.stdout.write(f"  {figure['label']}: {figure['value']}{figure['unit']}")
