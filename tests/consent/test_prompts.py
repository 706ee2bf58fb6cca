"""Re-consent prompts for councils that seek consent (a new family member, an agency not covered in the team, a
change of level, a review-by date passed), and the family-page panel in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind, Role
from hearth.cases import services as cases
from hearth.cases.models import LevelChange
from hearth.consent import selectors, services
from hearth.consent.models import ShareConsent
from hearth.core import profiles
from hearth.families import services as people
from hearth.people.models import FamilyMember
from tests.factories import ShareConsentFactory

TODAY = timezone.localdate


def _consent(practitioner, family, parent, *, days_ago=10, **kwargs):
    """Consent given and recorded `days_ago` days ago, covering schools (the practitioner's own kind too)."""
    kwargs = {"person": parent, "given_by": parent, "review_by": TODAY() + timedelta(days=300), **kwargs}
    consent = ShareConsentFactory(family=family, actor=practitioner, given_on=TODAY() - timedelta(days=days_ago),
                                  **kwargs)
    ShareConsent.objects.filter(pk=consent.pk).update(recorded_at=timezone.now() - timedelta(days=days_ago))
    consent.refresh_from_db()
    return consent


def _members_joined(family, days_ago):
    FamilyMember.objects.filter(family=family).update(joined_on=TODAY() - timedelta(days=days_ago))


def test_with_no_consent_the_only_prompt_is_that_none_has_been_recorded(family, parent, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    assert selectors.reconsent_prompts(family) == ["No consent to share has been recorded"]


def test_a_settled_consent_gives_no_prompts(practitioner, family, parent, school_worker, involve):
    _members_joined(family, 20)
    _consent(practitioner, family, parent)
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)  # a school: covered by the consent
    assert selectors.reconsent_prompts(family) == []


def test_a_family_member_who_joined_after_consent_prompts(practitioner, family, parent):
    _members_joined(family, 20)
    _consent(practitioner, family, parent)
    people.person_create(actor=practitioner, family=family, role="child",
                         data={"given_name": "Kit", "family_name": "Testfamily"})
    (prompt,) = selectors.reconsent_prompts(family)
    assert prompt.startswith(f"Kit Testfamily joined the family on {TODAY():%-d %B %Y}, after consent to share")
    assert "Ask whether the family's consent covers them" in prompt


def test_members_added_while_the_consent_was_written_up_are_not_new(practitioner, family, parent):
    consent = _consent(practitioner, family, parent, days_ago=0)
    ShareConsent.objects.filter(pk=consent.pk).update(given_on=TODAY() - timedelta(days=3))
    people.person_create(actor=practitioner, family=family, role="child",
                         data={"given_name": "Kit", "family_name": "Testfamily"})
    assert selectors.reconsent_prompts(family) == []


def test_a_practitioner_from_an_agency_not_covered_prompts(practitioner, family, parent, make, involve):
    _members_joined(family, 20)
    _consent(practitioner, family, parent)
    health = make("hana.health@example.test", Role.PRACTITIONER, kind=AgencyKind.HEALTH_VISITING,
                  agency_name="Riverside Health Visiting")
    involve(family, health, InvolvedAs.TAF_MEMBER, covered=False)
    (prompt,) = selectors.reconsent_prompts(family)
    assert "Hana Health of Riverside Health Visiting is in the team around the family" in prompt
    assert "no consent or lawful basis covers Riverside Health Visiting" in prompt


def test_an_excluded_agency_in_the_team_prompts_even_when_its_kind_is_covered(
        practitioner, family, parent, school_worker, involve):
    _members_joined(family, 20)
    _consent(practitioner, family, parent, excluded_agencies=[school_worker.agency])
    involve(family, school_worker, InvolvedAs.CONTRIBUTOR, covered=False)
    (prompt,) = selectors.reconsent_prompts(family)
    assert "Sam School of Brook School has been invited to contribute to the assessment" in prompt


@pytest.fixture
def episode_before_consent(practitioner, family, parent):
    """An episode at level 2, decided 15 days ago, before the family's consent 10 days ago; everyone in the family
    joined before either."""
    _members_joined(family, 20)
    episode = cases.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    LevelChange.objects.filter(episode=episode).update(decided_at=timezone.now() - timedelta(days=15))
    _consent(practitioner, family, parent)
    return episode


def test_a_change_of_level_after_consent_prompts(practitioner, family, episode_before_consent):
    episode = episode_before_consent
    assert selectors.reconsent_prompts(family) == []
    cases.episode_change_level(actor=practitioner, episode=episode, level=3, reasons="Needs have grown")
    (prompt,) = selectors.reconsent_prompts(family)
    assert prompt.startswith(f"The level of need changed from Vulnerable to Complex on {TODAY():%-d %B %Y}")
    assert "Check the family still agree to what is shared" in prompt


def test_a_level_confirmed_unchanged_at_review_does_not_prompt(practitioner, family, episode_before_consent):
    episode = episode_before_consent
    cases.episode_change_level(actor=practitioner, episode=episode, level=2, reasons="Still the same")
    assert selectors.reconsent_prompts(family) == []


def test_a_review_by_date_that_has_passed_prompts(practitioner, family, parent):
    _members_joined(family, 500)
    _consent(practitioner, family, parent, days_ago=400, review_by=TODAY() - timedelta(days=35))
    (prompt,) = selectors.reconsent_prompts(family)
    review = TODAY() - timedelta(days=35)
    assert prompt == (f"Dana Testfamily's consent to share was due for review on {review:%-d %B %Y}. "
                      "Check it with the family and record it again.")


def test_when_every_consent_is_withdrawn_the_prompt_says_so(practitioner, family, parent):
    consent = _consent(practitioner, family, parent)
    services.share_consent_withdraw(actor=practitioner, consent=consent, withdrawn_on=TODAY(), how="By email")
    assert selectors.reconsent_prompts(family) == [
        f"No consent to share is in place: it was withdrawn on {TODAY():%-d %B %Y}"]


def test_a_decision_not_to_seek_consent_silences_the_no_consent_prompt(practitioner, family):
    services.not_sought_record(actor=practitioner, family=family, reason="Asking would increase the risk",
                               manager_name="Morgan Manager", advised_on=TODAY(), advice="Do not ask the father")
    assert selectors.reconsent_prompts(family) == []


def test_a_public_task_council_has_no_reconsent_prompts(db):
    (cambs,) = profiles.load(only=["cambridgeshire"])
    from conftest import make_user

    lead = make_user(cambs, "lee.lead@example.test", [Role.PRACTITIONER])
    family = people.family_create(actor=lead, name="The Publictask family")
    assert selectors.reconsent_prompts(family) == []
    panel = selectors.family_panel(lead, family)
    assert panel["prompts"] == []
    assert "not needed to share with the partners delivering Early Help" in panel["summary"]


def test_the_panel_summarises_the_consent_and_lists_the_prompts(practitioner, family, parent, make, involve):
    _members_joined(family, 20)
    _consent(practitioner, family, parent, agencies=[practitioner.agency], agency_kinds=[AgencyKind.HEALTH_VISITING])
    health = make("hana.health@example.test", Role.PRACTITIONER, kind=AgencyKind.POLICE, agency_name="Thames Police")
    involve(family, health, InvolvedAs.TAF_MEMBER, covered=False)
    panel = selectors.family_panel(practitioner, family)
    given = TODAY() - timedelta(days=10)
    # One person's consent says who it is about, never the whole family (issue "The practitioner's day").
    assert panel["summary"] == "Consent to share: in place for everyone in the family (1 of 1)."
    (dana,) = [p for p in panel["people"] if p.person == parent]
    assert dana.status == (f"Consent to share given on {given:%-d %B %Y}, for Hill School, Health visiting (any). "
                           "Not covered for Thames Police.")
    assert panel["not_covered"] == ["Thames Police"]
    html = get_template("consent/_family_panel.html").render({"panel": panel, "family": family})
    assert "govuk-notification-banner" in html
    assert "Hana Health of Thames Police is in the team around the family" in html
    assert f'href="/families/{family.pk}/consent"' in html


def test_the_panel_is_refused_to_someone_who_cannot_see_the_family(other_practitioner, family):
    from hearth.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        selectors.family_panel(other_practitioner, family)


def _panel_queries(user, family) -> int:
    user = type(user).objects.get(pk=user.pk)  # as a request has it: nothing about the user cached yet
    with CaptureQueriesContext(connection) as ctx:
        selectors.family_panel(user, family)
    return len(ctx.captured_queries)


def test_the_panel_loads_in_a_fixed_number_of_queries_however_long_the_history(
        practitioner, family, parent, make, involve):
    _members_joined(family, 900)
    first = _consent(practitioner, family, parent, days_ago=800, review_by=TODAY() - timedelta(days=400))
    involve(family, make("a1@example.test", kind=AgencyKind.POLICE, agency_name="Police A"), covered=False)
    small = _panel_queries(practitioner, family)
    services.share_consent_withdraw(actor=practitioner, consent=first, withdrawn_on=TODAY(), how="By phone")
    episode = cases.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    for n in range(12):
        child = people.person_create(actor=practitioner, family=family, role="child",
                                     data={"given_name": f"Child{n}", "family_name": "Testfamily"})
        _consent(practitioner, family, parent, person=child, days_ago=30 + n,
                 agencies=[practitioner.agency], excluded_kinds=[AgencyKind.HOUSING])
        cases.episode_change_level(actor=practitioner, episode=episode, level=2 + n % 2, reasons="Review")
        involve(family, make(f"w{n}@example.test", kind=AgencyKind.VOLUNTARY, agency_name=f"Charity {n}"),
                covered=False)
    services.lawful_basis_record(actor=practitioner, family=family, kind="safeguarding", reason="Risk",
                                 all_agencies=True)
    large = _panel_queries(practitioner, family)
    assert large == small, (small, large)
    assert large <= 13, large  # with the user's roles and agency loaded, as on a fresh request
    assert len(selectors.family_panel(practitioner, family)["prompts"]) > 5
