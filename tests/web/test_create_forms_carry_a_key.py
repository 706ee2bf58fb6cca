"""Every form that creates something carries a one-time key (hearth/web/once.py, decision record 0013).

The list of create forms is the URL conf: every view that handles a POST is either decorated with `submit_once` or
named below with why it creates nothing, so a new create form without the key fails the first test. The second
walks each create form's page as a user who may use it, finds the form that posts to the view, and checks the
hidden key is in it.
"""

import inspect
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.template import engines
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from hearth.access import routes
from hearth.breaches import services as breaches
from hearth.families import services as people
from hearth.identity.models import IdentityProvider
from hearth.plans.models import Meeting
from hearth.web import once
from tests.access.world import url_patterns, world_for_module

# Views that take a POST and create nothing: signing in and out, changes and decisions about a record that
# exists (a repeat is refused as a change made meanwhile, or changes nothing), and downloads.
NOT_CREATING = {
    "accounts:login": "signing in",
    "accounts:two_factor": "signing in",
    "accounts:enrol": "signing in",
    "accounts:security": "new recovery codes for the user's own account, shown once",
    "accounts:logout_confirm": "signing out",
    "accounts:keepalive": "renews the session",
    "accounts:admin_agency_edit": "changes an agency",
    "accounts:password_reset": "asks for a reset link, limited by account and by address (hearth.accounts.views)",
    "families:person_edit": "changes a person",
    "cases:note_edit": "changes a note",
    "cases:episode_level": "changes the episode",
    "cases:episode_lead": "changes the episode",
    "cases:episode_close": "changes the episode",
    "cases:episode_transition": "changes the episode",
    "cases:handover": "completes or cancels a planned handover",
    "referrals:screen": "decides on a request",
    "referrals:link": "links a request to a family record",
    "assessments:section": "changes a section",
    "assessments:child_view": "changes a child's view",
    "assessments:contribution": "changes a contribution",
    "assessments:contribution_decline": "declines an invitation",
    "assessments:scores": "changes the assessment's scores",
    "assessments:complete": "completes the assessment",
    "plans:meeting_record": "records what happened at a meeting",
    "plans:action_status": "changes an action",
    "documents:assessment_copy": "a download: the copy's PDF",
    "documents:plan_copy": "a download: the copy's PDF",
    "documents:review_copy": "a download: the copy's PDF",
    "documents:chronology_copy": "a download: the copy's PDF",
    "consent:basis_confirm": "confirms a lawful basis",
    "access:break_glass_review": "reviews an emergency access",
    "sharing:for_family_pdf": "a download: the family's copy",
    "sharing:entry_unsafe": "changes a register entry",
    "subject_access:edit": "changes a request",
    "subject_access:verify": "changes a request",
    "subject_access:extend": "changes a request",
    "subject_access:close": "closes a request",
    "subject_access:withholding_remove": "removes a withholding",
    "retention:hold": "lifts a hold",
    "retention:run_approve": "approves a run",
    "retention:run_start": "runs an approved run",
    "retention:run_cancel": "cancels a run",
    "breaches:incident_edit": "changes an incident",
    "breaches:incident_decide": "decides on an incident",
    "breaches:incident_report": "records the report to the Commissioner",
    "breaches:incident_close": "closes an incident",
    "breaches:incident_link_family": "links a family to an incident, once however often it is sent",
    "rights:request_decide": "decides on a request",
    "rights:request_apply": "applies a decided request",
    "rights:request_erase": "applies a decided request",
    "rights:request_restrict": "applies a decided request",
    "rights:restriction_lift": "lifts a restriction",
    "dpo:audit_verify": "checks the audit chain",
    "duplicates:pair": "decides on a pair found by a run",
    "merges:unmerge": "undoes a merge (a repeat is refused: it is undone already)",
    "jobs:retry": "runs a failed job again",
    "jobs:discard": "discards a failed job",
    "identity:admin_provider_edit": "changes a sign-in provider, or removes one of its rules",
    "identity:admin_waiting": "approves or refuses an account waiting for approval",
}

# Who opens each scope's pages.
USER_FOR_SCOPE = {
    routes.FAMILY: "lead_professional",
    routes.SIGNED_IN: "lead_professional",
    routes.ADMIN: "system_administrator",
    routes.GOVERNANCE: "data_protection_officer",
    routes.REPORTS: "analyst",
    routes.SCREENING: "mash_holding_a_referral",
    routes.BREAK_GLASS: "mash_break_glass_expired",
}


def _handles_post(callback) -> bool:
    return "POST" in inspect.getsource(inspect.unwrap(callback))


def _create_views():
    return sorted(name for name, pattern in url_patterns() if once.is_submit_once(pattern.callback))


def test_every_view_taking_a_post_either_saves_once_or_creates_nothing():
    unclassified, both = [], []
    for name, pattern in url_patterns():
        decorated = once.is_submit_once(pattern.callback)
        if decorated and name in NOT_CREATING:
            both.append(name)
        elif not decorated and name not in NOT_CREATING and _handles_post(pattern.callback):
            unclassified.append(name)
    assert unclassified == [], ("decorate these views with hearth.web.once.submit_once (and give their forms "
                                "submit_once_field()), or list them in NOT_CREATING with why they create nothing")
    assert both == []
    names = {name for name, _ in url_patterns()}
    assert sorted(set(NOT_CREATING) - names) == [], "these URLs no longer exist"


def test_the_list_of_create_forms_is_the_one_the_brief_names():
    views = _create_views()
    for name in ("cases:notes", "families:family_new", "cases:episode_start", "assessments:start", "plans:action_new",
                 "plans:meeting_new", "plans:review_new", "consent:share_new", "referrals:public_request",
                 "referrals:mash_contact", "sharing:entry_new", "rights:request_new", "breaches:incident_new",
                 "subject_access:new", "retention:hold_new", "retention:run_new", "accounts:admin_user_new"):
        assert name in views


# ---------------------------------------------------------------------------------------------------------------
# Pages whose form needs more than the shared world, or is on another page


def _family_with_a_new_child(world, users):
    child = people.person_create(actor=users["lead_professional"], family=world.family, role="child", data={
        "given_name": "Rowan", "family_name": "Matrix", "date_of_birth": timezone.localdate() - timedelta(days=900)})
    assert child.pk
    return reverse("assessments:assessment", kwargs={"assessment_id": world.ids["assessment_id"]})


def _person_in_another_family(world, users):
    lead = users["lead_professional"]
    other = people.family_create(actor=lead, name="The Other family")
    person = people.person_create(actor=lead, family=other, role="parent_pr", data={
        "given_name": "Sam", "family_name": "Other"})
    return reverse("families:member_add_existing", kwargs={"family_id": world.ids["family_id"],
                                                            "person_id": person.pk})


def _an_incident(world, users):
    incident = breaches.incident_record(actor=users["data_protection_officer"], data=breaches.IncidentInput(
        summary="Letter sent to the wrong address", what_happened="A letter went to a neighbour.",
        discovered_at=timezone.now() - timedelta(hours=2), people_affected="One family",
        data_kinds=["names_contact"], containment="Asked for the letter back"))
    return reverse("breaches:incident_notice_new", kwargs={"incident_id": incident.pk})


def _held_meeting(world, users):
    Meeting.objects.filter(pk=world.ids["meeting_id"]).update(status="held")
    return reverse("plans:meeting", kwargs={"meeting_id": world.ids["meeting_id"]})


def _a_sign_in_provider(world, users):
    provider = IdentityProvider.objects.create(council=world.council, name="Matrix council", client_id="hearth",
                                               discovery_url="https://login.example.test/tenant/v2.0",
                                               client_secret_variable="HEARTH_OIDC_SECRET_MATRIX")
    return reverse("identity:admin_rule_new", kwargs={"provider_id": provider.pk})


def _family_without_an_episode(world, users):
    family = people.family_create(actor=users["lead_professional"], name="The New family")
    return reverse("cases:episode_start", kwargs={"family_id": family.pk})


PAGES = {
    # the form is on another page
    "assessments:children_add_missing": _family_with_a_new_child,
    "plans:meeting_send": _held_meeting,
    "reports:extract_start": lambda world, users: reverse("reports:extracts"),
    "duplicates:run_start": lambda world, users: reverse("duplicates:queue"),
    "subject_access:new": lambda world, users: reverse("subject_access:new") + f"?person={world.ids['person_id']}",
    "referrals:public_request": lambda world, users: reverse("referrals:public_request_council",
                                                              kwargs={"code": world.council.code}),
    # the page needs a record the shared world does not have
    "families:member_add_existing": _person_in_another_family,
    "breaches:incident_notice_new": _an_incident,
    "cases:episode_start": _family_without_an_episode,
    "identity:admin_rule_new": _a_sign_in_provider,
    "rights:request_new": lambda world, users: reverse("rights:request_new") + f"?person={world.ids['person_id']}",
    # the need is chosen first, by a form that asks (GET)
    "supporting_families:need_new": lambda world, users: reverse(
        "supporting_families:need_new", kwargs={"family_id": world.ids["family_id"]}) + "?need=housing",
}
# Who opens the page, where it is not USER_FOR_SCOPE's user.
USERS = {"referrals:step_down": "social_worker_involved"}
# Pages that need a record in a state the shared world cannot hold at once; their forms are checked by the tests
# of their own apps' pages.
NOT_WALKED = {
    "supporting_families:claim_check": ("supporting_families/family.html",
                                        "needs a family whose every need shows progress, sustained"),
    "supporting_families:share_start": ("supporting_families/programme.html",
                                        "needs a council that takes part in the programme"),
    "rights:request_recipients": ("rights/request_recipients.html", "needs a decided and applied request"),
    "merges:compare": ("merges/compare.html", "needs two records of one person to compare"),
    "merges:told": ("merges/merge.html", "needs a merge of a record that was shared"),
    "subject_access:release": ("subject_access/release.html", "needs a verified request with its copy prepared"),
    "subject_access:withhold": ("subject_access/withhold.html", "needs an item of a compiled copy"),
    "subject_access:prepare_again": ("subject_access/workbench.html", "needs a released request whose bundle failed"),
}


def _template_has_the_key(name: str) -> bool:
    env = engines["jinja2"].env
    source = env.loader.get_source(env, name)[0]
    if "submit_once_field()" in source:
        return True
    parent = re.search(r'{%\s*extends\s+"([^"]+)"', source)
    return bool(parent) and _template_has_the_key(parent.group(1))


def _forms_posting_to(html: str, page_path: str, name: str) -> list[str]:
    found = []
    for attributes, body in re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S | re.I):
        if not re.search(r'method="post"', attributes, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        path = urlsplit(action.group(1).replace("&amp;", "&")).path if action and action.group(1) else page_path
        match = resolve(path)
        if match.view_name == name or (name == "referrals:public_request" and match.url_name.startswith(
                "public_request")):
            found.append(body)
    return found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as built:
        yield built


@pytest.mark.django_db
@pytest.mark.parametrize("name", _create_views())
def test_every_create_form_carries_a_one_time_key(world, name):
    if name in NOT_WALKED:  # the page's template, and the layouts it extends, carry the key
        template, _why = NOT_WALKED[name]
        assert _template_has_the_key(template), f"{template} has no one-time key"
        return
    patterns = dict(url_patterns())
    scope = routes.ROUTES[name]
    client = Client(raise_request_exception=True)
    if scope != routes.PUBLIC:
        client.force_login(world.users[USERS.get(name, USER_FOR_SCOPE[scope])])
    page = (PAGES[name](world, world.users) if name in PAGES else
            reverse(name, kwargs={k: world.ids[k] for k in patterns[name].pattern.converters}))
    response = client.get(page)
    assert response.status_code == 200, f"GET {page} gave {response.status_code}"
    forms = _forms_posting_to(response.content.decode(), urlsplit(page).path, name)
    assert forms, f"no form on {page} posts to {name}"
    for body in forms:
        assert f'name="{once.FIELD}"' in body, f"a form on {page} posting to {name} has no one-time key"
