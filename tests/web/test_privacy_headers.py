"""No page is kept by a browser or a proxy, no page may use the camera or the like, and HTTPS is remembered for the
host's subdomains too (issue 13: headers and caching).

The walk requests every named URL of the service (the URL table: hearth/access/routes.py) as a signed-in user of
each scope and relationship the permission matrix's world holds, and as a visitor, and checks every answer: the
pages with personal data, the refusals, the redirects and the files alike."""

import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from hearth.access import routes
from hearth.web.middleware import PERMISSIONS_POLICY, PrivacyHeadersMiddleware
from tests.access.world import build_world, url_patterns
from tests.ops._down import database_unreachable
from tests.ops.conftest import environ
from tests.ops.test_production import production_env

# A user for every scope of the URL table, and relationships to the family of every kind (the world's names).
SIGNED_IN = ("lead_professional", "team_member_with_consent", "contributor", "manager_of_the_lead",
             "locality_coordinator", "mash_holding_a_referral", "mash_break_glass_active", "social_worker_involved",
             "practitioner_not_involved", "data_protection_officer", "analyst", "system_administrator")

# Features Hearth never uses, each of which the policy must deny.
DENIED = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "bluetooth", "display-capture")


def _url(name, pattern, ids) -> str:
    return reverse(name, kwargs={kwarg: ids[kwarg] for kwarg in pattern.pattern.converters})


def _problems(response, what: str) -> list[str]:
    found = []
    if "no-store" not in response.get("Cache-Control", ""):
        found.append(f"{what} answered {response.status_code} with Cache-Control {response.get('Cache-Control')!r}")
    if response.get("Permissions-Policy") != PERMISSIONS_POLICY:
        found.append(f"{what} answered {response.status_code} without the Permissions-Policy")
    return found


@pytest.fixture
def world(db):
    return build_world()


def test_every_answer_to_a_signed_in_user_is_kept_by_no_cache(world):
    problems, html_pages, scopes_seen = [], 0, set()
    urls = [(name, _url(name, pattern, world.ids)) for name, pattern in url_patterns()]
    for state in SIGNED_IN:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[state])
        for name, url in urls:
            response = client.get(url)
            problems += _problems(response, f"GET {url} ({name}) for {state}")
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                html_pages += 1
                scopes_seen.add(routes.ROUTES[name])
        # Still signed in after the walk, so every page above was a signed-in user's.
        assert client.get(reverse("home:dashboard")).status_code == 200, state
    assert problems == []
    assert scopes_seen >= {routes.SIGNED_IN, routes.ADMIN, routes.SCREENING, routes.FAMILY, routes.GOVERNANCE}
    assert html_pages > 100


def test_public_pages_and_refusals_to_a_visitor_are_kept_by_no_cache_either(world):
    client = Client(raise_request_exception=False)
    problems = []
    for name, pattern in url_patterns():
        url = _url(name, pattern, world.ids)
        problems += _problems(client.get(url), f"GET {url} ({name}) for a visitor")
    assert problems == []


def test_a_views_own_cacheable_answer_is_still_sent_no_store(rf):
    """The middleware does not trust a view's Cache-Control unless it already forbids storing."""

    def cacheable(request):
        response = HttpResponse("a page")
        response["Cache-Control"] = "private, max-age=600"
        return response

    assert PrivacyHeadersMiddleware(cacheable)(rf.get("/families/1"))["Cache-Control"] == "no-store"

    def never_cache(request):
        response = HttpResponse("a download")
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    kept = PrivacyHeadersMiddleware(never_cache)(rf.get("/documents/1"))
    assert kept["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_the_permissions_policy_denies_every_powerful_feature(client):
    policy = dict(item.split("=") for item in client.get("/sign-in")["Permissions-Policy"].split(", "))
    for feature in DENIED:
        assert policy[feature] == "()", feature


@pytest.mark.django_db
def test_static_files_keep_their_caching(client):
    response = client.get("/static/govuk/hearth.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_service_unavailable_page_carries_the_headers_too(client_for, practitioner):
    client = client_for(practitioner)
    client.raise_request_exception = False
    with database_unreachable():
        response = client.get(reverse("home:dashboard"))
    assert response.status_code == 503
    assert _problems(response, "the 503 page") == []


@pytest.mark.django_db
def test_hsts_covers_subdomains_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    assert client.get("/sign-in", secure=True)["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/sign-in")  # never over plain HTTP


SHOW = "from hearth import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_configuring_https_turns_on_hsts_with_subdomains_by_default(tmp_path, production):
    """HEARTH_HSTS_SECONDS is all a deployment sets; includeSubDomains comes with it unless turned off."""
    env = production_env(tmp_path) if production else environ(tmp_path, HEARTH_HSTS_SECONDS="31536000")
    env.pop("HEARTH_HSTS_INCLUDE_SUBDOMAINS", None)

    def shown(**changes):
        done = subprocess.run([sys.executable, "-c", SHOW], env={**env, **changes}, capture_output=True,  # noqa: S603
                              text=True, check=True, timeout=120)
        return done.stdout.split()

    assert shown() == ["31536000", "True"]
    assert shown(HEARTH_HSTS_INCLUDE_SUBDOMAINS="off") == ["31536000", "False"]
