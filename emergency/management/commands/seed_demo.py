import time

from django.core.management.base import BaseCommand
from django.db import transaction

from emergency import registry
from emergency.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_YEAR, build_city
from emergency.models import Organization


class Command(BaseCommand):
    help = "载入示范城市（种子总结中的城市）及其全年记录；数据库已有单位时不做任何事。"

    def handle(self, *args, **options):
        if Organization.objects.exists():
            self.stdout.write("数据库中已有单位，未重新载入示范数据。")
        else:
            started = time.monotonic()
            with transaction.atomic():
                city = build_city()
                for app_label, builder in registry.demo_builders:
                    builder(city, DEMO_YEAR)
                    self.stdout.write(f"  {app_label}: 已载入")
            self.stdout.write(
                self.style.SUCCESS(
                    f"示范城市已载入（{Organization.objects.count()} 个单位，{time.monotonic() - started:.1f} 秒）"
                )
            )
        self.stdout.write(f"示范账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, _code, name in DEMO_LOGINS:
            self.stdout.write(f"  {username:16} {role.label:8} {name}")
