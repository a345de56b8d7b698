"""The closed loop 待整改 → 整改中 → 待复查 → 已销号 (退回整改 back to 整改中): every legal and illegal
step, who may take which, what each step needs, and that a refused step changes nothing."""

import datetime

import pytest
from django.urls import reverse

from emergency.models import Role
from hazards.choices import HazardAction, HazardLevel, HazardStatus
from hazards.models import Hazard, HazardTransition, TransitionRefused
from tests.factories import make_user

from .helpers import make_hazard, walk

STATES = [HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.REVIEW, HazardStatus.CLOSED]
ACTIONS = [HazardAction.START, HazardAction.SUBMIT, HazardAction.CLOSE, HazardAction.RETURN]
LEGAL = {
    (HazardStatus.PENDING, HazardAction.START): HazardStatus.RECTIFYING,
    (HazardStatus.RECTIFYING, HazardAction.SUBMIT): HazardStatus.REVIEW,
    (HazardStatus.REVIEW, HazardAction.CLOSE): HazardStatus.CLOSED,
    (HazardStatus.REVIEW, HazardAction.RETURN): HazardStatus.RECTIFYING,
}


def act(hazard, action, user, comment="复查意见"):
    return hazard.act(action, user, comment, rectified_on=hazard.found_on, measures="更换灭火器")


def snapshot(hazard):
    hazard.refresh_from_db()
    return (hazard.status, hazard.updated_at, hazard.rectified_on, hazard.closed_on, hazard.transitions.count())


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_step_from_every_state(personas, state, action):
    hazard = walk(make_hazard(personas.tree.school_a1), state, personas.officer_a, personas.district_staff)
    user = personas.officer_a if action in (HazardAction.START, HazardAction.SUBMIT) else personas.district_staff
    before = snapshot(hazard)
    if (state, action) in LEGAL:
        step = act(hazard, action, user)
        hazard.refresh_from_db()
        assert hazard.status == LEGAL[(state, action)]
        assert (step.from_status, step.to_status, step.user, step.action) == (state, hazard.status, user, action)
    else:
        with pytest.raises(TransitionRefused) as refused:
            act(hazard, action, user)
        label = HazardAction(action).label
        assert str(refused.value) == f"隐患当前状态为“{HazardStatus(state).label}”，不能“{label}”"
        assert snapshot(hazard) == before


def test_a_hazard_walks_the_whole_loop_and_every_step_is_kept(personas):
    hazard = make_hazard(personas.tree.school_a1)
    hazard.start_rectification(personas.officer_a, "已安排维修")
    hazard.submit_for_review(personas.officer_a, datetime.date(2026, 1, 20), "更换灭火器", "已完成")
    hazard.return_for_rectification(personas.district_staff, "新灭火器未张贴检查标签")
    assert hazard.status == HazardStatus.RECTIFYING and hazard.rectified_on is None
    hazard.submit_for_review(personas.officer_a, datetime.date(2026, 1, 22), comment="已张贴标签")
    hazard.close(personas.district_staff, "复查合格")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_on == datetime.date.today()
    assert hazard.rectified_on == datetime.date(2026, 1, 22) and hazard.measures == "更换灭火器"
    steps = [
        (t.action, t.from_status, t.to_status, t.user.username if t.user else None, t.comment)
        for t in hazard.transitions.all()
    ]
    assert steps == [
        ("register", "", "pending", None, ""),
        ("start", "pending", "rectifying", "officer_a", "已安排维修"),
        ("submit", "rectifying", "review", "officer_a", "已完成"),
        ("return", "review", "rectifying", "district_staff", "新灭火器未张贴检查标签"),
        ("submit", "rectifying", "review", "officer_a", "已张贴标签"),
        ("close", "review", "closed", "district_staff", "复查合格"),
    ]
    assert all(t.at is not None for t in hazard.transitions.all())


@pytest.fixture
def more_people(personas):
    t = personas.tree
    return {
        "school_staff_a1": make_user("school_staff_a1", t.school_a1, Role.STAFF),
        "district_b_staff": make_user("district_b_staff", t.district_b, Role.STAFF),
        "officer_a2": make_user("officer_a2", t.school_a2, Role.SCHOOL_OFFICER),
    }


OWNER_SIDE = {"officer_a", "school_staff_a1"}
REVIEWERS = {"district_staff", "city_staff"}
EVERYONE = [
    "admin",
    "city_staff",
    "leader",
    "district_staff",
    "officer_a",
    "officer_b",
    "school_staff_a1",
    "district_b_staff",
    "officer_a2",
]


def person(personas, more_people, name):
    return more_people.get(name) or getattr(personas, name)


@pytest.mark.parametrize("name", EVERYONE)
@pytest.mark.parametrize(
    "state,action",
    [
        (HazardStatus.PENDING, "start"),
        (HazardStatus.RECTIFYING, "submit"),
        (HazardStatus.REVIEW, "close"),
        (HazardStatus.REVIEW, "return"),
    ],
)
def test_who_may_take_each_step(personas, more_people, name, state, action):
    hazard = walk(make_hazard(personas.tree.school_a1), state, personas.officer_a)
    user = person(personas, more_people, name)
    allowed = OWNER_SIDE if action in ("start", "submit") else REVIEWERS
    if name in allowed:
        act(hazard, action, user)
        assert hazard.status == LEGAL[(state, action)]
    else:
        before = snapshot(hazard)
        with pytest.raises(TransitionRefused) as refused:
            act(hazard, action, user)
        message = str(refused.value)
        if name == "leader":
            assert message == "局领导账号只能查看，不能办理隐患整改"
        elif action in ("start", "submit"):
            assert message.startswith("只有隐患所在单位（A区第一小学）的填报员或工作人员可以")
        else:
            assert message.startswith("只有上级教育局的工作人员可以复查隐患")
        assert snapshot(hazard) == before


def test_the_buttons_offered_are_the_steps_allowed(personas):
    hazard = make_hazard(personas.tree.school_a1)
    assert hazard.available_actions(personas.officer_a) == ["start"]
    assert hazard.available_actions(personas.district_staff) == []
    walk(hazard, HazardStatus.REVIEW, personas.officer_a)
    assert hazard.available_actions(personas.officer_a) == []
    assert hazard.available_actions(personas.district_staff) == ["close", "return"]
    assert hazard.available_actions(personas.leader) == []


def test_major_hazard_is_closed_only_at_city_level(personas):
    hazard = make_hazard(personas.tree.school_a1, level=HazardLevel.MAJOR, deadline=datetime.date(2026, 3, 1))
    walk(hazard, HazardStatus.REVIEW, personas.officer_a)
    with pytest.raises(TransitionRefused, match="重大隐患须由市教育局复查销号"):
        hazard.close(personas.district_staff)
    assert hazard.available_actions(personas.district_staff) == ["return"]
    hazard.return_for_rectification(personas.district_staff, "复查不合格")  # a district may still send it back
    walk(hazard, HazardStatus.REVIEW, personas.officer_a)
    hazard.close(personas.city_staff, "市局复查合格")
    assert hazard.status == HazardStatus.CLOSED


def test_major_hazard_needs_a_deadline(personas):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    hazard = Hazard(
        organization=personas.tree.school_a1,
        description="教学楼墙体裂缝",
        found_on=datetime.date(2026, 1, 5),
        category="building",
        level=HazardLevel.MAJOR,
    )
    with pytest.raises(ValidationError, match="重大隐患必须规定整改期限"):
        hazard.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        hazard.save()


def test_the_person_who_submitted_cannot_close(personas):
    # Nobody is above the city, so its own staff re-inspect its own hazards: never the submitter.
    colleague = make_user("city_staff2", personas.tree.city, Role.STAFF)
    hazard = make_hazard(personas.tree.city, description="局机关配电室无绝缘垫")
    hazard.start_rectification(personas.city_staff)
    hazard.submit_for_review(personas.city_staff, hazard.found_on, "铺设绝缘垫")
    before = snapshot(hazard)
    with pytest.raises(TransitionRefused, match="提交整改的人不能自己复查销号"):
        hazard.close(personas.city_staff)
    assert snapshot(hazard) == before
    hazard.close(colleague, "复查合格")
    assert hazard.status == HazardStatus.CLOSED


def test_staff_of_a_district_rectify_the_districts_own_hazards_and_the_city_reviews(personas):
    hazard = make_hazard(personas.tree.district_a, description="区教育局办公楼消防通道堵塞")
    assert hazard.available_actions(personas.district_staff) == ["start"]
    walk(hazard, HazardStatus.REVIEW, personas.district_staff)
    assert hazard.available_actions(personas.district_staff) == []
    hazard.close(personas.city_staff)
    assert hazard.status == HazardStatus.CLOSED


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"rectified_on": None}, "提交复查必须填写整改完成日期"),
        ({"rectified_on": datetime.date.today() + datetime.timedelta(days=1)}, "整改完成日期不能晚于今天"),
        ({"rectified_on": datetime.date(2026, 1, 1)}, "整改完成日期不能早于发现日期"),
        ({"measures": ""}, "提交复查必须填写整改措施"),
    ],
)
def test_submitting_needs_a_date_and_the_measures_taken(personas, fields, message):
    hazard = walk(make_hazard(personas.tree.school_a1), HazardStatus.RECTIFYING, personas.officer_a)
    before = snapshot(hazard)
    values = {"rectified_on": datetime.date(2026, 1, 20), "measures": "更换灭火器", **fields}
    with pytest.raises(TransitionRefused, match=message):
        hazard.act(HazardAction.SUBMIT, personas.officer_a, **values)
    assert snapshot(hazard) == before


def test_returning_needs_a_reason(personas):
    hazard = walk(make_hazard(personas.tree.school_a1), HazardStatus.REVIEW, personas.officer_a)
    with pytest.raises(TransitionRefused, match="退回整改必须写明退回原因"):
        hazard.return_for_rectification(personas.district_staff, "  ")
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.REVIEW


# ---- through the browser's POST actions ------------------------------------------------------


def post_action(client, hazard, action, **data):
    return client.post(reverse("hazards:hazard_transition", args=[hazard.pk, action]), data, follow=True)


def test_a_legal_step_by_post_moves_the_hazard_and_says_so(client, personas):
    hazard = make_hazard(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    response = post_action(client, hazard, "start", comment="已安排")
    assert "已开始整改，隐患状态：整改中" in response.content.decode()
    response = post_action(client, hazard, "submit", rectified_on="2026-01-20", measures="更换", comment="")
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.REVIEW
    client.force_login(personas.district_staff)
    response = post_action(client, hazard, "close", comment="合格")
    assert "已复查销号，隐患状态：已销号" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.CLOSED


def test_an_illegal_step_by_post_changes_nothing_and_explains_in_chinese(client, personas):
    hazard = make_hazard(personas.tree.school_a1)
    before = snapshot(hazard)
    client.force_login(personas.district_staff)
    response = post_action(client, hazard, "close")
    assert "隐患当前状态为“待整改”，不能“复查销号”" in response.content.decode()
    response = post_action(client, hazard, "start")
    assert "只有隐患所在单位（A区第一小学）的填报员或工作人员可以“开始整改”" in response.content.decode()
    assert snapshot(hazard) == before


def test_steps_are_posts_scoped_and_refused_to_leaders(client, personas):
    hazard = make_hazard(personas.tree.school_a1)
    url = reverse("hazards:hazard_transition", args=[hazard.pk, "start"])
    client.force_login(personas.officer_a)
    assert client.get(url).status_code == 405
    client.force_login(personas.officer_b)
    assert client.post(url).status_code == 404
    client.force_login(personas.leader)
    assert client.post(url).status_code == 403
    assert client.post(reverse("hazards:hazard_transition", args=[hazard.pk, "explode"])).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.PENDING
    assert HazardTransition.objects.filter(hazard=hazard).count() == 1


def test_history_names_the_steps_states_and_people_in_words(client, personas):
    hazard = make_hazard(personas.tree.school_a1)
    client.force_login(personas.officer_a)
    post_action(client, hazard, "start", comment="已安排")
    page = client.get(reverse("hazards:hazard_history", args=[hazard.pk])).content.decode()
    assert "开始整改" in page and "待整改 → 整改中" in page
    assert f"{personas.officer_a}（A区第一小学）" in page
    assert "/act/start/" not in page and "pending" not in page and "rectifying" not in page
