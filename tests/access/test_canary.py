"""The canary: a unique marker in every free-text field of one family's records never reaches a user who may
not see that family: not in pages, search results, lists, counts, exports, PDFs or error pages."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from hearth.access import routes
from tests.access.test_permission_matrix import SEES_THE_FAMILY, _url
from tests.access.world import build_world, url_patterns

MARKER = "Zq7canary"

# Users who may not see the family (the contributor sees their own part, and their manager reads it, so neither
# is a canary reader).
OUTSIDERS = sorted(state for state, sees in SEES_THE_FAMILY.items()
                   if not sees and state not in ("contributor", "manager_of_the_contributor"))

# Signing out would end the session and leave the rest of the URLs untested.
SKIP = {"accounts:logout_confirm"}

# Governance pages show the data protection officer (and managers, for their teams) what they review, such as
# the reason given for break-glass access, and the front door's queue shows MASH screeners and coordinators the
# requests and referrals they screen: that is their work, not a leak.
SCOPE_READERS = {
    routes.GOVERNANCE: {"data_protection_officer", "manager_of_another_team"},
    routes.SCREENING: {"coordinator_of_another_locality", "mash_break_glass_expired"},
}


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def world(db):
    return build_world(marker=MARKER)


def test_the_marker_is_in_the_family_for_those_who_may_see_it(world):
    client = Client()
    client.force_login(world.users["lead_professional"])
    assert MARKER in _text(client.get(reverse("families:family", kwargs={"family_id": world.ids["family_id"]})))
    assert MARKER in _text(client.get(reverse("cases:chronology", kwargs={"family_id": world.ids["family_id"]})))


@pytest.mark.parametrize("state", OUTSIDERS)
def test_no_page_shows_the_marker_to_a_user_who_may_not_see_the_family(world, state):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[state])
    leaks = []
    searches = [f"{reverse('families:search')}?given_name=Alex&family_name=Matrix",
                f"{reverse('families:family_start')}?given_name=Alex&family_name=Matrix",
                f"{reverse('families:family_start')}?given_name=Sky&family_name=Matrix",
                "/no-such-page", f"/families/{world.ids['family_id'] + 999}"]
    urls = [_url(name, pattern, world.ids) for name, pattern in url_patterns()
            if name not in SKIP and (routes.ROUTES.get(name) != routes.PUBLIC or name.startswith("referrals:"))
            and state not in SCOPE_READERS.get(routes.ROUTES.get(name), ())]
    for url in [*urls, *searches]:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if MARKER in _text(response):
                leaks.append(f"{method.upper()} {url} ({response.status_code})")
    assert leaks == []
    assert client.get(reverse("home:dashboard")).status_code == 200  # still signed in: every URL was tried


def test_signed_out_visitors_see_no_marker(world):
    client = Client(raise_request_exception=False)
    leaks = [url for name, pattern in url_patterns()
             if MARKER in _text(client.get(url := _url(name, pattern, world.ids)))]
    assert leaks == []
