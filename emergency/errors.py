"""Error pages in the site's own layout and the page's language, each with its reason and a way back."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.utils.translation import gettext as _


def _error_page(request, status: int, title: str, reason: str):
    return render(request, "error.html", {"status": status, "title": title, "reason": reason}, status=status)


def bad_request(request, exception=None):
    # Django's own 400 view renders without the request, so the page would lose its navigation.
    if isinstance(exception, RequestDataTooBig):
        return upload_too_large(request)
    return _error_page(request, 400, _("请求无法处理"), _("提交的内容不完整或格式有误，请返回重新填写。"))


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else _("您的账号没有这项操作的权限。")
    return _error_page(request, 403, _("没有权限"), reason)


def page_not_found(request, exception=None):
    return _error_page(request, 404, _("页面不存在"), _("这个页面不存在，或者记录不在您的管辖范围内。"))


def csrf_failure(request, reason=""):
    return _error_page(request, 403, _("页面已过期"), _("页面打开太久或在别处已退出登录，请返回刷新页面后重新提交。"))


def upload_too_large(request):
    """Also the page nginx shows for its own 413, so both limits read alike."""
    return _error_page(request, 413, _("文件过大"), _("上传的文件超过了大小上限，请拆分后分批上传。"))
