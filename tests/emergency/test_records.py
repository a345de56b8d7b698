"""The leadership group, documents and attachments: scope, history and files served in scope."""

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse

from emergency.models import Attachment, Document, LeadershipGroup, LeadershipMember
from tests.permissions import assert_scope_matrix


def make_group(org, **fields):
    return LeadershipGroup.objects.create(
        organization=org, name=f"{org.name}应急管理工作领导小组", established_on=datetime.date(2026, 1, 5), **fields
    )


def make_document(org, title="工作方案", **fields):
    return Document.objects.create(
        organization=org, title=title, kind="work_plan", issued_on=datetime.date(2026, 2, 1), **fields
    )


def test_scope_matrix_on_leadership_groups(client, personas):
    t = personas.tree
    assert_scope_matrix(
        client, personas, make_group(t.school_a1), make_group(t.school_b1), actions=("detail", "edit", "history")
    )


def test_scope_matrix_on_documents(client, personas):
    t = personas.tree
    assert_scope_matrix(client, personas, make_document(t.school_a1), make_document(t.school_b1))


def test_document_file_is_served_only_in_scope(client, personas):
    doc = make_document(
        personas.tree.school_a1, file=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"), original_name="应急预案.pdf"
    )
    url = reverse("emergency:document_file", args=[doc.pk])
    client.force_login(personas.officer_b)
    assert client.get(url).status_code == 404
    client.force_login(personas.officer_a)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert "attachment" in response["Content-Disposition"]


def test_attachments_are_uploaded_and_served_in_scope(client, personas):
    from django.contrib.contenttypes.models import ContentType

    from drills.models import Drill
    from tests.reliability.records import make

    doc = make(Drill, personas.tree.school_a1, personas.officer_a)  # a record with an attachments panel
    ct = ContentType.objects.get_for_model(Drill)
    client.force_login(personas.officer_b)
    photo = ContentFile(b"\x89PNG fake", name="drill.png")
    assert (
        client.post(
            reverse("emergency:attachment_add", args=[ct.pk, doc.pk]), {"kind": "photo", "file": photo}
        ).status_code
        == 404
    )
    client.force_login(personas.officer_a)
    photo = ContentFile(b"\x89PNG fake", name="drill.png")
    client.post(reverse("emergency:attachment_add", args=[ct.pk, doc.pk]), {"kind": "photo", "file": photo})
    attachment = Attachment.objects.get()
    assert attachment.organization == personas.tree.school_a1
    exe = ContentFile(b"MZ", name="virus.exe")
    client.post(reverse("emergency:attachment_add", args=[ct.pk, doc.pk]), {"kind": "photo", "file": exe})
    assert Attachment.objects.count() == 1
    client.force_login(personas.officer_b)
    assert client.get(reverse("emergency:attachment_file", args=[attachment.pk])).status_code == 404
    client.force_login(personas.leader)
    assert client.get(reverse("emergency:attachment_file", args=[attachment.pk])).status_code == 200
    assert client.post(reverse("emergency:attachment_delete", args=[attachment.pk])).status_code == 403


def test_group_as_it_stood_on_a_day(personas):
    group = make_group(personas.tree.city)
    LeadershipMember.objects.create(
        group=group, name="甲", title="局长", group_role="leader", joined_on=datetime.date(2026, 1, 5)
    )
    LeadershipMember.objects.create(
        group=group,
        name="乙",
        title="副局长",
        group_role="deputy",
        joined_on=datetime.date(2026, 1, 5),
        left_on=datetime.date(2026, 6, 30),
    )
    LeadershipMember.objects.create(
        group=group, name="丙", title="副局长", group_role="deputy", joined_on=datetime.date(2026, 7, 1)
    )
    names = lambda d: sorted(m.name for m in group.members_on(d))  # noqa: E731
    assert names(datetime.date(2026, 3, 1)) == ["乙", "甲"]
    assert names(datetime.date(2026, 8, 1)) == ["丙", "甲"]


def test_history_shows_who_changed_which_field(client, personas):
    doc = make_document(personas.tree.school_a1, title="旧标题")
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("emergency:document_edit", args=[doc.pk]),
        {
            "organization": "SA1",
            "title": "新标题",
            "number": "",
            "kind": "work_plan",
            "issued_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("emergency:document_history", args=[doc.pk])).content.decode()
    assert "officer_a" in page and "旧标题" in page and "新标题" in page and "标题" in page


def test_bulk_writes_are_in_history_too(personas):
    from pghistory.models import Events

    group = make_group(personas.tree.city)
    LeadershipGroup.objects.filter(pk=group.pk).update(office_in_charge="局行政办公室")
    labels = [e.pgh_label for e in Events.objects.tracks(group).order_by("pgh_created_at")]
    assert labels == ["insert", "update"]


def test_leader_cannot_write_by_form(client, personas):
    client.force_login(personas.leader)
    assert client.get(reverse("emergency:document_add")).status_code == 403
    assert client.post(reverse("emergency:document_add"), {"title": "x"}).status_code == 403
    assert not Document.objects.exists()


def test_a_record_cannot_be_moved_out_of_scope(client, personas):
    doc = make_document(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("emergency:document_edit", args=[doc.pk]),
        {
            "organization": "SB1",
            "title": "x",
            "kind": "work_plan",
            "issued_on": "2026-02-01",
        },
    )
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    doc.refresh_from_db()
    assert doc.organization == personas.tree.school_a1


def test_the_bureau_filter_lists_the_visible_bureaus_and_keeps_the_choice(client, personas):
    t = personas.tree
    t.district_b.name = "区县B<教育局>"  # labels are escaped
    t.district_b.save()
    make_document(t.school_a1, title="A校方案")
    make_document(t.school_b1, title="B校方案")
    client.force_login(personas.district_staff)
    page = client.get(reverse("emergency:document_list"), {"org": t.district_a.pk}).content.decode()
    assert f'<option value="{t.district_a.pk}" selected>区县A教育局</option>' in page
    assert "区县B" not in page and "A校方案" in page and "B校方案" not in page  # district A's bureaus only
    client.force_login(personas.city_staff)
    page = client.get(reverse("emergency:document_list"), {"org": t.district_b.pk}).content.decode()
    assert f'<option value="{t.district_b.pk}" selected>区县B&lt;教育局&gt;</option>' in page
    assert f'<option value="{t.city.pk}">市教育局</option>' in page
    assert "B校方案" in page and "A校方案" not in page
    assert client.get(reverse("emergency:document_list"), {"org": t.school_a1.pk}).status_code == 200  # not offered


def test_a_list_counts_only_up_to_its_limit(client, personas, monkeypatch):
    from emergency.generic import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "limit", 60)  # 50 a page: the limit's rows fill two pages
    for n in range(70):
        make_document(personas.tree.school_a1, title=f"方案{n:02d}")
    client.force_login(personas.city_staff)
    url = reverse("emergency:document_list")
    page = client.get(url).content.decode()
    assert "超过 60 条，列出前 60 条" in page and "共 70 条" not in page
    second = client.get(url, {"page": 2})
    assert second.context["table"].page.number == 2 and len(second.context["table"].page.object_list) == 10
    assert client.get(url, {"page": 3}).context["table"].page.number == 2  # no page past the limit
    assert "共 10 条" in client.get(url, {"q": "方案0"}).content.decode()  # narrowed: counted exactly
    book = client.get(url, {"export": "xlsx"})
    assert book.status_code == 200  # the export is not capped: checked on its rows below
    import io

    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(book.content)).active.max_row >= 71
