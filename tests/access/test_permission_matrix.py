"""The permission matrix, generated from the URL scope table (hearth/access/routes.py) and the policy's
relationships: every URL × every relationship and consent state, by GET and by POST.

Who may see the family is stated here, independently of the policy's code, so the test checks the policy
rather than repeating it. A URL the scope table does not classify fails the first test.
"""

import pytest
from django.test import Client
from django.urls import reverse

from hearth.access import routes
from tests.access.world import build_world, url_patterns

# Whether each user may see the family's record (the FAMILY scope), as the policy promises.
SEES_THE_FAMILY = {
    "lead_professional": True,
    "team_member_with_consent": True,
    "team_member_consent_withdrawn": False,
    "team_member_consent_for_another_agency": False,
    "team_member_lawful_basis": True,
    "team_member_basis_not_confirmed": False,
    "team_member_consent_not_sought": False,
    "contributor": False,  # their own part only
    "locality_coordinator": True,
    "coordinator_of_another_locality": False,
    "manager_of_the_lead": True,
    "manager_of_another_team": False,
    "manager_of_the_contributor": False,  # that contribution only
    "manager_of_an_uncovered_team_member": False,  # the team member's agency is not covered: nothing
    "mash_holding_a_referral": True,
    "mash_break_glass_active": True,
    "mash_break_glass_expired": False,
    "social_worker_involved": True,
    "practitioner_not_involved": False,
    "data_protection_officer": False,
    "analyst": False,
    "system_administrator": False,
    "practitioner_of_another_council": False,
}

# A contributor reaches their own part of the assessment, and their manager reads it.
CONTRIBUTOR_OWN_PART = {"assessments:contribution", "assessments:contribution_decline"}
PART_READERS = {"contributor": CONTRIBUTOR_OWN_PART, "manager_of_the_contributor": {"assessments:contribution"}}

# Pages every user who sees the family can read.
FAMILY_READ_PAGES = ("families:family", "families:person", "cases:episode", "cases:notes", "cases:chronology",
                     "assessments:assessment", "outcomes:episode", "plans:plan", "plans:meeting", "plans:review",
                     "consent:family", "sharing:family", "sharing:for_family")

OTHER_SCOPES = {
    routes.ADMIN: {"system_administrator"},
    routes.SCREENING: {"locality_coordinator", "coordinator_of_another_locality", "mash_holding_a_referral",
                       "mash_break_glass_active", "mash_break_glass_expired"},
    routes.GOVERNANCE: {"data_protection_officer", "manager_of_the_lead", "manager_of_another_team",
                        "manager_of_the_contributor", "manager_of_an_uncovered_team_member"},
    # Counts only: analysts, managers, coordinators and the DPO (hearth.reports.access).
    routes.REPORTS: {"analyst", "data_protection_officer", "locality_coordinator", "coordinator_of_another_locality",
                     "manager_of_the_lead", "manager_of_another_team", "manager_of_the_contributor",
                     "manager_of_an_uncovered_team_member"},
}

# The step-up bundle also goes to whoever manages the episode it came from.
BUNDLE_ALSO = {"lead_professional", "manager_of_the_lead"}

REFUSED = {403, 404, 405}


def _url(pattern_name: str, pattern, ids: dict) -> str:
    kwargs = {name: ids[name] for name in pattern.pattern.converters}
    return reverse(pattern_name, kwargs=kwargs)


def test_every_url_is_classified_by_the_scope_table():
    names = {name for name, _ in url_patterns()}
    assert sorted(names - set(routes.ROUTES)) == [], "classify these URLs in hearth/access/routes.py"
    assert sorted(set(routes.ROUTES) - names) == [], "these classified URLs no longer exist"


def test_the_matrix_states_every_relationship_the_policy_knows():
    from hearth.access.models import InvolvedAs
    from hearth.access.policy import POLICY

    rules = {rule.name for rule in POLICY}
    assert rules == {"involved", "locality_coordinator", "manager_of_involved", "break_glass"}
    assert set(InvolvedAs.values) == {"lead_professional", "taf_member", "contributor", "mash", "social_work"}


@pytest.fixture
def world(db):
    return build_world()




def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("state", sorted(SEES_THE_FAMILY))
def test_family_urls_answer_only_users_the_policy_lets_see_the_family(world, state):
    client = _client(world.users[state])
    failures = []
    for name, pattern in url_patterns():
        if routes.ROUTES.get(name) != routes.FAMILY:
            continue
        url = _url(name, pattern, world.ids)
        for method in ("get", "post"):
            allowed = SEES_THE_FAMILY[state] or (
                name in PART_READERS.get(state, ()) and (method == "get" or state == "contributor"))
            status = getattr(client, method)(url).status_code
            if not allowed and status not in REFUSED:
                failures.append(f"{method.upper()} {url} ({name}) gave {status} to {state}")
            if allowed and method == "get" and name in FAMILY_READ_PAGES and status != 200:
                failures.append(f"GET {url} ({name}) gave {status} to {state}, who may see the family")
            if status == 500:
                failures.append(f"{method.upper()} {url} ({name}) failed with 500 for {state}")
    assert failures == []


@pytest.mark.parametrize("scope", sorted(OTHER_SCOPES))
def test_admin_screening_and_governance_urls_answer_only_their_roles(world, scope):
    failures = []
    for state, user in world.users.items():
        client = _client(user)
        for name, pattern in url_patterns():
            if routes.ROUTES.get(name) != scope:
                continue
            url = _url(name, pattern, world.ids)
            status = client.get(url).status_code
            allowed = state in OTHER_SCOPES[scope] or (name == "documents:step_up_bundle" and state in BUNDLE_ALSO)
            if not allowed and status not in REFUSED:
                failures.append(f"GET {url} ({name}) gave {status} to {state}")
            if status == 500:
                failures.append(f"GET {url} ({name}) failed with 500 for {state}")
    assert failures == []


def test_break_glass_is_offered_only_to_safeguarding_roles(world):
    url = reverse("access:break_glass_open", kwargs={"family_id": world.ids["family_id"]})
    for state in ("practitioner_not_involved", "data_protection_officer", "analyst", "locality_coordinator",
                  "practitioner_of_another_council"):
        assert _client(world.users[state]).get(url).status_code == 403, state
    assert _client(world.users["mash_break_glass_expired"]).get(url).status_code == 200


def test_signed_in_pages_answer_everyone_signed_in_and_public_pages_everyone(world):
    anonymous = Client()
    for name, pattern in url_patterns():
        scope = routes.ROUTES.get(name)
        url = _url(name, pattern, world.ids)
        if scope == routes.PUBLIC:
            # /readyz answers 503 while no job worker runs, as in the tests.
            allowed = {200, 302, 404} | ({503} if name == "ops:readyz" else set())
            assert anonymous.get(url).status_code in allowed, url
        elif scope == routes.SIGNED_IN:
            assert anonymous.get(url).status_code == 302, url  # to the sign-in page
            status = _client(world.users["practitioner_not_involved"]).get(url).status_code
            if name == "jobs:download":  # the world's job, which they started, made no file
                assert status == 404, (url, status)
            else:
                assert status in {200, 302, 405}, (url, status)


def test_a_long_jobs_page_answers_the_person_who_started_it_and_no_one_else(world):
    url = reverse("jobs:job", kwargs={"task_id": world.ids["task_id"]})
    assert _client(world.users["practitioner_not_involved"]).get(url).status_code == 200
    for state in ("lead_professional", "data_protection_officer", "practitioner_of_another_council"):
        assert _client(world.users[state]).get(url).status_code == 404, state


def test_break_glass_reads_and_never_writes_on_any_url_of_the_family(world):
    """Every state-changing request to the family's record refuses a user whose only route is break-glass, before
    it looks at what was sent."""
    client = _client(world.users["mash_break_glass_active"])
    failures = []
    for name, pattern in url_patterns():
        if routes.ROUTES.get(name) != routes.FAMILY:
            continue
        url = _url(name, pattern, world.ids)
        status = client.post(url, {"version": "1"}).status_code
        if status not in REFUSED:
            failures.append(f"POST {url} ({name}) gave {status} under break-glass")
    assert failures == []
