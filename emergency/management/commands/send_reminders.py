import datetime

from django.core.management.base import BaseCommand, CommandError

from emergency import notifications


class Command(BaseCommand):
    help = "找出今天（或指定日期）到期、逾期、待办的提醒，写入站内消息并发送到消息渠道（与每天早上的定时任务相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出要提醒的事项，不写入也不发送")
        parser.add_argument("--date", help="按这一天判断（YYYY-MM-DD），默认今天")

    def handle(self, *args, dry_run, date, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        due = notifications.send_reminders(day, dry_run=dry_run)
        for reminder, notice in due:
            self.stdout.write(f"{reminder.label}\t{notice.unit}\t{notice.text}")
        if not dry_run:
            self.stdout.write(f"共 {len(due)} 项提醒；发送：{notifications.deliver_pending()}")
        else:
            self.stdout.write(f"共 {len(due)} 项提醒（未写入、未发送）")
