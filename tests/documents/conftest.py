"""A family part-way through Early Help, built directly with the ORM: an episode, a completed assessment with
two children's views and a professional view, scores, a plan with actions, a held meeting, a review with new
scores, significant case notes and a step-up referral."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.assessments.models import (
    Assessment,
    AssessmentStatus,
    ChildView,
    Contribution,
    ContributionStatus,
    Section,
    SectionKey,
    ViewMethod,
)
from hearth.cases.models import CaseNote, Episode, EpisodeOrigin, NoteType
from hearth.families import services as people_services
from hearth.families.services import AddressInput
from hearth.outcomes.models import Reading, ReadingContext, Score
from hearth.people.models import RelationshipKind, Sex
from hearth.plans.models import (
    Action,
    ActionStatus,
    Attendance,
    ChildMeetingView,
    Invitation,
    Meeting,
    MeetingStatus,
    OutcomeProgress,
    PlanOutcome,
    Progress,
    Review,
    ReviewDecision,
)
from hearth.referrals.models import Referral, ReferralKind, RequesterKind

TODAY = datetime.date(2025, 3, 10)


@dataclass
class Journey:
    family: object
    mum: object
    dad: object
    max: object
    ruby: object
    episode: Episode
    assessment: Assessment
    review: Review
    referral: Referral


@pytest.fixture
def journey(practitioner, other_practitioner, family, involve) -> Journey:
    involve(family, other_practitioner, InvolvedAs.CONTRIBUTOR)
    person = people_services.person_create
    mum = person(actor=practitioner, family=family, role="parent_pr",
                 data={"given_name": "Jo", "family_name": "Testfamily", "sex": Sex.FEMALE,
                       "date_of_birth": datetime.date(1988, 2, 14), "address_withheld": True},
                 address=AddressInput(line_1="12 Hidden Lane", town="Banbury", postcode="OX16 5AU"))
    dad = person(actor=practitioner, family=family, role="parent_pr",
                 data={"given_name": "Lee", "family_name": "Testfamily", "sex": Sex.MALE,
                       "date_of_birth": datetime.date(1985, 7, 1)},
                 address=AddressInput(line_1="3 Open Road", town="Bicester", postcode="OX26 6HG"))
    max_ = person(actor=practitioner, family=family, role="child",
                  data={"given_name": "Max", "family_name": "Testfamily", "sex": Sex.MALE,
                        "date_of_birth": datetime.date(2015, 5, 1)})
    ruby = person(actor=practitioner, family=family, role="child",
                  data={"given_name": "Ruby", "family_name": "Testfamily", "sex": Sex.FEMALE,
                        "date_of_birth": datetime.date(2018, 9, 23)})
    people_services.relationship_add(actor=practitioner, family=family, from_person=mum, to_person=max_,
                                     kind=RelationshipKind.MOTHER)
    people_services.relationship_add(actor=practitioner, family=family, from_person=dad, to_person=ruby,
                                     kind=RelationshipKind.FATHER)

    episode = Episode.objects.create(family=family, origin=EpisodeOrigin.PRACTITIONER, reason="N4", level=3,
                                     lead_professional=practitioner, status="plan",
                                     next_review_due=datetime.date(2025, 4, 21), started_on=TODAY)
    practitioner.phone = "01865 000111"
    practitioner.job_title = "Family support worker"
    practitioner.save()
    practitioner.agency.email = "hill.school@example.test"
    practitioner.agency.save()

    completed_at = timezone.make_aware(datetime.datetime(2025, 3, 3, 10, 0))
    assessment = Assessment.objects.create(episode=episode, family=family, status=AssessmentStatus.COMPLETED,
                                           started_by=practitioner, started_at=completed_at, completed_by=practitioner,
                                           completed_at=completed_at)
    texts = {
        SectionKey.BACKGROUND: ("Jo and the children moved to Banbury last spring.", "Jo feels alone since the move."),
        SectionKey.PARENTS_VIEW: ("Jo says mornings are the hardest part of the day.",
                                  "Lee thinks Max needs more routine."),
        SectionKey.STRENGTHS: ("The children are close to their grandmother.", "Jo is a warm and caring parent."),
        SectionKey.NEEDS: ("Max has missed 14 school days this term.", "Money worries add to the stress at home."),
        SectionKey.DESIRED_OUTCOMES: ("Max is at school every day.", "Jo feels less alone."),
    }
    for key, (facts, opinions) in texts.items():
        Section.objects.create(assessment=assessment, key=key, facts=facts, opinions=opinions)
    ChildView.objects.create(assessment=assessment, child=max_, method=ViewMethod.THREE_HOUSES,
                             in_their_words="I like playing football with Dad.",
                             worker_reflection="Max lit up when talking about football.")
    ChildView.objects.create(assessment=assessment, child=ruby, method=ViewMethod.WIZARDS_AND_FAIRIES,
                             in_their_words="My wish is for Mummy to smile more.",
                             worker_reflection="Ruby notices how her mum feels.")
    Contribution.objects.create(assessment=assessment, author=other_practitioner, agency_name="Health visiting",
                                status=ContributionStatus.SUBMITTED, facts="Ruby's checks are all up to date.",
                                opinions="The family would benefit from a parenting group.",
                                submitted_at=completed_at)
    first = Reading.objects.create(episode=episode, taken_on=datetime.date(2025, 3, 3),
                                   context=ReadingContext.ASSESSMENT, assessment=assessment)
    Score.objects.create(reading=first, area="physical_health", score=4, family_score=3)
    Score.objects.create(reading=first, area="family_routine", score=2)
    Score.objects.create(reading=first, area="home_and_money", score=3)

    meeting = Meeting.objects.create(episode=episode, status=MeetingStatus.HELD,
                                     scheduled_for=timezone.make_aware(datetime.datetime(2025, 3, 7, 14, 0)),
                                     location="Hill School meeting room", family_views="Jo wants help with mornings.",
                                     strengths="Everyone wants the best for Max and Ruby.",
                                     needs="A steady morning routine.", minutes="The team agreed the plan below.",
                                     agreed_lead=practitioner, next_review_on=datetime.date(2025, 4, 21))
    Invitation.objects.create(meeting=meeting, user=practitioner, attendance=Attendance.ATTENDED)
    Invitation.objects.create(meeting=meeting, person=mum, attendance=Attendance.ATTENDED)
    Invitation.objects.create(meeting=meeting, user=other_practitioner, attendance=Attendance.APOLOGIES)
    ChildMeetingView.objects.create(meeting=meeting, child=max_, views="Max wants to walk to school with his friend.")

    outcome = PlanOutcome.objects.create(episode=episode, meeting=meeting, description="Max goes to school every day.",
                                         area="education_and_learning")
    Action.objects.create(episode=episode, outcome=outcome, meeting=meeting, what="Walk Max to school each morning",
                          owner_person=mum, due_on=datetime.date(2025, 3, 31), status=ActionStatus.IN_PROGRESS)
    Action.objects.create(episode=episode, outcome=outcome, meeting=meeting,
                          what="Book Jo a place on the parenting group", owner_user=practitioner,
                          due_on=datetime.date(2025, 4, 4))

    review = Review.objects.create(episode=episode, held_on=datetime.date(2025, 4, 14),
                                   summary="Max has been at school every day for three weeks.",
                                   family_views="Jo says mornings feel calmer.", decision=ReviewDecision.CONTINUE,
                                   next_review_on=datetime.date(2025, 5, 26), recorded_by=practitioner)
    OutcomeProgress.objects.create(review=review, outcome=outcome, progress=Progress.PARTLY_MET,
                                   comment="Attendance is up to 92 percent.")
    later = Reading.objects.create(episode=episode, taken_on=datetime.date(2025, 4, 14),
                                   context=ReadingContext.REVIEW, review=review)
    Score.objects.create(reading=later, area="physical_health", score=7)
    Score.objects.create(reading=later, area="family_routine", score=2)
    Score.objects.create(reading=later, area="home_and_money", score=5)

    CaseNote.objects.create(family=family, episode=episode, note_type=NoteType.HOME_VISIT,
                            occurred_on=datetime.date(2025, 2, 20), summary="First home visit with Jo",
                            body="Jo spoke about the move.", significant=True, author=practitioner)
    CaseNote.objects.create(family=family, episode=episode, note_type=NoteType.PHONE,
                            occurred_on=datetime.date(2025, 2, 25), summary="Routine call to book a visit",
                            significant=False, author=practitioner)
    CaseNote.objects.create(family=family, episode=episode, note_type=NoteType.PROFESSIONAL,
                            occurred_on=datetime.date(2025, 2, 10), summary="School raised attendance concerns",
                            significant=True, author=other_practitioner)

    referral = Referral.objects.create(
        council=family.council, reference="EH-TEST-1", kind=ReferralKind.STEP_UP, family=family, episode=episode,
        requester_kind=RequesterKind.PRACTITIONER, requester_user=practitioner, requester_name=practitioner.full_name,
        requester_email=practitioner.email, requester_phone="01865 000111",
        concerns="Ruby said she is frightened when Lee shouts.", tried_already="Parenting group and school support.",
        consent_sought=False, consent_not_sought_reason="Asking Lee would increase the risk to Ruby.", level=4)
    return Journey(family=family, mum=mum, dad=dad, max=max_, ruby=ruby, episode=episode, assessment=assessment,
                   review=review, referral=referral)


@pytest.fixture
def mash_screener(make):
    """A MASH screener of the council, not (yet) involved with the family."""
    return make("mo.mash@example.test", Role.MASH_SCREENER, agency_name="MASH")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The fixtures create several users; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
