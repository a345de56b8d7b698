from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError

from emergency import registry
from emergency.imports import ImportConflict, apply, validate
from emergency.models import User


class Command(BaseCommand):
    help = "从 Excel 导入记录，与网页上传同一套校验；有任何错误时不写入任何数据并以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="数据类型：" + " ".join(registry.import_specs))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="以该用户的管辖范围导入；不指定时为全范围的操作员")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")

    def handle(self, *args, **options):
        try:
            self.import_file(**options)
        except (OperationalError, InterfaceError) as exc:
            # The write is one transaction: a connection lost anywhere leaves nothing written.
            raise CommandError("数据库连接中断，未写入任何数据，请稍后重试") from exc

    def import_file(self, *, kind, file, user, dry_run, **options):
        spec = registry.import_specs.get(kind)
        if spec is None:
            raise CommandError(f"未知的数据类型“{kind}”，可选：{' '.join(registry.import_specs)}")
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        account = None
        if user:
            account = User.objects.filter(username=user).select_related("organization").first()
            if account is None:
                raise CommandError(f"用户不存在：{user}")
            if reason := spec.refusal(account):
                raise CommandError(f"用户 {user}：{reason}")
        result = validate(spec, file.name, file.read_bytes(), account)
        if result.notice:
            self.stdout.write(result.notice)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"校验未通过：{len(result.errors)} 个错误，未写入任何数据")
        summary = f"新增 {len(result.to_add)} 行，更新 {len(result.to_update)} 行，无变化 {result.unchanged} 行"
        if dry_run:
            self.stdout.write(f"校验通过（未写入）：{summary}")
            return
        try:
            apply(spec, result, account, source=f"command:import_records:{kind}")
        except ImportConflict as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {spec.label}：{summary}"))
