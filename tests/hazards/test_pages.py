"""Pages of the hazard area: scope on every page, pinned query counts, the forms' rules, the campaign
page's progress, supervision and notices, and the home panel."""

import datetime
import io

import pytest
from django.urls import reverse

from drills.models import Drill
from emergency.models import Attachment, AttachmentKind, Role
from hazards.choices import HazardLevel, HazardStatus, NoticeKind
from hazards.models import CampaignReport, Hazard, HazardNotice, InspectionCampaign
from hazards.panels import home_items
from tests.factories import make_org, make_user
from tests.permissions import assert_scope_matrix

from .helpers import department, make_campaign, make_hazard, walk

# ---- scope ------------------------------------------------------------------------------------


def test_scope_matrix_on_hazards(client, personas):
    t = personas.tree
    assert assert_scope_matrix(client, personas, make_hazard(t.school_a1), make_hazard(t.school_b1)) > 30


def test_scope_matrix_on_campaigns(client, personas):
    t = personas.tree
    inside = make_campaign(t.school_a1, "一小自查")
    outside = make_campaign(t.school_b1, "B区一小自查")
    assert assert_scope_matrix(client, personas, inside, outside) > 30


def test_school_officer_cannot_see_other_schools_hazard_in_any_list(client, personas):
    make_hazard(
        personas.tree.school_b1,
        description="B区一小围墙裂缝",
        level=HazardLevel.MAJOR,
        deadline=datetime.date(2026, 1, 20),
    )
    client.force_login(personas.officer_a)
    for name in ("hazards:hazard_list", "hazards:supervision", "hazards:hazardnotice_list"):
        assert "B区一小围墙裂缝" not in client.get(reverse(name)).content.decode()
    export = client.get(reverse("hazards:hazard_list") + "?export=xlsx")
    assert "B区一小".encode() not in export.content


def test_school_sees_the_city_campaign_covering_it_but_cannot_change_it(client, personas):
    t = personas.tree
    city_round = make_campaign(t.city, "全市春节安全自查")
    only_b = make_campaign(t.city, "B区专项检查", kind="special", scope=[t.district_b])
    client.force_login(personas.officer_a)
    listing = client.get(reverse("hazards:inspectioncampaign_list")).content.decode()
    assert city_round.get_absolute_url() in listing and only_b.get_absolute_url() not in listing
    assert client.get(city_round.get_absolute_url()).status_code == 200
    assert client.get(only_b.get_absolute_url()).status_code == 404
    assert client.get(reverse("hazards:inspectioncampaign_edit", args=[city_round.pk])).status_code == 403
    assert client.post(reverse("hazards:inspectioncampaign_delete", args=[city_round.pk])).status_code == 403
    assert InspectionCampaign.objects.filter(pk=city_round.pk).exists()


def test_covering_follows_the_chosen_scope(personas):
    t = personas.tree
    whole = make_campaign(t.city, "全市")
    district = make_campaign(t.city, "A区", scope=[t.district_a])
    school = make_campaign(t.city, "二小", scope=[t.school_a2])
    own = make_campaign(t.school_a1, "一小自己")
    covering = set(InspectionCampaign.objects.covering(t.school_a1).values_list("title", flat=True))
    assert covering == {"全市", "A区", "一小自己"}
    assert whole.covers(t.school_a1) and district.covers(t.school_a1) and not school.covers(t.school_a1)
    assert own.covers(t.school_a1) and not own.covers(t.school_a2)
    assert set(district.units_in_scope().values_list("code", flat=True)) == {"SA1", "SA2"}


# ---- query counts ----------------------------------------------------------------------------


def add_hazards(tree, n):
    campaign = make_campaign(tree.city, "全市自查")
    for i in range(n):
        org = (tree.school_a1, tree.school_a2, tree.school_b1)[i % 3]
        make_hazard(org, description=f"隐患{i}", campaign=campaign, deadline=datetime.date(2026, 1, 20))


@pytest.mark.parametrize("n", [1, 30])
def test_hazard_list_query_count_is_pinned(client, personas, django_assert_num_queries, n):
    add_hazards(personas.tree, n)
    client.force_login(personas.city_staff)
    # session, user, user's organisation, count, page of hazards with organisations and campaigns,
    # bureaus drop-down, campaigns drop-down
    with django_assert_num_queries(7):
        assert client.get(reverse("hazards:hazard_list")).status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_supervision_list_query_count_is_pinned(client, personas, django_assert_num_queries, n):
    add_hazards(personas.tree, n)
    client.force_login(personas.district_staff)
    # session, user, user's organisation, count, page of overdue/major hazards with supervision
    # counts, bureaus drop-down, campaigns drop-down
    with django_assert_num_queries(7):
        response = client.get(reverse("hazards:supervision"))
    assert response.status_code == 200 and "隐患0" in response.content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_campaign_list_query_count_is_pinned(client, personas, django_assert_num_queries, n):
    for i in range(n):
        make_campaign(personas.tree.city, f"自查{i}")
    client.force_login(personas.officer_a)
    # session, user, user's organisation, count, page of campaigns with organiser, focus period and
    # hazard count, bureaus drop-down, focus periods drop-down
    with django_assert_num_queries(7):
        assert client.get(reverse("hazards:inspectioncampaign_list")).status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_notice_list_query_count_is_pinned(client, personas, django_assert_num_queries, n):
    for i in range(n):
        hazard = make_hazard(personas.tree.school_a1, description=f"隐患{i}")
        HazardNotice.objects.create(
            organization=hazard.organization,
            hazard=hazard,
            kind=NoticeKind.SUPERVISION,
            text="请整改",
            issuer=personas.tree.city,
        )
    client.force_login(personas.officer_a)
    # session, user, user's organisation, count, page of notices with hazards, organisations and
    # issuers, bureaus drop-down
    with django_assert_num_queries(6):
        assert client.get(reverse("hazards:hazardnotice_list")).status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_campaign_page_query_count_is_pinned(client, personas, django_assert_num_queries, n):
    add_hazards(personas.tree, n)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(InspectionCampaign)  # cached for the process in real use
    campaign = InspectionCampaign.objects.get()
    client.force_login(personas.city_staff)
    # session, user, user's organisation, campaign with organiser and focus period, its scope,
    # may-manage check, schools by district, hazards by district, district names, attachments
    with django_assert_num_queries(10):
        assert client.get(campaign.get_absolute_url()).status_code == 200


# ---- forms -----------------------------------------------------------------------------------


def hazard_form(**fields):
    data = {
        "organization": "SA1",
        "campaign": "",
        "found_on": "2026-01-15",
        "category": "fire",
        "level": "general",
        "description": "图书馆应急照明灯损坏",
        "location": "图书馆",
        "responsible": "王老师",
        "measures": "",
        "deadline": "",
    }
    data.update(fields)
    return data


def test_school_officer_reports_a_hazard_and_its_registration_is_kept(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(reverse("hazards:hazard_add"), hazard_form())
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert hazard.status == HazardStatus.PENDING and hazard.created_by == personas.officer_a
    step = hazard.transitions.get()
    assert (step.action, step.to_status, step.user) == ("register", "pending", personas.officer_a)


def test_form_refuses_a_major_hazard_without_deadline_and_a_campaign_not_covering_the_school(client, personas):
    b_only = make_campaign(personas.tree.city, "B区专项", scope=[personas.tree.district_b])
    client.force_login(personas.city_staff)
    body = client.post(reverse("hazards:hazard_add"), hazard_form(level="major", campaign=b_only.pk)).content.decode()
    assert "重大隐患必须规定整改期限" in body and "不包括单位" in body
    body = client.post(reverse("hazards:hazard_add"), hazard_form(found_on="2099-01-01")).content.decode()
    assert "发现日期不能晚于今天" in body
    assert not Hazard.objects.exists()


def test_form_refuses_a_second_hazard_with_the_same_natural_key(client, personas):
    make_hazard(personas.tree.school_a1, description="图书馆应急照明灯损坏")
    client.force_login(personas.officer_a)
    response = client.post(reverse("hazards:hazard_add"), hazard_form())
    assert response.status_code == 200 and Hazard.objects.count() == 1


def test_status_cannot_be_set_by_the_edit_form_and_closed_hazards_are_final(client, personas):
    hazard = make_hazard(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    client.post(reverse("hazards:hazard_edit", args=[hazard.pk]), hazard_form(status="closed", location="新位置"))
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING and hazard.location == "新位置"
    walk(hazard, HazardStatus.CLOSED, personas.officer_a, personas.district_staff)
    assert client.get(reverse("hazards:hazard_edit", args=[hazard.pk])).status_code == 403
    assert client.post(reverse("hazards:hazard_delete", args=[hazard.pk])).status_code == 403
    assert Hazard.objects.filter(pk=hazard.pk).exists()


def campaign_form(**fields):
    data = {
        "organization": "C",
        "title": "全市联合检查",
        "kind": "joint",
        "focus_period": "",
        "start_date": "2026-03-01",
        "end_date": "2026-03-10",
        "lead": "市政府",
        "content": "",
        "departments": [],
        "scope_codes": "",
    }
    data.update(fields)
    return data


def test_joint_inspection_names_departments_and_records_their_signoff(client, personas):
    ids = [department("公安").pk, department("消防").pk]
    client.force_login(personas.city_staff)
    body = client.post(reverse("hazards:inspectioncampaign_add"), campaign_form()).content.decode()
    assert "联合检查至少要选择一个参加部门" in body
    response = client.post(reverse("hazards:inspectioncampaign_add"), campaign_form(departments=ids, scope_codes="DA"))
    campaign = InspectionCampaign.objects.get()
    assert response.status_code == 302
    assert [o.code for o in campaign.scope.all()] == ["DA"]
    signoffs = list(campaign.signoffs.select_related("department"))
    assert [s.department.name for s in signoffs] == ["公安", "消防"] and not any(s.is_signed for s in signoffs)
    url = reverse("hazards:campaign_signoff", args=[signoffs[0].pk])
    client.force_login(personas.district_staff)  # the organiser's side signs off, not a district
    assert client.post(url, {"signed_by": "张警官", "signed_on": "2026-03-05"}).status_code == 403
    client.force_login(personas.city_staff)
    client.post(url, {"signed_by": "张警官", "signed_on": "2026-03-05"})
    signoffs[0].refresh_from_db()
    assert (signoffs[0].signed_by, signoffs[0].signed_on) == ("张警官", datetime.date(2026, 3, 5))
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "张警官" in page and "未会签" in page


def test_campaign_scope_must_lie_below_the_organiser(client, personas):
    client.force_login(personas.district_staff)
    body = client.post(
        reverse("hazards:inspectioncampaign_add"),
        campaign_form(organization="DA", kind="self", lead="", scope_codes="SB1"),
    ).content.decode()
    assert "不存在或不在您的管辖范围内" in body
    client.force_login(personas.city_staff)
    body = client.post(
        reverse("hazards:inspectioncampaign_add"),
        campaign_form(organization="DA", kind="self", lead="", scope_codes="SB1"),
    ).content.decode()
    assert "不在组织单位的下级范围内" in body
    assert not InspectionCampaign.objects.exists()


# ---- campaign progress -----------------------------------------------------------------------


def test_campaign_page_shows_progress_by_district_as_far_as_the_user_sees(client, personas):
    t = personas.tree
    campaign = make_campaign(t.city, "全市春节自查")
    CampaignReport.objects.create(campaign=campaign, organization=t.school_a2, reported_on=datetime.date(2026, 1, 12))
    make_hazard(t.school_a1, campaign=campaign, deadline=datetime.date(2026, 1, 20))  # overdue
    walk(
        make_hazard(t.school_a1, description="b", campaign=campaign),
        HazardStatus.CLOSED,
        personas.officer_a,
        personas.district_staff,
    )
    walk(make_hazard(t.school_b1, description="c", campaign=campaign), HazardStatus.REVIEW, personas.officer_b)
    make_hazard(t.school_b1, description="不属于这个行动")
    client.force_login(personas.city_staff)
    context = client.get(campaign.get_absolute_url()).context
    assert context["progress"] == {"units": 3, "reported": 3, "found": 3, "closed": 1, "overdue": 1, "review": 1}
    rows = {r["name"]: r for r in context["progress_rows"]}
    assert rows["区县A教育局"] == {
        "name": "区县A教育局",
        "units": 2,
        "reported": 2,
        "found": 2,
        "closed": 1,
        "overdue": 1,
        "review": 0,
    }
    client.force_login(personas.district_staff)  # district A sees its own schools only
    context = client.get(campaign.get_absolute_url()).context
    assert context["progress"] == {"units": 2, "reported": 2, "found": 2, "closed": 1, "overdue": 1, "review": 0}
    assert [r["name"] for r in context["progress_rows"]] == ["A区第一小学", "A区第二小学"]
    client.force_login(personas.officer_b)
    assert client.get(campaign.get_absolute_url()).context["progress"]["found"] == 1


def test_school_reports_a_campaign_with_nothing_found(client, personas):
    campaign = make_campaign(personas.tree.city, "全市春节自查")
    client.force_login(personas.officer_a)
    url = reverse("hazards:campaign_report", args=[campaign.pk])
    client.post(url, {"reported_on": "2026-01-12", "inspected_by": "李老师", "note": "未发现隐患"})
    client.post(url, {"reported_on": "2026-01-13", "inspected_by": "李老师", "note": "复查未发现隐患"})
    report = CampaignReport.objects.get()
    assert (report.organization, report.reported_on, report.note) == (
        personas.tree.school_a1,
        datetime.date(2026, 1, 13),
        "复查未发现隐患",
    )
    client.force_login(personas.leader)
    assert client.post(url, {"reported_on": "2026-01-12"}).status_code == 403
    b_only = make_campaign(personas.tree.city, "B区", scope=[personas.tree.district_b])
    client.force_login(personas.officer_a)
    assert client.post(reverse("hazards:campaign_report", args=[b_only.pk]), {}).status_code == 404


# ---- supervision, notices, photos and home ---------------------------------------------------


def test_upper_level_supervises_and_the_school_sees_and_acknowledges_it(client, personas):
    hazard = make_hazard(personas.tree.school_a1, deadline=datetime.date(2026, 1, 20))
    url = reverse("hazards:hazardnotice_add", args=[hazard.pk])
    client.force_login(personas.officer_a)
    client.post(url, {"text": "自己督办自己"})
    assert not HazardNotice.objects.exists()
    client.force_login(personas.leader)
    assert client.post(url, {}).status_code == 403
    client.force_login(personas.district_staff)
    listing = client.get(reverse("hazards:supervision")).content.decode()
    assert hazard.get_absolute_url() in listing
    client.post(url, {"text": "", "respond_by": "2026-02-01"})
    notice = HazardNotice.objects.get()
    assert notice.kind == NoticeKind.SUPERVISION and notice.issuer == personas.tree.district_a
    assert "已超过整改期限" in notice.text and notice.organization == personas.tree.school_a1

    client.force_login(personas.officer_a)
    home = client.get(reverse("home")).content.decode()
    assert "督办通知待签收" in home
    client.post(reverse("hazards:hazardnotice_acknowledge", args=[notice.pk]), {"reply": "正在整改"})
    notice.refresh_from_db()
    assert notice.acknowledged_by == personas.officer_a and notice.reply == "正在整改"
    assert "督办通知待签收" not in client.get(reverse("home")).content.decode()


def test_only_the_responsible_school_acknowledges(client, personas):
    hazard = make_hazard(personas.tree.school_a1)
    notice = HazardNotice.objects.create(
        organization=hazard.organization, hazard=hazard, kind=NoticeKind.SUPERVISION, text="请整改"
    )
    url = reverse("hazards:hazardnotice_acknowledge", args=[notice.pk])
    client.force_login(personas.officer_b)
    assert client.post(url).status_code == 404
    client.force_login(personas.district_staff)
    client.post(url)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_closing_a_hazard_closes_its_notices(personas):
    hazard = make_hazard(personas.tree.school_a1)
    HazardNotice.objects.create(organization=hazard.organization, hazard=hazard, kind="supervision", text="请整改")
    assert HazardNotice.objects.still_open().count() == 1
    walk(hazard, HazardStatus.CLOSED, personas.officer_a, personas.district_staff)
    assert HazardNotice.objects.still_open().count() == 0


def test_before_and_after_photos_are_offered_on_the_hazard_page(client, personas):
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    hazard = make_hazard(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "整改前照片" in page and "整改后照片" in page
    ct = ContentType.objects.get_for_model(Hazard)
    photo = ContentFile(b"\x89PNG fake", name="before.png")
    client.post(reverse("emergency:attachment_add", args=[ct.pk, hazard.pk]), {"kind": "before", "file": photo})
    attachment = Attachment.objects.get()
    assert attachment.kind == AttachmentKind.BEFORE and attachment.organization == personas.tree.school_a1


def test_the_photos_of_a_closed_hazard_are_kept_and_offered_no_delete(client, personas):
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    hazard = make_hazard(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    photo = ContentFile(b"\x89PNG fake", name="after.png")
    ct = ContentType.objects.get_for_model(Hazard)
    client.post(reverse("emergency:attachment_add", args=[ct.pk, hazard.pk]), {"kind": "after", "file": photo})
    delete = reverse("emergency:attachment_delete", args=[Attachment.objects.get().pk])
    client.force_login(personas.district_staff)
    assert delete in client.get(hazard.get_absolute_url()).content.decode()
    walk(hazard, HazardStatus.CLOSED, personas.officer_a, personas.district_staff)
    assert delete not in client.get(hazard.get_absolute_url()).content.decode()
    response = client.post(delete)
    assert response.status_code == 403 and "已销号的隐患不能修改或删除" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_home_panel_counts_what_each_level_must_do(personas, django_assert_num_queries):
    t = personas.tree
    walk(make_hazard(t.school_a1, description="a"), HazardStatus.REVIEW, personas.officer_a)
    make_hazard(t.school_a1, description="b", deadline=datetime.date(2026, 1, 20))
    make_hazard(t.school_b1, description="c", level=HazardLevel.MAJOR, deadline=datetime.date(2099, 1, 1))

    def panel(user, queries):
        with django_assert_num_queries(queries):
            return {item.text: item.count for item in home_items(user) if item.count}

    assert panel(personas.officer_a, 2) == {"本单位未销号隐患": 2, "逾期未整改隐患数": 1}
    assert panel(personas.district_staff, 2) == {"下级单位待复查隐患": 1, "逾期未整改隐患数": 1}
    assert panel(personas.city_staff, 2) == {
        "下级单位待复查隐患": 1,
        "逾期未整改隐患数": 1,
        "辖区未销号重大隐患": 1,
    }
    assert panel(personas.leader, 1) == {"下级单位待复查隐患": 1, "逾期未整改隐患数": 1, "辖区未销号重大隐患": 1}


def test_a_school_staff_member_is_the_school_side_too(client, personas):
    school = make_org("SA9", parent=personas.tree.district_a)
    staff = make_user("school_staff", school, Role.STAFF)
    hazard = make_hazard(school)
    assert hazard.available_actions(staff) == ["start"]
    assert {i.text for i in home_items(staff) if i.count} == {"本单位未销号隐患"}


def test_supervision_export_is_plain_text(client, personas):
    from openpyxl import load_workbook

    make_hazard(personas.tree.school_a1, deadline=datetime.date(2026, 1, 20))
    client.force_login(personas.district_staff)
    response = client.get(reverse("hazards:supervision") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert "待整改（逾期）" in rows[1] and not any("<span" in str(c) for c in rows[1])


@pytest.mark.parametrize("name", ["hazards:inspectioncampaign_list", "hazards:hazardnotice_list"])
def test_lists_without_an_import_kind_export_too(client, personas, name):
    from openpyxl import load_workbook

    hazard = make_hazard(personas.tree.school_a1, campaign=make_campaign(personas.tree.city, "全市自查"))
    HazardNotice.objects.create(organization=hazard.organization, hazard=hazard, kind="supervision", text="请整改")
    client.force_login(personas.officer_a)
    rows = list(load_workbook(io.BytesIO(client.get(reverse(name) + "?export=xlsx").content)).active.values)
    assert len(rows) == 2 and ("全市自查" in rows[1] or "A区第一小学" in rows[1])


def test_campaign_list_counts_only_the_hazards_the_user_may_see(client, personas):
    t = personas.tree
    campaign = make_campaign(t.city, "全市自查")
    make_hazard(t.school_a1, campaign=campaign)
    make_hazard(t.school_b1, campaign=campaign, description="B区的")
    make_hazard(t.school_b1, campaign=campaign, description="B区的2")
    for user, count in ((personas.officer_a, 1), (personas.officer_b, 2), (personas.city_staff, 3)):
        client.force_login(user)
        table = client.get(reverse("hazards:inspectioncampaign_list")).context["table"]
        assert [r.record.hazard_count for r in table.rows] == [count]


def test_a_hazard_found_in_a_drill_is_registered_from_the_drill(client, personas):
    drill = Drill.objects.create(
        organization=personas.tree.school_a1, name="消防疏散演练", held_on=datetime.date(2026, 3, 2), drill_type="fire"
    )
    client.force_login(personas.officer_a)
    page = client.get(drill.get_absolute_url()).content.decode()
    assert f"?drill={drill.pk}" in page
    form = client.get(reverse("hazards:hazard_add") + f"?drill={drill.pk}").context["form"]
    assert form.initial["drill"] == drill.pk and form.initial["organization"] == "SA1"
    response = client.post(
        reverse("hazards:hazard_add"),
        {
            "organization": "SA1",
            "drill": drill.pk,
            "found_on": "2026-03-02",
            "category": "fire",
            "level": "general",
            "description": "疏散通道堆放杂物",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hazard = Hazard.objects.get()
    assert hazard.drill == drill
    client.force_login(personas.officer_b)
    assert client.get(reverse("hazards:hazard_add") + f"?drill={drill.pk}").context["form"].initial.get("drill") is None


def test_supervision_list_counts_each_hazards_supervision_notices(client, personas):
    from openpyxl import load_workbook

    t = personas.tree
    twice = make_hazard(t.school_a1, description="督办两次", deadline=datetime.date(2026, 1, 20))
    never = make_hazard(t.school_a2, description="未督办", deadline=datetime.date(2026, 1, 20))
    for kind in (NoticeKind.SUPERVISION, NoticeKind.SUPERVISION, NoticeKind.REMINDER):
        HazardNotice.objects.create(organization=t.school_a1, hazard=twice, kind=kind, text="请整改")
    client.force_login(personas.district_staff)
    url = reverse("hazards:supervision")
    rows = list(load_workbook(io.BytesIO(client.get(url + "?export=xlsx").content)).active.values)
    column = rows[0].index("已督办次数")
    counts = {row[rows[0].index("隐患描述")]: row[column] for row in rows[1:]}
    assert counts == {twice.description: 2, never.description: 0}
    page = client.get(url, {"sort": "-supervision_count"}).content.decode()
    assert page.index("督办两次") < page.index("未督办")
