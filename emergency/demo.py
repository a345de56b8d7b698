"""The demo city of the seed summary (`../shared/seed/`): a municipal bureau, ten district bureaus,
three hundred schools, one login per role, and the bureau's leadership group as the seed describes
it. Area apps add their records for DEMO_YEAR through `registry.register_demo`."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from .models import (
    Document,
    DocumentKind,
    GroupRole,
    LeadershipGroup,
    LeadershipMember,
    Organization,
    OrganizationKind,
    Role,
    Stage,
    User,
)

DEMO_YEAR = 2008
DEMO_PASSWORD = "demo-2008"  # noqa: S105  (printed by make run: the demo is public by design)
CITY_CODE = "SJYJ"
DISTRICTS = ["市南区", "市北区", "李沧区", "崂山区", "城阳区", "黄岛区", "即墨区", "胶州市", "平度市", "莱西市"]
# Schools per district by 学段: 30 a district, 300 in the city.
SCHOOL_MIX = [
    (Stage.KINDERGARTEN, "幼儿园", 5),
    (Stage.PRIMARY, "小学", 12),
    (Stage.JUNIOR, "初级中学", 6),
    (Stage.SENIOR, "高级中学", 4),
    (Stage.NINE_YEAR, "九年一贯制学校", 2),
    (Stage.SPECIAL, "特殊教育学校", 1),
]
PLACE_NAMES = ["实验", "第一", "第二", "第三", "第四", "第五", "育才", "新华", "向阳", "红星", "光明", "东风", "朝阳"]

# (username, role, organisation code or None, name shown)
DEMO_LOGINS = [
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("city_staff", Role.STAFF, CITY_CODE, "市局安全稳定处 李明"),
    ("city_leader", Role.LEADER, CITY_CODE, "市教育局 王建国"),
    ("district_staff", Role.STAFF, "D01", "市南区教育局 赵静"),
    ("school_officer", Role.SCHOOL_OFFICER, "D01S001", "市南区实验幼儿园 孙丽"),
    ("school_officer2", Role.SCHOOL_OFFICER, "D02S001", "市北区实验幼儿园 周强"),
]


@transaction.atomic
def build_city() -> Organization:
    city = Organization(
        code=CITY_CODE,
        name="市教育局",
        kind=OrganizationKind.CITY,
        address="市府路1号",
        contact="安全稳定处",
        phone="0532-85910000",
    )
    city.save()
    rng = random.Random(DEMO_YEAR)
    schools = []
    for d, district_name in enumerate(DISTRICTS, start=1):
        district = Organization(
            code=f"D{d:02d}",
            name=f"{district_name}教育局",
            parent=city,
            kind=OrganizationKind.DISTRICT,
            contact="安全科",
            phone=f"0532-8{d:02d}00000",
        )
        district.save()
        n = 0
        for stage, suffix, count in SCHOOL_MIX:
            for i in range(count):
                n += 1
                students = rng.randint(150, 400) if stage == Stage.KINDERGARTEN else rng.randint(300, 2600)
                org = Organization(
                    code=f"D{d:02d}S{n:03d}",
                    name=f"{district_name}{PLACE_NAMES[i % len(PLACE_NAMES)]}{suffix}",
                    parent=district,
                    kind=OrganizationKind.SCHOOL,
                    stage=stage,
                    address=f"{district_name}学府路{n}号",
                    contact="安全办",
                    phone=f"0532-8{d:02d}1{n:04d}",
                    students=students,
                    staff_count=max(20, students // 13),
                )
                org.path = org.compute_path()
                org.depth = 2
                schools.append(org)
    Organization.objects.bulk_create(schools)
    for username, role, code, name in DEMO_LOGINS:
        user = User(
            username=username,
            role=role,
            first_name=name,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            organization=Organization.objects.filter(code=code).first(),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return city


CITY_GROUP = [
    ("王建国", "党委书记、局长", GroupRole.LEADER, "", "全面负责教育系统应急管理工作"),
    ("陈立新", "党委副书记、副局长", GroupRole.DEPUTY, "", "协助组长，分管安全稳定"),
    ("刘红", "副局长", GroupRole.DEPUTY, "", "分管基础教育、校园安全"),
    ("张伟", "副局长", GroupRole.DEPUTY, "", "分管职业教育、后勤保障"),
    ("杨帆", "纪委书记", GroupRole.DEPUTY, "", "督查应急工作落实"),
    ("李强", "局行政办公室主任", GroupRole.MEMBER, "局行政办公室", "负责应急管理日常工作"),
    ("吴敏", "安全稳定处处长", GroupRole.MEMBER, "安全稳定处", "隐患排查与应急演练"),
    ("郑浩", "基础教育处处长", GroupRole.MEMBER, "基础教育处", "中小学应急教育"),
    ("冯雪", "体育卫生艺术教育处处长", GroupRole.MEMBER, "体育卫生艺术教育处", "公共卫生事件应对"),
    ("何军", "计划财务处处长", GroupRole.MEMBER, "计划财务处", "应急物资经费保障"),
    ("高峰", "宣传处处长", GroupRole.MEMBER, "宣传处", "应急管理宣传"),
]


@transaction.atomic
def build_leadership(city: Organization, year: int) -> None:
    """The bureau's group as the seed describes it, and a group at every district and most schools
    (the seed's bureau required every unit to set one up; a few schools are still missing)."""
    start = datetime.date(year, 1, 15)
    Document.objects.create(
        organization=city,
        title="全市教育系统应急管理工作方案",
        number=f"教发〔{year}〕3号",
        kind=DocumentKind.WORK_PLAN,
        issued_on=start,
    )
    # Set up in the December before, so the group leads duty from the first day of the year.
    founding = Document.objects.create(
        organization=city,
        title="关于成立市教育局应急管理工作领导小组的通知",
        number=f"教发〔{year - 1}〕58号",
        kind=DocumentKind.NOTICE,
        issued_on=datetime.date(year - 1, 12, 20),
    )
    group = LeadershipGroup.objects.create(
        organization=city,
        name="市教育局应急管理工作领导小组",
        established_on=founding.issued_on,
        founding_document=founding,
        office_in_charge="局行政办公室",
        daily_responsible="李强（局行政办公室主任）",
    )
    LeadershipMember.objects.bulk_create(
        LeadershipMember(
            group=group,
            organization=city,
            name=name,
            title=title,
            group_role=role,
            department=dept,
            duties=duties,
            joined_on=founding.issued_on,
        )
        for name, title, role, dept, duties in CITY_GROUP
    )
    # One deputy moved on in the autumn and was replaced: the group as it stood is kept.
    LeadershipMember.objects.filter(group=group, name="杨帆").update(left_on=datetime.date(year, 9, 30))
    LeadershipMember.objects.create(
        group=group,
        organization=city,
        name="孙涛",
        title="纪委书记",
        group_role=GroupRole.DEPUTY,
        duties="督查应急工作落实",
        joined_on=datetime.date(year, 10, 8),
    )
    rng = random.Random(year)
    groups, members = [], []
    for org in city.subtree().exclude(pk=city.pk).order_by("path"):
        if org.kind == OrganizationKind.SCHOOL and rng.random() < 0.04:
            continue
        established = datetime.date(year, rng.randint(1, 3), rng.randint(1, 28))
        groups.append(
            LeadershipGroup(
                organization=org,
                name=f"{org.name}应急管理工作领导小组",
                established_on=established,
                office_in_charge="办公室" if org.kind == OrganizationKind.DISTRICT else "校长办公室",
                daily_responsible="办公室主任",
            )
        )
    LeadershipGroup.objects.bulk_create(groups)
    for g in groups:
        head = "局长" if g.organization.kind == OrganizationKind.DISTRICT else "校长"
        people = [
            ("组长", head, GroupRole.LEADER),
            ("副组长", "副" + head, GroupRole.DEPUTY),
            ("成员", "办公室主任", GroupRole.MEMBER),
            ("成员", "安全干部", GroupRole.MEMBER),
        ]
        for _label, title, role in people:
            members.append(
                LeadershipMember(
                    group=g,
                    organization_id=g.organization_id,
                    name=person_name(rng),
                    title=title,
                    group_role=role,
                    joined_on=g.established_on,
                )
            )
    LeadershipMember.objects.bulk_create(members, batch_size=2000)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红斌鹏宇浩凯琳晨欣怡佳"


def person_name(rng: random.Random) -> str:
    """A plausible Chinese name, for demo records that need people."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
