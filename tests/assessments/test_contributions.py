"""Professional views: a practitioner of another agency the family's consent covers is asked for their view,
writes and sends only their own part, or declines."""

import pytest
from django.core import mail

from conftest import make_user
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import AgencyKind, Role
from hearth.assessments import services
from hearth.assessments.models import Contribution, ContributionStatus
from hearth.core.errors import NotPermitted, ValidationFailed
from tests.assessments.conftest import invite
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


# --- professional views -----------------------------------------------------------------------------


def test_inviting_a_practitioner_of_another_agency_involves_them_and_emails_nothing_personal(
        practitioner, assessment, health_visitor, family):
    contribution = invite(practitioner, assessment, health_visitor)
    assert contribution.status == ContributionStatus.INVITED
    assert contribution.agency_name == "Oxfordshire Health Visiting"
    assert Involvement.objects.filter(family=family, user=health_visitor, relationship=InvolvedAs.CONTRIBUTOR,
                                      ended_at__isnull=True).exists()
    run_jobs()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["hana.visitor@example.test"]
    assert "asked to contribute to an Early Help Assessment" in email.body
    assert "sign in to hearth" in email.body.lower()
    for personal in ("Testfamily", "Jo", "Max", "Attendance"):
        assert personal not in email.body and personal not in email.subject


def test_inviting_someone_from_your_own_agency_is_refused(practitioner, assessment, make):
    same = make("sam.same@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Hill School")
    with pytest.raises(ValidationFailed) as refused:
        invite(practitioner, assessment, same)
    assert refused.value.errors["invitee"] == "Choose a practitioner from another agency"


def test_inviting_someone_from_another_council_is_refused(practitioner, assessment, other_council):
    outsider = make_user(other_council, "out@example.test", [Role.PRACTITIONER], kind=AgencyKind.SCHOOL,
                         agency_name="Elsewhere")
    with pytest.raises(ValidationFailed) as refused:
        invite(practitioner, assessment, outsider)
    assert "invitee" in refused.value.errors


def test_asking_an_agency_the_familys_consent_does_not_cover_is_refused(practitioner, assessment, make):
    uncovered = make("una.covered@example.test", Role.PRACTITIONER, kind=AgencyKind.POLICE, agency_name="Police")
    with pytest.raises(ValidationFailed) as refused:
        invite(practitioner, assessment, uncovered)
    assert "consent to share does not cover Police" in refused.value.errors["invitee"]
    assert not Contribution.objects.exists()
    assert not mail.outbox


def test_asking_the_same_practitioner_twice_is_refused(practitioner, assessment, health_visitor):
    invite(practitioner, assessment, health_visitor)
    with pytest.raises(ValidationFailed) as refused:
        invite(practitioner, assessment, health_visitor)
    assert "already been asked" in refused.value.errors["invitee"]


def test_the_contributor_writes_and_sends_only_their_own_part(practitioner, assessment, health_visitor, gp):
    contribution = invite(practitioner, assessment, health_visitor)
    saved = services.contribution_save(actor=health_visitor, contribution=contribution, version=1,
                                       facts="Seen at clinic twice", opinions="Growth is fine", submit=True)
    assert saved.status == ContributionStatus.SUBMITTED and saved.submitted_at is not None
    assert saved.version == 2
    # The lead professional cannot change it...
    with pytest.raises(NotPermitted):
        services.contribution_save(actor=practitioner, contribution=saved, version=2, facts="changed", opinions="")
    # ...nor can another contributor.
    other = invite(practitioner, assessment, gp)
    with pytest.raises(NotPermitted):
        services.contribution_save(actor=gp, contribution=saved, version=2, facts="changed", opinions="")
    with pytest.raises(NotPermitted):
        services.contribution_save(actor=health_visitor, contribution=other, version=1, facts="x", opinions="")
    assert Contribution.objects.get(pk=saved.pk).facts == "Seen at clinic twice"
    # The person who asked is told a view has arrived (nothing personal in the email).
    run_jobs()
    assert any(m.to == ["pat.practitioner@example.test"] and "Testfamily" not in m.body for m in mail.outbox)


def test_sending_an_empty_view_is_refused(practitioner, assessment, health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    with pytest.raises(ValidationFailed) as refused:
        services.contribution_save(actor=health_visitor, contribution=contribution, version=1, facts=" ",
                                   opinions="", submit=True)
    assert refused.value.errors == {"facts": "Write your view before sending it"}


def test_a_draft_contribution_saved_twice_from_old_versions_is_a_conflict(practitioner, assessment, health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    services.contribution_save(actor=health_visitor, contribution=contribution, version=1, facts="First",
                               opinions="")
    with pytest.raises(services.EditConflict) as conflict:
        services.contribution_save(actor=health_visitor, contribution=contribution, version=1, facts="Second",
                                   opinions="")
    assert conflict.value.current.facts == "First"


def test_the_invitee_may_decline_and_then_cannot_write(practitioner, assessment, health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    declined = services.contribution_decline(actor=health_visitor, contribution=contribution)
    assert declined.status == ContributionStatus.DECLINED
    with pytest.raises(services.AssessmentRefused):
        services.contribution_save(actor=health_visitor, contribution=declined, version=declined.version,
                                   facts="x", opinions="")
    # They may be asked again.
    again = invite(practitioner, assessment, health_visitor)
    assert again.pk == contribution.pk and again.status == ContributionStatus.INVITED


def test_only_the_invitee_can_decline(practitioner, assessment, health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    with pytest.raises(NotPermitted):
        services.contribution_decline(actor=practitioner, contribution=contribution)
