from django.conf import settings
from django.middleware.locale import LocaleMiddleware
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
