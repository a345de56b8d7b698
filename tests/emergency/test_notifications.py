"""Messages and their delivery, with real receivers: the inbox, a unit's 钉钉/企业微信 robots and
e-mail through a real SMTP server on loopback; once per reminder, retried when a channel fails,
sent again exactly once when a worker died mid-send."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency import notifications
from emergency.models import Channel, ChannelKind, Delivery, DeliveryStatus, Message
from emergency.notifications import Notice
from tests.receivers import robot, smtp_server  # noqa: F401
from tests.worker import celery_worker, wait_for, worker_process  # noqa: F401


def notice(unit, key="k1", text="隐患“灭火器”的整改期限是2026年12月5日", **fields) -> Notice:
    return Notice(unit=unit, key=key, text=text, url="/hazards/1/", **fields)


def test_a_notice_reaches_the_unit_s_people_once_and_never_its_leaders(personas):
    leader_at_school = type(personas.officer_a).objects.create(
        username="school_leader", organization=personas.tree.school_a1, role="leader"
    )
    assert notifications.notify("test", [notice(personas.tree.school_a1)]) == 1
    assert notifications.notify("test", [notice(personas.tree.school_a1)]) == 0  # the same reminder again
    assert list(Message.objects.values_list("recipient__username", flat=True)) == ["officer_a"]
    assert not Message.objects.filter(recipient=leader_at_school).exists()


def test_named_people_outside_the_unit_s_scope_get_nothing(personas):
    """A message names records of its unit: someone elsewhere (officer_b, another district) who is
    named as a recipient still does not get it, the district above does."""
    sent = notice(personas.tree.school_a1, people=(personas.officer_b.pk, personas.district_staff.pk))
    notifications.notify("test", [sent])
    assert list(Message.objects.values_list("recipient__username", flat=True)) == ["district_staff"]


def test_robots_get_the_format_they_expect_and_dingtalk_is_signed(personas, robot):  # noqa: F811
    school = personas.tree.school_a1
    Channel.objects.create(
        organization=school,
        kind=ChannelKind.DINGTALK,
        name="钉钉群",
        address=f"{robot.url}/robot/send?access_token=T1",
        secret="SECabc",
    )
    Channel.objects.create(
        organization=school,
        kind=ChannelKind.WECOM,
        name="企业微信群",
        address=f"{robot.url}/cgi-bin/webhook/send?key=K1",
    )
    notifications.notify("test", [notice(school), notice(school)])
    assert notifications.deliver_pending() == {"sent": 2, "failed": 0, "retry": 0}
    by_path = {path: (query, body) for path, query, body in robot.posts}
    assert len(robot.posts) == 2
    query, body = by_path["/robot/send"]
    assert body["msgtype"] == "text" and body["text"]["content"].startswith("隐患“灭火器”的整改期限")
    assert body["text"]["content"].endswith("/hazards/1/")
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{stamp}\nSECabc".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected] and query["access_token"] == ["T1"]
    query, body = by_path["/cgi-bin/webhook/send"]
    assert query == {"key": ["K1"]} and body["msgtype"] == "text"
    assert notifications.deliver_pending() == {"sent": 0, "failed": 0, "retry": 0}  # nothing twice


def test_people_with_an_address_get_one_email_through_real_smtp(personas, smtp_server, settings):  # noqa: F811
    personas.officer_a.email = "officer@school.example"
    personas.officer_a.save()
    notifications.notify("test", [notice(personas.tree.school_a1)])
    notifications.notify("test", [notice(personas.tree.school_a1)])
    notifications.deliver_pending()
    assert len(smtp_server.messages) == 1
    recipients, mail = smtp_server.messages[0]
    assert recipients == ["officer@school.example"]
    assert "整改期限" in mail["Subject"] and f"{settings.SITE_URL}/hazards/1/" in mail.get_content()


def test_without_an_smtp_server_configured_no_email_is_queued(personas, settings):
    settings.EMAIL_HOST = ""
    personas.officer_a.email = "officer@school.example"
    personas.officer_a.save()
    notifications.notify("test", [notice(personas.tree.school_a1)])
    assert not Delivery.objects.exists() and Message.objects.count() == 1


def test_a_failing_channel_is_retried_with_backoff_and_does_not_hold_up_the_others(personas, robot):  # noqa: F811
    school = personas.tree.school_a1
    broken = Channel.objects.create(
        organization=school, kind=ChannelKind.WECOM, name="坏的", address="http://127.0.0.1:9/nothing-listens"
    )
    Channel.objects.create(organization=school, kind=ChannelKind.WECOM, name="好的", address=f"{robot.url}/ok")
    notifications.notify("test", [notice(school)])
    assert notifications.deliver_pending() == {"sent": 1, "failed": 0, "retry": 1}
    retry = Delivery.objects.get(channel=broken)
    assert retry.status == DeliveryStatus.PENDING and retry.attempts == 1 and retry.due_at > timezone.now()
    broken.refresh_from_db()
    assert broken.last_error
    # When its time comes and the robot is back, it is sent, once.
    Channel.objects.filter(pk=broken.pk).update(address=f"{robot.url}/back")
    Delivery.objects.filter(pk=retry.pk).update(due_at=timezone.now())
    assert notifications.deliver_pending()["sent"] == 1
    assert sorted(path for path, _q, _b in robot.posts) == ["/back", "/ok"]


def test_a_robot_that_refuses_the_key_is_a_failure_not_a_success(personas, robot):  # noqa: F811
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    channel = Channel.objects.create(
        organization=personas.tree.school_a1,
        kind=ChannelKind.DINGTALK,
        name="钉钉",
        address=f"{robot.url}/robot/send?access_token=T",
        secret="SECx",
    )
    notifications.notify("test", [notice(personas.tree.school_a1)])
    assert notifications.deliver_pending()["retry"] == 1
    channel.refresh_from_db()
    assert "310000" in channel.last_error


def test_a_delivery_a_dead_worker_held_is_sent_again_exactly_once(personas, robot, settings):  # noqa: F811
    Channel.objects.create(organization=personas.tree.school_a1, kind=ChannelKind.WECOM, name="群", address=robot.url)
    notifications.notify("test", [notice(personas.tree.school_a1)])
    held = notifications.claim(timezone.now())  # a worker took it, then died before sending
    assert len(held) == 1 and notifications.deliver_pending()["sent"] == 0  # its lease still runs
    later = timezone.now() + datetime.timedelta(seconds=settings.MESSAGE_LEASE_SECONDS + 1)
    assert [d.pk for d in notifications.claim(later)] == [held[0].pk]  # the lease ran out: taken again
    notifications.deliver(held[0])
    assert notifications.deliver_pending()["sent"] == 0
    assert len(robot.posts) == 1


def test_a_real_worker_sends_what_the_reminders_made(personas, robot, celery_worker):  # noqa: F811
    Channel.objects.create(organization=personas.tree.school_a1, kind=ChannelKind.WECOM, name="群", address=robot.url)
    notifications.notify("test", [notice(personas.tree.school_a1)])  # queues the delivery on commit
    wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).exists())
    assert len(robot.posts) == 1


def test_old_messages_are_purged(personas, settings):
    notifications.notify("test", [notice(personas.tree.school_a1)])
    later = timezone.now() + datetime.timedelta(days=settings.MESSAGE_KEEP_DAYS + 1)
    assert notifications.purge_old_messages(later) == 1 and not Message.objects.exists()


# ---- pages ------------------------------------------------------------------------------------


def test_the_inbox_lists_opens_and_marks_read_and_its_query_count_is_pinned(
    client, personas, django_assert_num_queries
):
    notifications.notify("test", [notice(personas.tree.school_a1, key=f"k{i}") for i in range(40)])
    client.force_login(personas.officer_a)
    client.get(reverse("emergency:inbox"))
    with django_assert_num_queries(6):  # session, user, its unit (the bar), the count, the page, the unread
        response = client.get(reverse("emergency:inbox"))
    assert "共 40 条" in response.content.decode()
    badge = client.get(reverse("emergency:inbox_badge")).content.decode()
    assert 'id="inbox-unread"' in badge and ">40<" in badge
    bell = re.search(r'id="inbox-bell" href="([^"]+)"', response.content.decode()).group(1)
    assert "共 40 条" in client.get(bell).content.decode()  # the bell opens exactly the unread it counts
    first = Message.objects.filter(recipient=personas.officer_a).first()
    opened = client.get(reverse("emergency:message_open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/hazards/1/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert "共 39 条" in client.get(reverse("emergency:inbox"), {"unread": "1"}).content.decode()
    client.post(reverse("emergency:inbox_read_all"))
    assert "inbox-unread" not in client.get(reverse("emergency:inbox_badge")).content.decode()


def test_someone_else_s_message_is_not_found(client, personas):
    notifications.notify("test", [notice(personas.tree.school_a1)])
    client.force_login(personas.district_staff)
    message = Message.objects.get()
    assert client.get(reverse("emergency:message_open", args=[message.pk])).status_code == 404


def test_channel_secrets_are_never_shown_again_and_blank_keeps_them(client, personas, robot):  # noqa: F811
    client.force_login(personas.district_staff)
    address = f"{robot.url}/robot/send?access_token=SECRET-TOKEN"
    response = client.post(
        reverse("emergency:channel_add"),
        {"kind": "dingtalk", "name": "区应急群", "address": address, "secret": "SEC-SIGN", "is_active": "on"},
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.organization == personas.tree.district_a and channel.secret == "SEC-SIGN"
    for url in (reverse("emergency:channel_list"), reverse("emergency:channel_edit", args=[channel.pk])):
        page = client.get(url).content.decode()
        assert "SECRET-TOKEN" not in page and "SEC-SIGN" not in page
    client.post(
        reverse("emergency:channel_edit", args=[channel.pk]),
        {"kind": "dingtalk", "name": "区应急工作群", "address": "", "secret": "", "is_active": "on"},
    )
    channel.refresh_from_db()
    assert (channel.name, channel.address, channel.secret) == ("区应急工作群", address, "SEC-SIGN")
    tested = client.post(reverse("emergency:channel_test", args=[channel.pk]), follow=True)
    assert "测试消息已发送" in tested.content.decode() and len(robot.posts) == 1


def test_a_bad_address_is_refused_in_chinese(client, personas):
    client.force_login(personas.district_staff)
    page = client.post(reverse("emergency:channel_add"), {"kind": "email", "name": "邮箱", "address": "not-mail"})
    assert "不是有效的电子邮箱地址" in page.content.decode() and not Channel.objects.exists()
    page = client.post(reverse("emergency:channel_add"), {"kind": "wecom", "name": "群", "address": "ftp://x"})
    assert "须以 http:// 或 https:// 开头" in page.content.decode()


@pytest.mark.parametrize("who", ["leader", "officer_b"])
def test_leaders_configure_nothing_and_nobody_opens_another_unit_s_channel(client, personas, who):
    channel = Channel.objects.create(organization=personas.tree.school_a1, kind="wecom", name="群", address="http://x")
    client.force_login(getattr(personas, who))
    expected = 403 if who == "leader" else 404
    assert client.get(reverse("emergency:channel_edit", args=[channel.pk])).status_code == expected
    assert client.post(reverse("emergency:channel_test", args=[channel.pk])).status_code == expected


def test_whoever_started_a_summary_hears_when_it_is_done(personas):
    from emergency.models import SummaryRun
    from emergency.tasks import compile_summary

    run = SummaryRun.objects.create(organization=personas.tree.city, year=2026, created_by=personas.city_staff)
    compile_summary.apply(args=[run.pk], throw=True)
    compile_summary.apply(args=[run.pk], throw=True)  # sent twice by the broker: claimed once, told once
    (told,) = Message.objects.filter(recipient=personas.city_staff)
    assert told.text == f"{run}已编制完成" and told.url == run.get_absolute_url()
    assert told.kind == "job_finished" and not Message.objects.exclude(pk=told.pk).exists()


def test_a_digest_instead_of_single_mails_and_muted_kinds_are_not_mailed(client, personas, smtp_server):  # noqa: F811
    from emergency.models import MessagePreference

    officer = personas.officer_a
    officer.email = "officer@school.example"
    officer.save()
    client.force_login(officer)
    saved = client.post(reverse("emergency:message_settings"), {"email": "digest", "muted": ["job_finished"]})
    assert saved.status_code == 302
    assert MessagePreference.objects.get(user=officer).muted == ["job_finished"]
    notifications.notify("test", [notice(personas.tree.school_a1, key="a"), notice(personas.tree.school_a1, key="b")])
    notifications.notify("job_finished", [notice(personas.tree.school_a1, key="c", text="导入完成")])
    notifications.deliver_pending()
    assert smtp_server.messages == []  # nothing one by one
    notifications.queue_digests(timezone.localdate())
    notifications.queue_digests(timezone.localdate())  # the beat ran twice
    notifications.deliver_pending()
    (mail,) = [m for _to, m in smtp_server.messages]
    body = mail.get_content()
    assert "2条新消息" in mail["Subject"] and body.count("整改期限") == 2 and "导入完成" not in body


def test_a_worker_killed_mid_send_leaves_it_to_be_sent_again_exactly_once(personas, robot, worker_process):  # noqa: F811
    from emergency.tasks import deliver_messages

    robot.delay = 60  # the robot answers slowly: the worker is mid-send when it dies
    Channel.objects.create(organization=personas.tree.school_a1, kind=ChannelKind.WECOM, name="群", address=robot.url)
    fast = {"MESSAGE_LEASE_SECONDS": "3", "CELERY_VISIBILITY_TIMEOUT": "4"}
    first = worker_process("first", **fast)
    notifications.notify("test", [notice(personas.tree.school_a1)])  # queues the delivery on commit
    wait_for(lambda: len(robot.posts) == 1, timeout=60)
    first.kill()  # SIGKILL: no chance to record anything
    held = Delivery.objects.get()
    assert held.status == DeliveryStatus.SENDING
    robot.delay = 0
    wait_for(lambda: Delivery.objects.get().lease_until < timezone.now())
    worker_process("second", **fast)
    deliver_messages.delay()
    wait_for(lambda: Delivery.objects.get().status == DeliveryStatus.SENT, timeout=60)
    deliver_messages.apply()
    assert len(robot.posts) == 2 and Delivery.objects.get().attempts == 1
