from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emergency import registry
from emergency.imports import template_workbook


class Command(BaseCommand):
    help = "生成某类数据的 Excel 导入模板。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="数据类型：" + " ".join(registry.import_specs))
        parser.add_argument("out", type=Path)

    def handle(self, *args, kind, out, **options):
        spec = registry.import_specs.get(kind)
        if spec is None:
            raise CommandError(f"未知的数据类型“{kind}”，可选：{' '.join(registry.import_specs)}")
        out.write_bytes(template_workbook(spec))
        self.stdout.write(f"已生成 {spec.label} 模板：{out}")
