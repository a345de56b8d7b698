"""Every role's pages fit the screen: no sideways scrolling on a 1366 px laptop or a 390 px phone,
in Chinese and in English; a leader sent to a forbidden page sees why, with the navigation bar."""

import pytest
from django.conf import settings

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e

PAGES = ("/", "/drills/", "/accounts/password/", "/dashboard/")
WIDTHS = (1366, 390)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_roles_pages_fit_laptop_and_phone(browser, live_server, personas, language):
    from emergency.models import Message, User

    # A three-digit unread count on the bell: the widest the bar gets.
    Message.objects.bulk_create(
        Message(
            recipient=user, kind="test", text="提醒", organization=user.organization or personas.tree.city, key=f"k{i}"
        )
        for user in User.objects.all()
        for i in range(100)
    )
    for name in personas.all():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, name)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for path in PAGES:
                page.goto(path)
                page.wait_for_selector("#inbox-unread")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    screenshot(page, f"wide-{name}-{language}-{width}")
                where = f"{name} {language} {path} at {width} px: {scroll_width} px wide"
                assert scroll_width <= width, f"{where}: {widest(page, width)}"
                if width < 992:  # the brand, the bell and the menu button share one row
                    tops = page.evaluate(
                        "['.navbar-brand', '#inbox-bell', '.navbar-toggler']"
                        ".map(s => Math.round(document.querySelector(s).getBoundingClientRect().top))"
                    )
                    assert max(tops) - min(tops) < 20, f"{where}: the bar wraps ({tops})"
            screenshot(page, f"nav-{name}-{language}-{width}")
        context.close()


def widest(page, width: int) -> list[str]:
    """The elements reaching past the viewport, to say where the overflow is."""
    return page.evaluate(
        """w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 40))""",
        width,
    )


def test_a_leader_following_a_forbidden_link_gets_the_chinese_403_page(page, personas):
    login(page, "leader")
    response = page.goto("/drills/add/")
    assert response.status == 403
    assert "局领导账号只能查看，不能修改记录" in page.inner_text("main")
    assert "领导驾驶舱" in page.inner_text("nav")
