"""Browser tests: Hearth on pytest-django's live server, driven by Debian's chromium through Playwright.

Every page a test visits is checked with axe-core (`axe(page)`) at the test's width and again at
320 CSS pixels, where nothing may reach past the window's edge (WCAG 2.2 reflow); a test that loads
a page and does not check it fails. Failed requests (a missing stylesheet, script or font) and JavaScript
errors fail the test too.

Without chromium the tests skip, unless HEARTH_REQUIRE_BROWSER is set (CI), when they fail.
"""

import contextlib
import datetime
import os
import re
import shutil
import time
from collections import Counter
from pathlib import Path

import pyotp
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Agency, AgencyKind, Role, User, UserRole
from hearth.accounts.views import landing_page
from hearth.cases import notes as case_notes
from hearth.cases import services as case_services
from hearth.core import profiles
from hearth.families import services as people_services
from hearth.people.models import Sex
from hearth.sharing.services import disclosure_record

CHROMIUM = os.environ.get("HEARTH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "var" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
PASSWORD = "correct horse battery staple"


def _unavailable(reason: str):
    """Skip locally; fail where the browser tests are required (CI sets HEARTH_REQUIRE_BROWSER)."""
    if os.environ.get("HEARTH_REQUIRE_BROWSER"):
        pytest.fail(f"Browser tests are required here (HEARTH_REQUIRE_BROWSER is set) but {reason}",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    """One chromium per test module.

    Playwright's synchronous API keeps an asyncio loop on this thread, which Django's
    async-safety check mistakes for async code; the test code and the live server never run
    Django code concurrently from that loop, so the check is switched off while the browser runs.
    """
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"chromium was not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.is_file():
        _unavailable(f"axe-core was not found at {AXE_JS} (npm run build)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        _unavailable("the playwright package is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no usable browser"
        playwright.stop()
        _unavailable(f"chromium could not be started: {exc}")
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


class PageWatch:
    """Records what happens on a page: loads, axe checks, failed requests and JavaScript errors."""

    def __init__(self, page):
        self.page = page
        self.loads: Counter = Counter()
        self.checks: Counter = Counter()
        self.problems: list[str] = []
        page.on("load", lambda: self.loads.update([page.url]))
        page.on("pageerror", lambda exc: self.problems.append(f"JavaScript error on {page.url}: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("requestfailed", lambda req: self.problems.append(f"Request failed: {req.url} {req.failure}"))

    def _console(self, message):
        # Failed loads are judged by _response: a page may answer 403 or 404 on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"Console error on {self.page.url}: {message.text}")

    def _response(self, response):
        # Tests assert on the pages themselves; the assets a page uses must always load.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    def unchecked(self) -> list[str]:
        return [url for url, n in self.loads.items() if self.checks[url] < n]


def run_axe(page) -> list[dict]:
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,
                failureSummary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )


NARROW = 320
# What reaches past the right edge of the window: the page itself when it scrolls sideways, and each visible
# element whose box ends beyond the edge (clipped by an ancestor or not), named by tag, class and text. Only a box
# that scrolls sideways by itself inside the window (a wide data table) may hold something wider.
OUTSIDE_THE_WINDOW = """() => {
    const insideScrollingBox = (element, edge) => {
        for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
            const overflow = getComputedStyle(box).overflowX;
            if ((overflow === "auto" || overflow === "scroll") && box.getBoundingClientRect().right <= edge + 1) {
                return true;
            }
        }
        return false;
    };
    // Hidden but read by screen readers, as GOV.UK's visually-hidden mixin does it (a stacked table's headings).
    const visuallyHidden = (element) => {
        for (let box = element; box && box !== document.body; box = box.parentElement) {
            const style = getComputedStyle(box);
            if (style.clipPath === "inset(50%)" || style.clip === "rect(0px, 0px, 0px, 0px)") return true;
        }
        return false;
    };
    const edge = document.documentElement.clientWidth;
    const found = [];
    if (document.documentElement.scrollWidth > edge) {
        found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    const outermost = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || box.right <= edge + 1) continue;
        if (getComputedStyle(element).visibility === "hidden") continue;
        if (element.closest(".govuk-visually-hidden, .govuk-skip-link") || visuallyHidden(element)) continue;
        if (outermost.some((outer) => outer.contains(element))) continue;
        if (insideScrollingBox(element, edge)) continue;
        outermost.push(element);
        const classes = typeof element.className === "string" && element.className.trim()
            ? "." + element.className.trim().split(/\\s+/).join(".") : "";
        const text = (element.innerText || "").trim().slice(0, 40);
        found.push(`${element.tagName.toLowerCase()}${classes} ends at ${Math.round(box.right)} px ("${text}")`);
        if (outermost.length >= 5) break;
    }
    return found;
}"""


@pytest.fixture
def app(live_server) -> str:
    return live_server.url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture
def _watched_page(request, chromium, app):
    # The page's Content-Security-Policy would refuse axe's injected script tag, so the test
    # context bypasses it; Hearth's own scripts must still work (JavaScript errors fail the test).
    context = chromium.new_context(base_url=app, bypass_csp=True, locale="en-GB", timezone_id="Europe/London",
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    watch = PageWatch(context.new_page())
    yield watch
    with contextlib.suppress(Exception):  # the page may already be closed
        watch.page.wait_for_load_state("load")
    context.close()
    if getattr(request.node, "browser_test_failed", False):
        return  # the test's own failure is the one to read
    unchecked = watch.unchecked()
    assert not unchecked, f"Pages loaded but never checked with axe: {unchecked}"
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture
def page(_watched_page):
    """A chromium page on the live server: `page.goto("/sign-in")`."""
    return _watched_page.page


def _resize(page, width: int, height: int) -> None:
    """Resize the window and wait until the page has it, so that nothing is checked or measured at the old width
    (a resize reaches the page a moment after the call returns)."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("width => window.innerWidth === width", arg=width)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.fixture
def axe(_watched_page):
    """`axe(page)`: check the page as it is now with axe-core; fail listing each violation and where."""

    def _axe(page) -> None:
        violations = run_axe(page)
        assert not violations, format_violations(page.url, violations)
        size = page.viewport_size
        if size["width"] != NARROW:
            _resize(page, NARROW, size["height"])
            try:
                violations = run_axe(page)
                assert not violations, format_violations(f"{page.url} at {NARROW} px", violations)
                wide = page.evaluate(OUTSIDE_THE_WINDOW)
            finally:
                _resize(page, size["width"], size["height"])
        else:
            wide = page.evaluate(OUTSIDE_THE_WINDOW)
        assert not wide, f"{page.url} does not fit a {NARROW} px window (WCAG 2.2 reflow): " + "; ".join(wide)
        _watched_page.checks.update([page.url])

    return _axe


@pytest.fixture
def council(live_server):
    """Oxfordshire, from its profile, in the live server's (transactional) database."""
    (oxfordshire,) = profiles.load(only=["oxfordshire"])
    return oxfordshire


@pytest.fixture
def make_user(council):
    """A user of the council; with `totp=True` (the default), enrolled in two-factor with a fresh secret."""

    def _make(email, full_name, agency_name, *, kind=AgencyKind.EARLY_HELP_TEAM, roles=(Role.PRACTITIONER,),
              totp=True) -> User:
        agency, _ = Agency.objects.get_or_create(council=council, name=agency_name, defaults={"kind": kind})
        user = User(email=email, full_name=full_name, agency=agency)
        user.set_password(PASSWORD)
        if totp:
            user.totp_secret = pyotp.random_base32()
            user.totp_confirmed_at = timezone.now()
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        return user

    return _make


@pytest.fixture
def practitioner(make_user) -> User:
    return make_user("priya.shah@example.test", "Priya Shah", "Banbury Family Support",
                     kind=AgencyKind.EARLY_HELP_TEAM)


@pytest.fixture
def dpo(make_user) -> User:
    """The council's data protection officer."""
    return make_user("dana.dee@example.test", "Dana Dee", "Information governance", roles=(Role.DPO,))


@pytest.fixture
def testwood(practitioner, council):
    """Jo Testwood's family, as a practitioner recorded it, whose assessment went to the family's surgery."""
    family = people_services.family_create(actor=practitioner, name="The Testwood family")
    mum = people_services.person_create(actor=practitioner, family=family, role="parent_pr", data={
        "given_name": "Jo", "family_name": "Testwood", "sex": Sex.FEMALE, "date_of_birth": datetime.date(1988, 2, 14)})
    surgery, _ = Agency.objects.get_or_create(council=council, name="Bridge Surgery", defaults={
        "kind": AgencyKind.GP, "email": "practice@bridge.example.test"})
    disclosure_record(actor=practitioner, family=family, kind="assessment_copy", what="The assessment",
                      recipient="Dr Shah", recipient_agency=surgery, purpose="Planning support",
                      basis="Consent to share")
    return {"family": family, "mum": mum}


WITHHELD = "Neighbour Quillby said the children were left alone overnight"
KEPT = "Talked with Jo about the morning routine"


@pytest.fixture
def record(testwood, practitioner):
    """The Testwood family with a child too, an open episode and two case notes, one of them (`WITHHELD`)
    repeating what a neighbour said."""
    family = testwood["family"]
    child = people_services.person_create(actor=practitioner, family=family, role="child", data={
        "given_name": "Max", "family_name": "Testwood", "sex": Sex.MALE, "date_of_birth": datetime.date(2018, 5, 1)})
    case_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    for note_type, body in (("home_visit", KEPT), ("phone", WITHHELD)):
        case_notes.note_add(actor=practitioner, family=family, note_type=note_type, summary="Talked",
                            occurred_on=timezone.localdate(), body=body)
    return {**testwood, "child": child}


_last_step: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """The current code, waiting for a fresh time step if this one is about to end, or if this user already
    signed in with this step's code (a code is accepted once)."""
    totp = pyotp.TOTP(secret)
    if totp.interval - time.time() % totp.interval < 3:
        time.sleep(3)
    step = int(time.time() // totp.interval)
    if _last_step.get(secret) == step:
        time.sleep((step + 1) * totp.interval - time.time() + 0.5)
        step += 1
    _last_step[secret] = step
    return totp.now()


def enter_password(page, axe, email: str, password: str = PASSWORD) -> None:
    """The sign-in page, checked with axe: the email address and password are sent."""
    from playwright.sync_api import expect

    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    axe(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def sign_in(page, axe, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real pages: email and password, then the security code."""
    from playwright.sync_api import expect

    enter_password(page, axe, user.email, password)
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).to_be_visible()
    axe(page)
    page.get_by_label("Security code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    # Each role lands on its own work (practitioners on their families).
    landing = reverse(landing_page(user))
    expect(page).to_have_url(re.compile(re.escape(landing) + "$"))
    if landing == reverse("home:dashboard"):
        expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()
    else:
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)
