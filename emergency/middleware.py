import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the switch in the navigation bar.

    Django's own middleware would follow the browser's Accept-Language, so a bureau computer set
    up in English would show English pages nobody asked for."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        codes = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in codes else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class PasswordChangeRequiredMiddleware:
    """An account with a first or reset password reaches only the password change (and logging
    out, and the language switch) until the password is changed."""

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in self.ALLOWED:
                return redirect("password_change")
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, which django-axes keys lockouts on (with the username).

    X-Forwarded-For is believed only when the request comes from one of TRUSTED_PROXIES, and
    then only its right-most entry, the peer that proxy saw: anything further left was written
    by the client and may be forged."""
    peer = request.META.get("REMOTE_ADDR")
    if not peer or not _is_trusted_proxy(peer):
        return peer
    from ipware.ip import get_client_ip

    forwarded, _routable = get_client_ip(
        request, proxy_count=0, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
    )
    return forwarded or peer


def _is_trusted_proxy(peer: str) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)
