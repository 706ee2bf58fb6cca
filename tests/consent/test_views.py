"""The consent pages driven as a user would: the record kept apart by kind, each form with its errors, the instant
effect of a withdrawal, a manager's confirmation of a lawful basis, and the public-task explanation."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.access import grants
from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role, Team
from hearth.consent import services
from hearth.consent.models import Agreement, LawfulBasis, NotSoughtDecision, ShareConsent
from hearth.core import profiles
from hearth.families import services as people
from tests.assertions import assert_says
from tests.factories import ShareConsentFactory

TODAY = timezone.localdate


def _date(prefix, d):
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def _consent_post(parent, **overrides):
    """The consent form for one adult of the family (the form takes several people at once)."""
    data = {"people": [str(parent.pk)], "method": "written",
            "form_reference": "EHA-0042", "purposes": ["for_assessment_planning", "for_named_partners"],
            "agency_kinds": ["school"], **_date("given_on", TODAY() - timedelta(days=1)),
            **_date("review_by", TODAY() + timedelta(days=365))}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_consent_page_says_which_agencies_working_with_the_family_are_not_covered(
        client_for, practitioner, family, parent, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    page = html.unescape(client_for(practitioner).get(f"/families/{family.pk}/consent").content.decode())
    assert "Consent and information sharing" in page
    assert "Not covered: Brook School, Hill School." in page
    assert "Team members from these agencies cannot see the family's record" in page
    assert "Yes, to record consent (they started the record)" in page
    assert "No consent to share has been recorded" in page
    assert 'id="consent-model"' in page  # Oxfordshire seeks consent


def test_recording_consent_to_share_shows_purposes_scope_exclusions_and_review_date(
        client_for, practitioner, family, parent, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    client = client_for(practitioner)
    form = html.unescape(client.get(f"/families/{family.pk}/consent/share/new").content.decode())
    next_year = TODAY().replace(year=TODAY().year + 1) if not (TODAY().month == 2 and TODAY().day == 29) else None
    if next_year:
        assert f'value="{next_year.year}"' in form  # the review-by date defaults to a year on
    assert "Who opted out of national research linking (if anyone)" in form  # Oxfordshire asks it
    response = client.post(f"/families/{family.pk}/consent/share/new", _consent_post(
        parent, excluded_agencies=[str(practitioner.agency_id)], limits="Not the older children's father's history",
        research_opt_outs=[str(parent.pk)]))
    assert response.status_code == 302 and response["Location"] == f"/families/{family.pk}/consent"
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "The consent to share has been recorded." in page
    for text in ("Dana Testfamily's information", "Assessment and planning", "Sharing with the partners named",
                 "School or college (any)", "Not with Hill School", "In writing", "EHA-0042", "Opted out",
                 "Can see the family's record:", "<li>Brook School</li>",
                 "Consent to share: in place for everyone in the family (1 of 1)."):
        assert text in page, text
    consent = ShareConsent.objects.get()
    assert consent.research_opt_out and consent.review_by == TODAY() + timedelta(days=365)


def test_consent_without_anyone_chosen_and_written_without_a_reference_shows_both_errors(
        client_for, practitioner, family, parent):
    page = html.unescape(client_for(practitioner).post(f"/families/{family.pk}/consent/share/new",
                                         _consent_post(parent, people=[], form_reference="")).content.decode())
    assert_says(page, "There is a problem", "Choose whose consent you are recording",
                "Enter the reference of the signed form", 'href="#id_people"', 'href="#id_form_reference"')
    assert not ShareConsent.objects.exists()


def test_consent_with_no_purpose_and_no_one_to_share_with_is_refused(client_for, practitioner, family, parent):
    page = html.unescape(client_for(practitioner).post(f"/families/{family.pk}/consent/share/new",
                                         _consent_post(parent, purposes=[], agency_kinds=[])).content.decode())
    assert "Choose at least one purpose the family agreed to" in page
    assert "Choose the agencies, or kinds of agency, the family agreed to share with" in page


def test_a_withdrawal_dated_before_the_consent_is_shown_as_an_error(client_for, practitioner, family, parent):
    consent = ShareConsentFactory(family=family, person=parent)
    page = html.unescape(client_for(practitioner).post(f"/families/{family.pk}/consent/share/{consent.pk}/withdraw", {
        **_date("withdrawn_on", TODAY() - timedelta(days=10)), "withdrawn_how": "Phoned the lead professional",
    }).content.decode())
    assert "There is a problem" in page
    assert "The withdrawal cannot be dated before it was given" in page
    assert "Phoned the lead professional" in page  # what they typed is kept
    consent.refresh_from_db()
    assert consent.is_active


def test_withdrawing_consent_through_the_page_removes_the_school_team_members_access_at_once(
        client_for, practitioner, family, parent, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    consent = ShareConsentFactory(family=family, person=parent)
    from django.test import Client

    school = Client()
    school.force_login(school_worker)
    assert school.get(f"/families/{family.pk}").status_code == 200
    response = client_for(practitioner).post(f"/families/{family.pk}/consent/share/{consent.pk}/withdraw", {
        **_date("withdrawn_on", TODAY()), "withdrawn_how": "Told the lead professional at a home visit"})
    assert response.status_code == 302
    assert school.get(f"/families/{family.pk}").status_code == 403
    page = html.unescape(client_for(practitioner).get(f"/families/{family.pk}/consent").content.decode())
    assert "Withdrawn" in page and "Told the lead professional at a home visit" in page
    assert "Not covered: Brook School" in page


def test_withdrawing_twice_is_refused_with_a_plain_message(client_for, practitioner, family, parent):
    consent = ShareConsentFactory(family=family, person=parent)
    services.share_consent_withdraw(actor=practitioner, consent=consent, withdrawn_on=TODAY(), how="By email")
    page = html.unescape(client_for(practitioner).post(f"/families/{family.pk}/consent/share/{consent.pk}/withdraw", {
        **_date("withdrawn_on", TODAY()), "withdrawn_how": "By phone"}).content.decode())
    assert "It was withdrawn on" in page


def test_recording_and_withdrawing_the_agreement_to_early_help(client_for, practitioner, family, parent):
    client = client_for(practitioner)
    page = html.unescape(client.post(f"/families/{family.pk}/consent/agreements/new", {
        "giver_kind": "parent_pr", "method": "verbal", **_date("given_on", TODAY())}).content.decode())
    assert "Choose who gave their consent" in page and not Agreement.objects.exists()
    response = client.post(f"/families/{family.pk}/consent/agreements/new", {
        "given_by": parent.pk, "giver_kind": "parent_pr", "method": "verbal", **_date("given_on", TODAY())})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    page = html.unescape(client.get(f"/families/{family.pk}/consent").content.decode())
    assert f"Agreed on {TODAY():%-d %B %Y}" in page and "Verbally" in page
    assert not ShareConsent.objects.exists()  # agreement to Early Help is not consent to share
    response = client.post(f"/families/{family.pk}/consent/agreements/{agreement.pk}/withdraw", {
        **_date("withdrawn_on", TODAY()), "withdrawn_how": "Said they no longer want support"})
    assert response.status_code == 302
    page = html.unescape(client.get(f"/families/{family.pk}/consent").content.decode())
    assert "Said they no longer want support" in page


def test_a_lawful_basis_with_no_reason_is_refused(client_for, practitioner, family, school_worker):
    page = html.unescape(client_for(practitioner).post(f"/families/{family.pk}/consent/lawful-bases/new", {
        "kind": "safeguarding", "reason": " ", "scope": "chosen",
        "agencies": [str(school_worker.agency_id)]}).content.decode())
    assert "There is a problem" in page
    assert "Give the reason for sharing without consent" in page
    assert not LawfulBasis.objects.exists()


@pytest.fixture
def managers(make, team, practitioner, family, involve):
    """Two managers who can each see the family: one manages the lead's team, the other the team of a social
    worker involved with it (a manager gets nothing through a team member whose agency is not covered)."""
    first = make("mo.manager@example.test", Role.MANAGER)
    second = make("max.manager@example.test", Role.MANAGER)
    team.manager = first
    team.save()
    practitioner.team = team
    practitioner.save()
    grants.refresh_user(practitioner)
    other = Team.objects.create(agency=practitioner.agency, name="Pastoral team", manager=second)
    colleague = make("cal.colleague@example.test", Role.SOCIAL_WORKER, team=other, agency_name=practitioner.agency.name)
    involve(family, colleague, InvolvedAs.SOCIAL_WORK)
    return first, second


def test_a_lawful_basis_takes_effect_when_another_manager_confirms_it(
        client_for, practitioner, family, school_worker, involve, managers):
    first, second = managers
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    response = client_for(first).post(f"/families/{family.pk}/consent/lawful-bases/new", {
        "kind": "safeguarding", "reason": "Disclosure at school of harm at home", "scope": "chosen",
        "agencies": [str(school_worker.agency_id)]})
    assert response.status_code == 302
    basis = LawfulBasis.objects.get()
    page = html.unescape(client_for(first).get(f"/families/{family.pk}/consent").content.decode())
    assert "Waiting for a manager to confirm" in page
    assert "Another manager must confirm this: you decided it." in page
    assert f'id="confirm-basis-{basis.pk}"' not in page
    # The manager who decided is refused by the service even when posting directly.
    client_for(first).post(f"/families/{family.pk}/consent/lawful-bases/{basis.pk}/confirm")
    page = html.unescape(client_for(first).get(f"/families/{family.pk}/consent").content.decode())
    assert "A manager other than the person who decided must confirm it" in page
    # A practitioner may not confirm.
    assert client_for(practitioner).post(
        f"/families/{family.pk}/consent/lawful-bases/{basis.pk}/confirm").status_code == 403
    assert not policy_sees(school_worker, family)
    page = html.unescape(client_for(second).get(f"/families/{family.pk}/consent").content.decode())
    assert f'id="confirm-basis-{basis.pk}"' in page
    response = client_for(second).post(f"/families/{family.pk}/consent/lawful-bases/{basis.pk}/confirm")
    assert response.status_code == 302
    page = html.unescape(client_for(second).get(response["Location"]).content.decode())
    assert "Confirmed by Max Manager" in page
    assert policy_sees(school_worker, family)


def policy_sees(user, family) -> bool:
    from hearth.access import policy

    return policy.can_view_family(user, family)


def test_a_lawful_basis_for_every_agency_needs_no_list(client_for, practitioner, family):
    response = client_for(practitioner).post(f"/families/{family.pk}/consent/lawful-bases/new", {
        "kind": "court_order", "reason": "Family court order of 1 March", "scope": "all"})
    assert response.status_code == 302
    assert LawfulBasis.objects.get().all_agencies


def test_recording_a_decision_not_to_seek_consent(client_for, practitioner, family, make):
    manager = make("morgan.manager@example.test", Role.MANAGER)
    client = client_for(practitioner)
    form = html.unescape(client.get(f"/families/{family.pk}/consent/not-sought/new").content.decode())
    assert_says(form, "Oxfordshire takes this decision with a manager's advice", "Morgan Manager",
                "What the manager advised")
    page = html.unescape(client.post(f"/families/{family.pk}/consent/not-sought/new", {"reason": ""}).content.decode())
    assert "Say why seeking consent would increase the risk to the child" in page
    # Oxfordshire's profile: the decision is refused without the manager's advice.
    page = html.unescape(client.post(f"/families/{family.pk}/consent/not-sought/new",
                                     {"reason": "Asking would alert the person posing the risk"}).content.decode())
    assert_says(page, "There is a problem", "Choose the manager whose advice you took, or give their name",
                'href="#id_manager"', "Enter the date the manager gave their advice", "Say what the manager advised")
    assert not NotSoughtDecision.objects.exists()
    response = client.post(f"/families/{family.pk}/consent/not-sought/new", {
        "reason": "Asking would alert the person posing the risk", "manager": manager.pk,
        **_date("advised_on", TODAY()), "advice": "Agreed: do not ask while the police investigate"})
    assert response.status_code == 302
    decision = NotSoughtDecision.objects.get()
    assert decision.decided_by == practitioner and decision.manager == manager
    page = html.unescape(client.get(f"/families/{family.pk}/consent").content.decode())
    assert_says(page, "Asking would alert the person posing the risk", "Manager's advice",
                f"Morgan Manager, on {TODAY():%-d %B %Y}: Agreed: do not ask while the police investigate")


def test_someone_outside_the_family_cannot_open_the_consent_pages(client_for, other_practitioner, family):
    client = client_for(other_practitioner)
    assert client.get(f"/families/{family.pk}/consent").status_code == 403
    assert client.get(f"/families/{family.pk}/consent/share/new").status_code == 403


@pytest.fixture
def public_task_family(db):
    (cambs,) = profiles.load(only=["cambridgeshire"])
    from conftest import make_user

    lead = make_user(cambs, "lee.lead@example.test", [Role.PRACTITIONER])
    family = people.family_create(actor=lead, name="The Publictask family")
    person = people.person_create(actor=lead, family=family, role="parent_pr",
                                  data={"given_name": "Robin", "family_name": "Publictask"})
    return lead, family, person


def test_a_public_task_council_explains_that_sharing_with_partners_needs_no_consent(client_for, public_task_family):
    lead, family, person = public_task_family
    client = client_for(lead)
    page = html.unescape(client.get(f"/families/{family.pk}/consent").content.decode())
    assert 'id="public-task"' in page
    assert "does not need the family's consent" in page
    assert "must still be told who is involved" in page
    assert "The national research opt-out is still asked" in page
    assert 'id="consent-prompts"' not in page  # no re-consent prompts under public task
    response = client.post(f"/families/{family.pk}/consent/research-opt-out/new", {
        "person": person.pk, "given_by": person.pk, "giver_kind": "parent_pr", "method": "verbal",
        **_date("given_on", TODAY())})
    assert response.status_code == 302
    page = html.unescape(client.get(f"/families/{family.pk}/consent").content.decode())
    assert "Robin Publictask opted out on" in page
    record = ShareConsent.objects.get()
    assert record.research_opt_out and not record.scopes.exists()  # it lets no one see anything
