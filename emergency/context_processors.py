from django.urls import reverse

from . import registry
from .generic import permitted_url


def navigation(request):
    """The navigation bar: the areas that exist (registered by their apps), each with the pages of
    its menu the user may open (a leader is not offered 新增预案)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_areas": []}
    areas = []
    for area in registry.areas:
        links = [(label, url) for label, name in area.links if (url := permitted_url(user, name))]
        areas.append({"label": area.label, "url": reverse(area.url_name), "links": links})
    return {"nav_areas": areas}
