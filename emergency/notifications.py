"""Reminders and their delivery: nobody has to log in to learn that something is due.

Areas declare their reminders (`AreaConfig.reminders`): each finds, for a day, what is due and
whom to tell (a unit and the roles there). `send_reminders` turns them into inbox messages, one per
person and reminder key however often it runs, and into deliveries to the units' channels (group
robots, mailboxes) and to people's own e-mail. A worker sends the deliveries (`deliver_pending`):
each under a lease, retried with backoff when its channel fails, never blocking the others."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .celery import app
from .models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    EmailChoice,
    ImportJob,
    JobStatus,
    Message,
    MessagePreference,
    Organization,
    Role,
    User,
)

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6  # with backoff of 1, 2, 4, 8, 16 minutes: about half an hour of outage
BATCH = 100


@dataclass(frozen=True)
class Notice:
    """Something a unit's people should hear about: once per `key` (e.g. one hazard's deadline)."""

    unit: Organization  # whose people and channels hear it; the records it names are in its subtree
    key: str
    text: str
    url: str = ""
    roles: tuple[str, ...] = ()  # empty: everyone at the unit who can act (not leaders)
    people: tuple[int, ...] = ()  # or these users (ids), e.g. the reporter of a hazard


@dataclass(frozen=True)
class Reminder:
    """A kind of reminder an area offers: `find(day)` yields the notices due on that day."""

    kind: str
    label: str  # lazily translated
    find: Callable[[datetime.date], Iterable[Notice]]
    rule: Callable[[], str] = field(default=lambda: "")  # its timing, said on 规则设置


reminders: dict[str, Reminder] = {}
# Messages made when something happens rather than by the morning's reminders: kind -> label
# (areas declare theirs: AreaConfig.events).
EVENTS = {"job_finished": _lazy("后台任务完成")}


def register_reminder(reminder: Reminder) -> None:
    reminders[reminder.kind] = reminder


def register_event(kind: str, label: str) -> None:
    EVENTS[kind] = label


def about_each(records, key: Callable[[Any], str], text: Callable[[Any], str], roles: tuple[str, ...]):
    """A notice per record to its own unit, opening the record's page; `key` and `text` are made from
    the record (its key names what it reminds of, e.g. "hazard:12:due:2026-03-12")."""
    for record in records.select_related("organization"):
        yield Notice(record.organization, key(record), text(record), record.get_absolute_url(), roles=roles)


def audience(notices: list[Notice]) -> dict[int, list[User]]:
    """The people each notice reaches (by its index): at its unit, active, in scope of what it
    names (their unit's subtree holds it, so no message names a record its reader cannot open).
    Two queries for any number of notices."""
    units = {n.unit.pk for n in notices}
    named = {p for n in notices for p in n.people}
    at_unit: dict[int, list[User]] = defaultdict(list)
    by_id: dict[int, User] = {}
    people = User.objects.filter(is_active=True).select_related("organization")
    for user in people.filter(Q(organization_id__in=units) | Q(pk__in=named)):
        at_unit[user.organization_id].append(user)
        by_id[user.pk] = user
    reached = {}
    for i, n in enumerate(notices):
        if n.people:
            chosen = [by_id[p] for p in n.people if p in by_id]
        else:
            chosen = [u for u in at_unit[n.unit.pk] if (u.role in n.roles if n.roles else u.role != Role.LEADER)]
        reached[i] = [u for u in chosen if u.in_scope(n.unit)]
    return reached


def due_notices(day: datetime.date) -> Iterator[tuple[Reminder, Notice]]:
    for reminder in reminders.values():
        for notice in reminder.find(day):
            yield reminder, notice


@transaction.atomic
def notify(kind: str, notices: Iterable[Notice]) -> int:
    """Messages and deliveries for `notices`, each once per person (or channel) and key: what was
    already made for a key is not made again. Returns how many new messages were made."""
    notices = list(notices)
    if not notices:
        return 0
    reached = audience(notices)
    preferences = {
        p.user_id: p
        for p in MessagePreference.objects.filter(user__in={u.pk for people in reached.values() for u in people})
    }
    channels: dict[int, list[Channel]] = defaultdict(list)
    for channel in Channel.objects.filter(organization_id__in={n.unit.pk for n in notices}, is_active=True):
        channels[channel.organization_id].append(channel)
    messages, outgoing = [], []
    for i, n in enumerate(notices):
        for user in reached[i]:
            messages.append(Message(recipient=user, kind=kind, text=n.text, url=n.url, organization=n.unit, key=n.key))
            preference = preferences.get(user.pk, MessagePreference())
            if user.email and settings.EMAIL_HOST and preference.mails(kind):
                outgoing.append(Delivery(recipient=user, key=n.key, text=n.text, url=n.url))
        outgoing += [Delivery(channel=c, key=n.key, text=n.text, url=n.url) for c in channels[n.unit.pk]]
    keys = {n.key for n in notices}
    before = Message.objects.filter(key__in=keys).count()
    Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=2000)
    Delivery.objects.bulk_create(outgoing, ignore_conflicts=True, batch_size=2000)
    transaction.on_commit(queue_delivery, robust=True)
    return Message.objects.filter(key__in=keys).count() - before


def kind_labels() -> dict[str, str]:
    return {**EVENTS, **{kind: reminder.label for kind, reminder in reminders.items()}}


def job_finished(job) -> None:
    """Tell the person who started a background job (a large import, a summary) how it ended,
    once per outcome: they need not keep its page open."""
    try:
        job.refresh_from_db(fields=["status", "attempts"])
    except (OperationalError, InterfaceError):
        logger.warning("%s %s: its owner is not told, the database is away", job._meta.model_name, job.pk)
        return
    if job.created_by_id is None or job.status not in (JobStatus.READY, JobStatus.DONE, JobStatus.FAILED):
        return
    said = {"name": str(job)}
    if isinstance(job, ImportJob):
        text = {
            JobStatus.READY: _("导入文件“%(name)s”已校验完成，请查看预览并确认写入"),
            JobStatus.DONE: _("导入文件“%(name)s”已写入"),
            JobStatus.FAILED: _("导入文件“%(name)s”未能导入，请查看原因"),
        }[job.status]
    else:
        text = _("%(name)s已编制完成") if job.status == JobStatus.DONE else _("%(name)s编制失败，请查看原因")
    key = f"job:{job._meta.model_name}:{job.pk}:{job.status}:{job.attempts}"
    notify(
        "job_finished",
        [Notice(job.organization, key, text % said, job.get_absolute_url(), people=(job.created_by_id,))],
    )


def queue_delivery() -> None:
    # By name: the task module imports this one.
    app.send_task("emergency.tasks.deliver_messages")


def send_reminders(day: datetime.date | None = None, dry_run: bool = False) -> list[tuple[Reminder, Notice]]:
    """Every reminder due on `day` (today): made into messages and deliveries unless `dry_run`.
    Running it again the same day makes nothing new."""
    day = day or timezone.localdate()
    due = list(due_notices(day))
    if not dry_run:
        for kind in reminders:
            notify(kind, [n for r, n in due if r.kind == kind])
        queue_digests(day)
    return due


@transaction.atomic
def queue_digests(day: datetime.date) -> int:
    """One e-mail a day to each person who asked for a digest: their messages of the last day not
    yet read and not of a kind they muted, once per person and day."""
    if not settings.EMAIL_HOST:
        return 0
    since = timezone.now() - datetime.timedelta(days=1)
    outgoing = []
    for preference in MessagePreference.objects.filter(email=EmailChoice.DIGEST).select_related("user"):
        user = preference.user
        lines = list(
            Message.objects.filter(recipient=user, created_at__gte=since, read_at__isnull=True)
            .exclude(kind__in=preference.muted)
            .values_list("text", flat=True)
        )
        if lines and user.email and user.is_active:
            text = _("%(n)d条新消息：") % {"n": len(lines)} + "\n" + "\n".join(f"- {line}" for line in lines)
            outgoing.append(Delivery(recipient=user, key=f"digest:{day}", text=text, url=reverse("emergency:inbox")))
    Delivery.objects.bulk_create(outgoing, ignore_conflicts=True)
    transaction.on_commit(queue_delivery, robust=True)
    return len(outgoing)


# ---- delivery ---------------------------------------------------------------------------------


class SendFailed(Exception):
    pass


def absolute(url: str) -> str:
    return urllib.parse.urljoin(settings.SITE_URL, url) if url else settings.SITE_URL


def robot_body(text: str, url: str) -> dict:
    """The JSON 钉钉 and 企业微信 group robots both take for a text message."""
    return {"msgtype": "text", "text": {"content": f"{text}\n{absolute(url)}"}}


def signed(address: str, secret: str) -> str:
    """A 钉钉 robot's address with its 加签: timestamp and HMAC-SHA256 of "timestamp\\nsecret"."""
    if not secret:
        return address
    stamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{address}{'&' if '?' in address else '?'}timestamp={stamp}&sign={sign}"


def post_to_robot(channel: Channel, text: str, url: str) -> None:
    body = json.dumps(robot_body(text, url), ensure_ascii=False).encode()
    target = signed(channel.address, channel.secret) if channel.kind == ChannelKind.DINGTALK else channel.address
    if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
        raise SendFailed(_("Webhook 地址须以 http:// 或 https:// 开头"))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    request = urllib.request.Request(target, data=body, headers=headers)  # noqa: S310 (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as exc:
        raise SendFailed(type(exc).__name__) from exc
    # Both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; a wrong key or sign is errcode ≠ 0.
    if answer.get("errcode", 0) != 0:
        raise SendFailed(f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:100]}")


def send_mail_to(address: str, text: str, url: str) -> None:
    try:
        send_mail(
            subject=f"[{_('应急管理工作台')}] {text.splitlines()[0][:60]}",
            message=f"{text}\n\n{absolute(url)}",
            from_email=None,
            recipient_list=[address],
            fail_silently=False,
        )
    except OSError as exc:
        raise SendFailed(type(exc).__name__) from exc


def send(delivery: Delivery) -> None:
    channel = delivery.channel
    if channel is None:
        send_mail_to(delivery.recipient.email, delivery.text, delivery.url)
    elif channel.kind == ChannelKind.EMAIL:
        send_mail_to(channel.address, delivery.text, delivery.url)
    else:
        post_to_robot(channel, delivery.text, delivery.url)


def claim(now: datetime.datetime) -> list[Delivery]:
    """Deliveries due now, leased to this worker: pending ones whose time has come and those whose
    worker's lease ran out (it died mid-send). Locked rows are another worker's."""
    with transaction.atomic():
        due = Q(status=DeliveryStatus.PENDING, due_at__lte=now) | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due)
            .select_related("channel", "recipient")
            .order_by("due_at")[:BATCH]
        )
        lease = now + datetime.timedelta(seconds=settings.MESSAGE_LEASE_SECONDS)
        Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(status=DeliveryStatus.SENDING, lease_until=lease)
    return rows


def deliver_pending() -> dict[str, int]:
    """Send what is due, batch by batch; a failing channel is retried later with backoff."""
    tally = {"sent": 0, "failed": 0, "retry": 0}
    while batch := claim(timezone.now()):
        for delivery in batch:
            tally[deliver(delivery)] += 1
    return tally


def deliver(delivery: Delivery) -> str:
    attempts = delivery.attempts + 1
    try:
        send(delivery)
    except SendFailed as exc:
        error = str(exc)[:300]
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
        final = attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            attempts=attempts,
            error=error,
            lease_until=None,
            due_at=timezone.now() + datetime.timedelta(minutes=2 ** (attempts - 1)),
        )
        if delivery.channel_id:
            Channel.objects.filter(pk=delivery.channel_id).update(last_error=error)
        return "failed" if final else "retry"
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, attempts=attempts, sent_at=now, lease_until=None, error=""
    )
    if delivery.channel_id:
        Channel.objects.filter(pk=delivery.channel_id).update(last_sent_at=now, last_error="")
    return "sent"


def test_channel(channel: Channel) -> str | None:
    """Send a test message through `channel` now; the reason it failed, or None."""
    try:
        send(Delivery(channel=channel, key="test", text=str(_("这是一条测试消息：消息渠道已配置成功。")), url=""))
    except SendFailed as exc:
        return str(exc)
    return None


def purge_old_messages(now: datetime.datetime | None = None) -> int:
    """Inbox lines and sent deliveries older than MESSAGE_KEEP_DAYS go (the beat job)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MESSAGE_KEEP_DAYS)
    deleted, _by_model = Message.objects.filter(created_at__lt=cutoff).delete()
    Delivery.objects.filter(created_at__lt=cutoff).exclude(status=DeliveryStatus.PENDING).delete()
    return deleted
