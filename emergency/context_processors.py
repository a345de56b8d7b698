from . import registry


def navigation(request):
    """The navigation bar: only the areas that exist (registered by their apps)."""
    return {"nav_areas": registry.areas}
