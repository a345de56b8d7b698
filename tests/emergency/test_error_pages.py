"""Error pages: the site's layout, the page's language, the reason the code gives and a way back."""

from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory
from django.urls import reverse

from emergency import errors


def test_a_leader_refused_a_write_sees_the_reason_in_the_sites_layout(client, personas):
    client.force_login(personas.leader)
    response = client.get(reverse("emergency:document_add"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "局领导账号只能查看，不能修改记录" in page
    assert 'class="navbar' in page and "领导驾驶舱" in page and "返回首页" in page


def test_the_403_page_follows_the_chosen_language(client, personas):
    client.force_login(personas.leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("emergency:document_add")).content.decode()
    assert "Permission denied" in page and "Back to the home page" in page


def test_out_of_scope_is_a_404_page_with_the_navigation(client, personas):
    client.force_login(personas.officer_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'class="navbar' in page


def test_a_form_posted_without_its_csrf_token_says_to_reload(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer_a)
    response = client.post(reverse("emergency:document_add"), {"title": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_a_body_past_the_limit_gets_the_upload_too_large_page(personas):
    request = RequestFactory().post("/")
    request.user = personas.officer_a
    response = errors.bad_request(request, RequestDataTooBig())
    assert response.status_code == 413 and "文件过大" in response.content.decode()


def test_the_500_page_renders_without_a_request(client):
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "服务器出错" in page and 'href="/"' in page
