"""Every URL of the project, for every role, on a record inside and one outside the role's scope:

- anonymous → the login page;
- out of scope → 404 (never a 403 page with data, never the record in a list or an export);
- leaders (read-only) → 403 on pages that write, 403/405 on every POST;
- GET on a POST-only action → 405;
- every state change needs the CSRF token;
- no GET and no refused POST changes anything in the database;
- every response carries the security headers, and no HTML page holds inline script.

URLs are found by walking the resolver, and the objects they take are made by a generic factory,
so each area's pages are covered as they land. The CSRF check and the lists' and exports' are in
test_csrf.py and test_list_scope.py, on the same walk and objects."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import reverse

from emergency import registry
from emergency.generic import attachment_panels
from emergency.models import Attachment, Document, ImportJob, Message, Organization, Role, SummaryRun, User
from hazards.models import InspectionCampaign
from supplies.models import SupplyItem
from tests.conftest import Tree, build_tree
from tests.permissions import MANAGES, SEES

from .conftest import FIGURES
from .records import TINY_PNG, make
from .site import SKIPPED_PREFIXES, Route, routes
from .state import fingerprint

LOGIN = "/accounts/login/"
# Pages anyone may open, and why.
PUBLIC = {"login": "the sign-in page itself"}
# A leader's own account, not records: leaders may POST here.
PERSONAL = {
    "logout": "signing out",
    "password_change": "changing one's own password",
    "password_change_done": "the page after it",
    "inbox_read_all": "marking one's own messages read",
    "message_open": "opening one's own message marks it read",
}
# Pages refused on purpose to some who may otherwise write (403 in scope), and why.
REFUSALS = {
    "emergency:organization_add": ({"officer_a", "officer_b"}, "学校填报员不能新建单位: bureaus make organisations"),
    "supplies:supplycensus_add": ({"officer_a", "officer_b"}, "物资普查由教育局组织: bureaus open a census"),
    "emergency:user_list": ({"officer_a", "officer_b"}, "学校填报员不管理账号"),
    "emergency:user_add": ({"officer_a", "officer_b"}, "学校填报员不管理账号"),
    "emergency:user_schools": ({"officer_a", "officer_b"}, "学校填报员不管理账号"),
    "/imports/users/upload/": ({"officer_a", "officer_b"}, "学校填报员不管理账号, so they import none"),
}
# Models a person sees only when they made them: the other person's is the "outside" one.
OWNER_ONLY = {
    ImportJob: "an import job and its file are seen only by the person who uploaded it",
    Message: "a message is read only by its recipient",
}
# A pk argument of these models is handled by the pattern's own rule below.
UNKNOWN_KIND = "no-such-kind"
# A <script> without src runs inline, except a data block (Django's json_script: type application/json).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
MARK_IN, MARK_OUT = "INSIDEMARK", "OUTSIDEMARK"


@dataclass
class Target:
    """One concrete URL to try, and who may see the object in it."""

    url: str
    sees: dict[str, bool] = field(default_factory=dict)  # persona name → in scope; missing: no object


@pytest.fixture
def tree(db) -> Tree:
    """The shared tree with codes whose "_" is a LIKE wildcard: D_A would match DXA, and S_1 SX1, in
    any subtree test that does not escape it, so every check below also looks for that leak."""
    return build_tree("D_A", "DXA", "S_1", "SX1")


class World:
    """The records the URLs point at: for each model one inside SA1 and one inside SB1."""

    def __init__(self, personas):
        self.personas = personas
        self.cache: dict[type, tuple[models.Model, models.Model]] = {}

    def pair(self, model) -> tuple[models.Model, models.Model]:
        if model not in self.cache:
            t, p = self.personas.tree, self.personas
            self.cache[model] = (
                make(model, t.school_a1, p.officer_a, text=MARK_IN),
                make(model, t.school_b1, p.officer_b, text=MARK_OUT),
            )
        return self.cache[model]

    def owned(self, model, name) -> tuple[models.Model, models.Model]:
        """(the persona's own object, someone else's) for owner-only models."""
        p = self.personas
        user = getattr(p, name)
        mine = make(model, user.organization or p.tree.school_a1, user, text=MARK_IN)
        other_user = p.officer_a if name == "officer_b" else p.officer_b
        theirs = make(model, other_user.organization, other_user, text=MARK_OUT)
        return mine, theirs


def targets(route: Route, world: World, persona: str) -> list[Target]:
    """The URLs of a route for one persona: no object, or an object in and one out of scope."""
    args = set(route.arguments)
    if not args:
        return [Target(reverse(route.name))]
    if args == {"kind"}:
        urls = [Target(reverse(route.name, kwargs={"kind": k})) for k in sorted(registry.import_specs)]
        return urls + [Target(reverse(route.name, kwargs={"kind": UNKNOWN_KIND}), {persona: False})]
    model = Document if args == {"ct", "pk"} else route.model
    slugs = sorted(args - {"pk", "other", "ct"})
    if model is None or len(slugs) > 1 or "pk" not in args:
        raise AssertionError(
            f"{route.name} {route.route}: the access test cannot build its arguments {route.arguments}; "
            "teach tests/reliability/test_access.py:targets() or records.MAKERS how"
        )
    if model in OWNER_ONLY:
        mine, theirs = world.owned(model, persona)
        pairs = [(mine, True), (theirs, False)]
    elif shared(model):
        pairs = [(obj, True) for obj in world.pair(model)]
    else:
        inside, outside = world.pair(model)
        pairs = list(zip((inside, outside), reach(model, persona), strict=True))
    # A slug beside the pk (an action on the record): every value it takes, and one it does not.
    slug_values = [{}]
    if slugs:
        values = route.slug_values(slugs[0])
        slug_values = [{slugs[0]: v} for v in values] + [{slugs[0]: UNKNOWN_KIND}]
    found = []
    for obj, visible in pairs:
        for extra in slug_values:
            kwargs = {"pk": obj.pk, **extra}
            if "other" in args:
                kwargs["other"] = obj.pk
            if "ct" in args:
                kwargs["ct"] = ContentType.objects.get_for_model(model).pk
            sees = visible and UNKNOWN_KIND not in extra.values()
            found.append(Target(reverse(route.name, kwargs=kwargs), {persona: sees}))
    return found


def reach(model, persona: str) -> tuple[bool, bool]:
    """Whether the persona sees the record inside SA1 and the one inside SB1: accounts are seen
    by those who manage them (tests/permissions.py MANAGES), records by scope."""
    if model is User:
        return MANAGES[persona] or (False, False)
    return SEES[persona]


def shared(model, depth: int = 0) -> bool:
    """Reference data every organisation shares (a catalogue, a list of departments): the model
    reaches no organisation, directly or through the records it belongs to."""
    if model is Organization or model in OWNER_ONLY:
        return False
    for model_field in model._meta.concrete_fields:
        if model_field.name == "organization":
            return False
        related = model_field.related_model
        if model_field.is_relation and not model_field.null and related not in (User, ContentType) and depth < 3:
            if not shared(related, depth + 1):
                return False
    return True


def header_problems(response, url) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    script_src = csp.split("script-src", 1)[1].split(";")[0] if "script-src" in csp else ""
    if "frame-ancestors 'none'" not in csp or "'self'" not in script_src or "unsafe" in script_src:
        problems.append(f"{url}: CSP {csp!r}")
    for name, value in (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")):
        if response.get(name) != value:
            problems.append(f"{url}: {name} is {response.get(name)!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: X-Frame-Options is {response.get('X-Frame-Options')!r}")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        body = response.content.decode()
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (INLINE_HANDLER, "inline on…= handler")):
            if match := pattern.search(body):
                problems.append(f"{url}: {what}: {match.group(0)[:80]}")
        if match := JAVASCRIPT_URL.search(body):
            problems.append(f"{url}: javascript: URL: {match.group(0)[:80]}")
    return problems


def args_of(route: Route) -> set[str]:
    return set(route.arguments)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


class Checker:
    """Runs requests, compares answers with what the rules expect, and counts the checks."""

    def __init__(self, personas):
        # One signed-in client per persona for the whole walk; a crash is a 500 to report.
        self.clients = {"anonymous": Client(raise_request_exception=False)}
        for name, user in personas.all().items():
            self.clients[name] = Client(raise_request_exception=False)
            self.clients[name].force_login(user)
        self.problems: list[str] = []
        self.checks = 0

    def request(self, method, url, expected: set[int], who: str, why: str):
        response = getattr(self.clients[who], method)(url)
        self.checks += 1
        if response.status_code not in expected:
            self.problems.append(f"{who} {method.upper()} {url}: {response.status_code}, expected {expected} ({why})")
        if response.status_code == 302 and who != "anonymous" and response["Location"].startswith(LOGIN):
            self.problems.append(f"{who} GET {url}: sent to the login page although signed in")
        self.problems.extend(header_problems(response, url))
        if response.streaming:
            # Read to the end through the client's wrapper, which closes the file without closing
            # the test's database connection (response.close() alone would).
            b"".join(response.streaming_content)
        return response


def test_every_url_for_every_role_in_and_out_of_scope(personas, settings):
    settings.IMPORT_BACKGROUND_ROWS = 100_000
    world = World(personas)
    check = Checker(personas)
    people = personas.all()
    found = routes()
    assert found and all(not r.route.startswith(tuple("/" + p for p in SKIPPED_PREFIXES)) for r in found)
    # The objects first, so that the database fingerprint below sees only what requests do.
    plan = {
        (r.name, who): targets(r, world, who.replace("anonymous", "admin"))
        for r in found
        for who in ["anonymous", *people]
    }
    per_route: dict[str, int] = {}
    for route in found:
        url_name = route.name.rpartition(":")[2]
        started = check.checks
        state = fingerprint()
        # Anonymous: the login page, whatever the URL and method.
        for target in plan[route.name, "anonymous"]:
            if url_name in PUBLIC:
                check.request("get", target.url, {200}, "anonymous", PUBLIC[url_name])
            elif url_name == "logout":
                check.request("get", target.url, {405}, "anonymous", "logout is POST-only")
            else:
                response = check.request("get", target.url, {302}, "anonymous", "login required")
                if response.status_code == 302 and not is_login_redirect(response):
                    check.problems.append(f"anonymous GET {target.url}: redirected to {response['Location']}")
                check.request("post", target.url, {302}, "anonymous", "login required")
        post_only = None
        for name, user in people.items():
            for target in plan[route.name, name]:
                visible = target.sees.get(name, True)
                if post_only is None:
                    post_only = check.clients[name].get(target.url).status_code == 405
                if url_name in PUBLIC:
                    check.request("get", target.url, {302}, name, "signed-in users are sent home")
                    continue
                if not visible:
                    check.request("get", target.url, {404, 405} if post_only else {404}, name, "out of scope")
                    if user.can_write:
                        check.request("post", target.url, {404, 405}, name, "out of scope: nothing written")
                    else:
                        check.request("post", target.url, {403, 404, 405}, name, "read-only and out of scope")
                    continue
                refused, reason = REFUSALS.get(route.name) or REFUSALS.get(target.url, ((), ""))
                if post_only:
                    check.request("get", target.url, {405}, name, "POST-only action")
                elif not user.can_write and route.writes:
                    check.request("get", target.url, {403}, name, "read-only role on a page that writes")
                elif name in refused:
                    check.request("get", target.url, {403}, name, reason)
                elif route.writes and route.model is not None and shared(route.model):
                    check.request("get", target.url, {200, 302, 403}, name, "shared list: its keepers write it")
                elif not user.can_write:
                    # A read-only role may be refused more than the pages that visibly write.
                    check.request("get", target.url, {200, 302, 403}, name, "read-only role reading")
                elif user.organization is None and not args_of(route):
                    # The administrator belongs to no organisation: "my organisation" pages have none.
                    check.request("get", target.url, {200, 302, 404}, name, "in scope, no own organisation")
                else:
                    check.request("get", target.url, {200, 302}, name, "in scope")
                if not user.can_write and url_name not in PERSONAL:
                    if post_only or route.writes:
                        # 404: an action the record does not offer (an unknown transition); nothing written.
                        check.request("post", target.url, {403, 404, 405}, name, "read-only role cannot write")
                    else:
                        # A page that only reads may answer a POST; the fingerprint below proves it wrote nothing.
                        check.request("post", target.url, {200, 302, 403, 405}, name, "read-only role, reading page")
        after = fingerprint()
        if after != state:
            changed = {k: (v, after.get(k)) for k, v in state.items() if after.get(k) != v}
            check.problems.append(f"{route.name}: GETs or refused POSTs changed the database: {changed}")
        per_route[route.name] = check.checks - started
    FIGURES["URLs checked"] = len(found)
    FIGURES["URL x role checks (requests)"] = check.checks
    print(f"\n{len(found)} URL patterns, {check.checks} URL x role checks")
    for name, count in per_route.items():
        print(f"  {count:4d}  {name}")
    assert not check.problems, f"{len(check.problems)} problems:\n" + "\n".join(check.problems)


def test_a_read_only_account_cannot_confirm_an_import(client, personas):
    """Confirming writes the rows: refused to a leader like every other write, even for a job the
    person uploaded before the account became read-only (the confirm view checks only ownership)."""
    user = personas.city_staff
    job = make(ImportJob, user.organization, user)
    user.role = Role.LEADER
    user.save()
    client.force_login(user)
    response = client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (response.status_code, job.status) == (403, "ready")


def test_the_add_member_page_opens(client, personas):
    """The generic form's 取消 link names the model's list, which members do not have (they are
    listed on their group's page), so the page fails for everyone who may add a member."""
    client.force_login(personas.city_staff)
    assert client.get(reverse("emergency:leadershipmember_add")).status_code == 200


def test_uploaded_files_have_no_public_url(client, personas, settings):
    """Files are served only by the scoped views: the storage path itself is not a URL."""
    attachment = make(Attachment, personas.tree.school_a1, personas.officer_a)
    client.force_login(personas.admin)
    for prefix in {"/", "/media/", "/" + settings.MEDIA_URL.lstrip("/")}:
        assert client.get(prefix + attachment.file.name).status_code == 404
    url = reverse("emergency:attachment_file", args=[attachment.pk])
    assert client.get(url).status_code == 200
    client.force_login(personas.officer_b)
    assert client.get(url).status_code == 404


def _attach(client, record, kind: str) -> int:
    url = reverse("emergency:attachment_add", args=[ContentType.objects.get_for_model(record).pk, record.pk])
    photo = kind != "document"
    name = "photo.png" if photo else "notes.txt"
    upload = io.BytesIO(TINY_PNG if photo else b"notes")
    upload.name = name
    return client.post(url, {"kind": kind, "file": upload}).status_code


def test_attaching_follows_the_record_write_rule(personas):
    """Every model with an attachments panel: writers in scope attach, leaders 403, out of scope 404."""
    assert routes()  # the URLconf imports every area's views, which declare their panels
    for model, kinds in list(attachment_panels.items()):
        inside = make(model, personas.tree.school_a1, personas.officer_a)
        outside = make(model, personas.tree.school_b1, personas.officer_b)
        for name, user in personas.all().items():
            client = Client()
            client.force_login(user)
            for record, visible in zip((inside, outside), SEES[name], strict=True):
                before = Attachment.objects.count()
                expected = 404 if not visible else 403 if not user.can_write else 302
                assert _attach(client, record, kinds[0][0]) == expected, (model, name, record)
                assert Attachment.objects.count() == before + (expected == 302), (model, name)


def test_a_campaign_from_above_is_read_below_but_takes_no_attachments(personas):
    campaign = make(InspectionCampaign, personas.tree.city, personas.city_staff)
    for user in (personas.district_staff, personas.officer_a):
        client = Client()
        client.force_login(user)
        assert client.get(campaign.get_absolute_url()).status_code == 200
        assert _attach(client, campaign, "document") == 403
    assert not Attachment.objects.exists()


def test_only_records_with_an_attachments_panel_take_files(personas):
    mine = [make(model, personas.tree.city, personas.city_staff) for model in (SupplyItem, Organization, Attachment)]
    job = make(ImportJob, personas.tree.city, personas.admin)
    run = SummaryRun.objects.create(organization=personas.tree.city, year=2025, created_by=personas.admin)
    client = Client()
    client.force_login(personas.city_staff)
    before = Attachment.objects.count()
    for record in [*mine, job, run]:
        assert _attach(client, record, "document") in (403, 404), record
    assert Attachment.objects.count() == before


def test_the_compliance_report_names_no_school_out_of_scope(client, personas):
    """The report reads the tree by raw SQL, outside `visible_to`: on this tree of "_" codes a district
    or a school must still see only its own schools."""
    for user, outside in ((personas.district_staff, "B区第一小学"), (personas.officer_a, "B区第一小学")):
        client.force_login(user)
        page = client.get(reverse("drills:compliance"))
        assert page.status_code == 200 and personas.tree.school_a1.name in page.content.decode()
        assert outside not in page.content.decode(), user
