"""One door for writing: each model's write rule (`write_refusal`, `editable_by`) refuses generic
pages, function views and their buttons alike, and a leader hears one message for the one reason."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from drills.models import Drill
from emergency.models import Document, Organization, SummaryRun
from hazards.models import Hazard, InspectionCampaign
from supplies.models import StockMovement, SupplyAlert, SupplyItem
from tests.drills.helpers import make_drill
from tests.hazards.helpers import make_campaign, make_hazard

READ_ONLY = "局领导账号只能查看，不能"


@pytest.fixture
def records(personas):
    tree = personas.tree
    return {
        "campaign": make_campaign(tree.city, scope=[tree.school_a1]),
        "hazard": make_hazard(tree.school_a1),
        "drill": make_drill(tree.school_a1),
    }


# (method, URL name, the record it names) of pages of every kind that write: generic, function
# views refused by their decorator, function views that look their record up first.
WRITES = [
    ("get", "emergency:document_add", None),
    ("get", "supplies:stockmovement_add", None),
    ("post", "supplies:supplyalert_refresh", None),
    ("get", "duty:roster_build", None),
    ("post", "emergency:summaryrun_list", None),
    ("post", "hazards:campaign_report", "campaign"),
    ("post", "hazards:hazardnotice_add", "hazard"),
    ("post", "drills:drill_flag_plan", "drill"),
]


@pytest.mark.parametrize(("method", "name", "record"), WRITES)
def test_a_leader_is_refused_every_write_with_the_one_message(client, personas, records, method, name, record):
    client.force_login(personas.leader)
    url = reverse(name, args=[records[record].pk] if record else [])
    response = getattr(client, method)(url)
    assert response.status_code == 403
    assert READ_ONLY in response.content.decode()


def test_the_message_names_the_work_refused(personas, records):
    leader = personas.leader
    assert Document.objects.write_refusal(leader) == "局领导账号只能查看，不能修改记录"
    assert StockMovement.objects.write_refusal(leader) == "局领导账号只能查看，不能修改记录"
    assert SummaryRun.objects.write_refusal(leader) == "局领导账号只能查看，不能编制总结"
    assert records["hazard"].refusal("start", leader) == "局领导账号只能查看，不能办理隐患整改"


def test_a_models_rule_adds_its_own_reasons(personas, records):
    campaign, hazard = records["campaign"], records["hazard"]
    officer = personas.officer_a
    assert SupplyItem.objects.write_refusal(personas.district_staff) == "物资目录由市教育局统一维护"
    assert SupplyItem.objects.write_refusal(personas.city_staff) is None
    assert Organization.objects.write_refusal(officer, Organization()) == "学校填报员不能新建单位"
    assert Organization.objects.write_refusal(officer, personas.tree.school_a1) is None
    assert InspectionCampaign.objects.write_refusal(officer, campaign) == "只有组织单位可以修改或删除排查行动"
    assert InspectionCampaign.objects.write_refusal(personas.city_staff, campaign) is None
    assert not InspectionCampaign.objects.editable_by(officer).filter(pk=campaign.pk).exists()
    assert Hazard.objects.write_refusal(officer, hazard) is None
    hazard.status = "closed"
    assert Hazard.objects.write_refusal(officer, hazard) == "已销号的隐患不能修改或删除"
    assert not Drill.objects.editable_by(personas.leader).exists()


def test_a_campaign_from_above_is_read_below_and_refused_by_the_same_rule(client, personas, records):
    campaign = records["campaign"]
    client.force_login(personas.officer_a)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert reverse("hazards:inspectioncampaign_edit", args=[campaign.pk]) not in page
    for name in ("hazards:inspectioncampaign_edit", "hazards:inspectioncampaign_delete"):
        response = client.get(reverse(name, args=[campaign.pk]))
        assert response.status_code == 403 and "只有组织单位可以修改或删除排查行动" in response.content.decode()
    signoffs = client.post(reverse("hazards:campaign_signoff", args=[0]))
    assert signoffs.status_code == 404  # out of reach before any rule is asked


def test_the_buttons_follow_the_rule(client, personas):
    client.force_login(personas.leader)
    assert reverse("duty:roster_build") not in client.get(reverse("duty:roster_month")).content.decode()
    assert "立即刷新预警" not in client.get(reverse("supplies:supplyalert_list")).content.decode()
    assert SupplyAlert.objects.write_refusal(personas.district_staff) is None
    client.force_login(personas.district_staff)
    assert reverse("duty:roster_build") in client.get(reverse("duty:roster_month")).content.decode()
    assert "立即刷新预警" in client.get(reverse("supplies:supplyalert_list")).content.decode()


def test_no_view_checks_a_role_itself():
    """Who may write is the models' rule: views ask it, none compares roles."""
    root = Path(__file__).resolve().parents[2]
    views = [*root.glob("*/views.py"), *root.glob("emergency/*_views.py"), *root.glob("*/panels.py")]
    assert len(views) >= 8
    for source in views:
        text = source.read_text()
        assert not re.search(r"\.role\b|Role\.[A-Z]|\.can_write\b", text), source
