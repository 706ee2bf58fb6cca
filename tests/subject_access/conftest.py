"""Fixtures: a family with a history in every part of the record, and a request about the mother (the data
protection officer, the mother and the child are the root conftest's `dpo`, `mum` and `child`)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from hearth.assessments.models import Assessment, AssessmentStatus, ChildView, Contribution, Section
from hearth.cases.models import CaseNote, Episode, EpisodeOrigin, EpisodeStatus, LevelChange, LevelSource
from hearth.consent.models import Agreement, ShareConsent
from hearth.outcomes.models import Reading, Score
from hearth.plans.models import Action, Meeting, MeetingKind, MeetingStatus, Review
from hearth.referrals.models import Referral
from hearth.sharing.services import disclosure_record
from hearth.subject_access import services
from tests.factories import DpoFactory

TODAY = timezone.localdate


@pytest.fixture
def other_dpo(other_council):
    return DpoFactory(email="gil.dpo@example.test", agency_name="Glos information governance",
                      agency__council=other_council)


@dataclass
class History:
    episode: Episode
    assessment: Assessment
    note: CaseNote
    other_note: CaseNote
    contribution: Contribution
    review: Review
    meeting: Meeting
    disclosure: object
    referral: Referral
    mum_view: ChildView | None = None


@pytest.fixture
def history(practitioner, other_practitioner, family, mum, child) -> History:
    """One family's record, each free-text field with a recognisable phrase, written directly (not through the
    services, whose rules are tested in their own apps)."""
    lead = practitioner
    episode = Episode.objects.create(family=family, status=EpisodeStatus.PLAN, origin=EpisodeOrigin.PRACTITIONER,
                                     reason="N4", level=2, lead_professional=lead,
                                     started_on=TODAY() - datetime.timedelta(days=200))
    LevelChange.objects.create(episode=episode, level=2, reasons="Starting level reasons", source=LevelSource.START,
                               decided_by=lead)
    assessment = Assessment.objects.create(episode=episode, family=family, status=AssessmentStatus.COMPLETED,
                                           started_by=lead, completed_by=lead, completed_at=timezone.now())
    Section.objects.create(assessment=assessment, key="background", facts="Background facts Bq1",
                           opinions="Background views Bq2")
    ChildView.objects.create(assessment=assessment, child=child, method="three_houses",
                             in_their_words="Max's own words Mx1")
    contribution = Contribution.objects.create(assessment=assessment, author=other_practitioner,
                                               agency_name="Health visiting", status="submitted",
                                               facts="Health facts Hv1", opinions="Health views Hv2",
                                               submitted_at=timezone.now())
    meeting = Meeting.objects.create(episode=episode, kind=MeetingKind.INITIAL, status=MeetingStatus.HELD,
                                     scheduled_for=timezone.now() - datetime.timedelta(days=150),
                                     location="Hill School", minutes="Meeting minutes Mm1", recorded_by=lead)
    Action.objects.create(episode=episode, what="Action to take Ac1", owner_user=lead, due_on=TODAY())
    review = Review.objects.create(episode=episode, held_on=TODAY() - datetime.timedelta(days=100),
                                   summary="Review summary Rv1", decision="continue", recorded_by=lead)
    reading = Reading.objects.create(episode=episode, taken_on=TODAY() - datetime.timedelta(days=100),
                                     context="review", review=review, recorded_by=lead)
    Score.objects.create(reading=reading, area="physical_health", score=4, family_score=6)
    note = CaseNote.objects.create(family=family, episode=episode, note_type="home_visit",
                                   occurred_on=TODAY() - datetime.timedelta(days=50), summary="Home visit Nt1",
                                   body="Note details Nt2", author=lead)
    other_note = CaseNote.objects.create(family=family, episode=episode, note_type="phone",
                                         occurred_on=TODAY() - datetime.timedelta(days=40), summary="Phone call Nt3",
                                         body="Neighbour said Nt4", author=lead)
    Agreement.objects.create(family=family, given_by=mum, giver_kind="parent_pr",
                             given_on=TODAY() - datetime.timedelta(days=199), method="written")
    ShareConsent.objects.create(family=family, person=mum, given_by=mum, giver_kind="parent_pr",
                                given_on=TODAY() - datetime.timedelta(days=199), method="written",
                                for_assessment_planning=True, limits="Consent limits Cs1")
    disclosure = disclosure_record(actor=lead, family=family, kind="taf_notes", what="Notes sent Ds1",
                                   recipient="gp@example.test", purpose="Notes go to everyone invited",
                                   basis="Consent to share")
    referral = Referral.objects.create(council=family.council, reference="REF-1", family=family, episode=episode,
                                       requester_kind="practitioner", requester_name="Rita Referrer",
                                       concerns="Referral concerns Rf1")
    return History(episode=episode, assessment=assessment, note=note, other_note=other_note,
                   contribution=contribution, review=review, meeting=meeting, disclosure=disclosure,
                   referral=referral)


@pytest.fixture
def sar(dpo, mum):
    return services.sar_create(actor=dpo, subject=mum, requester_name="Jo Testfamily", requester_relationship="self",
                               received_on=TODAY() - datetime.timedelta(days=3))


@pytest.fixture
def verified(dpo, sar):
    return services.sar_verify(actor=dpo, sar=sar, version=sar.version, method="photo_id", note="Passport seen")
