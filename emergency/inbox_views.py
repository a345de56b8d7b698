"""站内消息 and 消息渠道: a user's inbox (the bell's count, the list, read), and the group robots and
mailboxes a unit's staff configure for its messages, with a test message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import notifications
from .generic import require_write
from .models import Channel, ChannelKind, Message, MessagePreference

PER_PAGE = 30


@login_required
def inbox(request):
    mine = Message.objects.visible_to(request.user)
    unread_only = request.GET.get("unread") == "1"
    shown = mine.unread() if unread_only else mine
    page = Paginator(shown.only("text", "url", "kind", "created_at", "read_at"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = notifications.kind_labels()
    rows = [(message, labels.get(message.kind, "")) for message in page]
    return render(
        request,
        "emergency/inbox.html",
        {"page": page, "rows": rows, "unread_only": unread_only, "unread": mine.unread().count()},
    )


@login_required
def inbox_badge(request):
    """The bell's unread count, fetched after the page has loaded: no page pays a query for it."""
    return render(
        request, "emergency/_inbox_badge.html", {"unread": Message.objects.visible_to(request.user).unread().count()}
    )


@login_required
def message_open(request, pk):
    """Open a message's records, marking it read."""
    message = get_object_or_404(Message.objects.visible_to(request.user), pk=pk)
    if message.read_at is None:
        Message.objects.filter(pk=message.pk).update(read_at=timezone.now())
    if message.url.startswith("/") and url_has_allowed_host_and_scheme(message.url, allowed_hosts=None):
        return HttpResponseRedirect(message.url)
    return redirect("emergency:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    n = Message.objects.visible_to(request.user).unread().update(read_at=timezone.now())
    messages.success(request, _("已将%(n)d条消息标为已读") % {"n": n})
    return redirect("emergency:inbox")


class PreferenceForm(forms.ModelForm):
    muted = forms.MultipleChoiceField(
        label=_lazy("这些类别不发邮件"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MessagePreference
        fields = ["email", "muted"]
        widgets = {"email": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted"].choices = sorted(notifications.kind_labels().items(), key=lambda kv: str(kv[1]))


@login_required
def message_settings(request):
    """How the user's messages reach them by e-mail (the inbox always has them all)."""
    preference = MessagePreference.objects.filter(user=request.user).first() or MessagePreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存消息设置"))
        return redirect("emergency:inbox")
    return render(request, "emergency/message_settings.html", {"form": form})


# ---- channels -----------------------------------------------------------------------------------


def configurable(user):
    """The channels a user configures (`Channel.objects.editable_by`); leaders read only."""
    require_write(user, Channel())
    return Channel.objects.editable_by(user).select_related("organization")


class ChannelForm(forms.ModelForm):
    field_order = ["kind", "name", "address", "secret", "is_active"]
    # Secrets are written, never shown again: left blank on an edit, the stored one stays.
    address = forms.CharField(
        label=_lazy("地址"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_lazy("机器人的 Webhook 地址（含 access_token 或 key），或电子邮箱地址；修改时留空表示不变"),
    )
    secret = forms.CharField(
        label=_lazy("加签密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_lazy("钉钉机器人“加签”安全设置的密钥（SEC 开头）；修改时留空表示不变"),
    )

    class Meta:
        model = Channel
        fields = ["kind", "name", "is_active"]

    def clean(self):
        data = super().clean()
        address = data.get("address") or self.instance.address
        if not address:
            self.add_error("address", _("请填写地址"))
            return data
        kind = data.get("kind")
        if kind == ChannelKind.EMAIL:
            try:
                forms.EmailField().clean(address)
            except forms.ValidationError:
                self.add_error("address", _("“%(a)s”不是有效的电子邮箱地址") % {"a": address})
        elif not address.startswith(("http://", "https://")):
            self.add_error("address", _("Webhook 地址须以 http:// 或 https:// 开头"))
        return data

    def save(self, commit=True):
        channel = super().save(commit=False)
        channel.address = self.cleaned_data.get("address") or channel.address
        channel.secret = self.cleaned_data.get("secret") or channel.secret
        if commit:
            channel.save()
        return channel


@login_required
def channel_list(request):
    channels = configurable(request.user).order_by("organization__path", "name")
    return render(request, "emergency/channel_list.html", {"channels": channels})


@login_required
def channel_edit(request, pk=None):
    channels = configurable(request.user)
    channel = get_object_or_404(channels, pk=pk) if pk else Channel(organization=request.user.organization)
    if channel.organization_id is None:
        messages.info(request, _("消息渠道由各单位的工作人员用本单位的账号配置"))
        return redirect("emergency:channel_list")
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存消息渠道“%(n)s”") % {"n": channel.name})
        return redirect("emergency:channel_list")
    return render(request, "emergency/channel_form.html", {"form": form, "channel": channel})


@login_required
@require_POST
def channel_delete(request, pk):
    channel = get_object_or_404(configurable(request.user), pk=pk)
    channel.delete()
    messages.success(request, _("已删除消息渠道“%(n)s”") % {"n": channel.name})
    return redirect("emergency:channel_list")


@login_required
@require_POST
def channel_test(request, pk):
    channel = get_object_or_404(configurable(request.user), pk=pk)
    failure = notifications.test_channel(channel)
    if failure:
        Channel.objects.filter(pk=channel.pk).update(last_error=failure[:300])
        messages.error(request, _("测试消息发送失败：%(e)s") % {"e": failure})
    else:
        Channel.objects.filter(pk=channel.pk).update(last_sent_at=timezone.now(), last_error="")
        messages.success(request, _("测试消息已发送到“%(n)s”，请到群里或邮箱查看") % {"n": channel.name})
    return redirect("emergency:channel_list")
