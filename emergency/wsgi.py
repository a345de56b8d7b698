"""The WSGI application gunicorn serves (deploy/gunicorn.conf.py), warmed as it is loaded."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emergency.settings")
application = get_wsgi_application()


def warm() -> None:
    """Do once, as the server starts, what each process would otherwise do in its first requests:
    import the URLconf (every view module), load the translation catalogues and compile our
    templates. gunicorn loads this module in its master (preload_app), so its workers fork warm: in
    the bench's HTTP load the slowest requests had been each worker's first ones."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (imports the views)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("应急管理工作台")
    engine = engines["django"].engine
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(directory.rglob("*.html")):
            engine.get_template(str(path.relative_to(directory)))


warm()
