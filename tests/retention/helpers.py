"""A family with a record of every kind, written directly, whose latest episode closed on a given day."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hearth.access import grants
from hearth.access.models import BreakGlass, InvolvedAs, Involvement
from hearth.assessments.models import Assessment, AssessmentStatus, ChildView, Contribution, Section, SectionKey
from hearth.cases.models import (
    CaseNote,
    Episode,
    EpisodeOrigin,
    EpisodeStatus,
    Handover,
    LeadAssignment,
    LevelChange,
    StatusChange,
)
from hearth.consent.models import Agreement, ConsentScope, LawfulBasis, NotSoughtDecision, ShareConsent
from hearth.outcomes.models import Reading, Score
from hearth.people.models import (
    Address,
    Family,
    FamilyMember,
    NameKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
)
from hearth.plans.models import (
    Action,
    ChildMeetingView,
    Invitation,
    Meeting,
    OutcomeProgress,
    PlanOutcome,
    Review,
)
from hearth.referrals.models import ImmediateRiskContact, Referral, ReferralStatus, StepDown
from hearth.sharing.models import Disclosure

_reference = iter(range(100000, 999999))


def person(council, given: str, family_name: str, born: date | None, **fields) -> Person:
    p = Person.objects.create(council=council, given_name=given, family_name=family_name, date_of_birth=born,
                              **fields)
    PersonName.objects.create(person=p, kind=NameKind.CURRENT, given_name=given, family_name=family_name,
                              given_key=given.lower(), family_key=family_name.lower())
    Address.objects.create(person=p, line_1=f"1 {family_name} Street", town="Oxford", postcode="OX1 1AA",
                           postcode_key="OX11AA")
    return p


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def rich_family(council, lead, *, surname: str, closed_on: date | None, open_episode: bool = False,
                child_born: date | None = None, members: list[Person] | None = None,
                child_disabled: bool = False) -> Family:
    """A family with two parents and a child (plus any existing `members`), one episode closed on `closed_on`
    (or still open) and a record of every kind about it."""
    started = (closed_on or timezone.localdate()) - timedelta(days=300)
    family = Family.objects.create(council=council, name=f"The {surname} family")
    mum = person(council, "Alice", surname, date(1985, 3, 1))
    dad = person(council, "Bob", surname, date(1984, 7, 9))
    child = person(council, "Cara", surname, child_born or date(2010, 5, 17),
                   disability="yes" if child_disabled else "not_known")
    for p, role in ((mum, "parent_pr"), (dad, "parent_pr"), (child, "child"), *((m, "other_adult") for m in
                                                                                  members or [])):
        FamilyMember.objects.create(family=family, person=p, role=role)
    Relationship.objects.create(from_person=mum, to_person=child, kind=RelationshipKind.MOTHER)
    Relationship.objects.create(from_person=dad, to_person=child, kind=RelationshipKind.FATHER)
    Relationship.objects.create(from_person=mum, to_person=dad, kind=RelationshipKind.PARTNER)
    Involvement.objects.create(family=family, user=lead, relationship=InvolvedAs.LEAD_PROFESSIONAL)
    BreakGlass.objects.create(family=family, user=lead, reason="Night call", started_at=_at(started),
                              expires_at=_at(started) + timedelta(hours=2))
    episode = Episode.objects.create(
        family=family, status=EpisodeStatus.PLAN if open_episode else EpisodeStatus.CLOSED,
        origin=EpisodeOrigin.STEP_DOWN, reason="N4", level=3, lead_professional=lead, started_on=started,
        closed_on=None if open_episode else closed_on, end_reason="" if open_episode else "outcomes_achieved")
    LevelChange.objects.create(episode=episode, level=3, reasons="Start", source="start", decided_by=lead)
    LeadAssignment.objects.create(episode=episode, user=lead, assigned_by=lead)
    StatusChange.objects.create(episode=episode, transition="opened", to_status="assessment", changed_by=lead)
    Handover.objects.create(episode=episode, from_user=lead, to_user=lead, planned_for=started,
                            status="cancelled")
    CaseNote.objects.create(family=family, episode=episode, note_type="home_visit", occurred_on=started,
                            summary=f"Visit to {surname}", body="Talked about school", author=lead)
    first = Assessment.objects.create(episode=episode, family=family, status=AssessmentStatus.COMPLETED,
                                      started_by=lead)
    second = Assessment.objects.create(episode=episode, family=family, number=2, previous=first,
                                       status=AssessmentStatus.COMPLETED, started_by=lead)
    for assessment in (first, second):
        Section.objects.bulk_create([Section(assessment=assessment, key=k, facts="Facts") for k in SectionKey.values])
        ChildView.objects.create(assessment=assessment, child=child, method="three_houses", in_their_words="Happy")
    Contribution.objects.create(assessment=second, author=lead, agency_name="Early Help", facts="Doing well")
    meeting = Meeting.objects.create(episode=episode, scheduled_for=_at(started), location="Hub", minutes="Met")
    Invitation.objects.create(meeting=meeting, person=mum)
    Invitation.objects.create(meeting=meeting, user=lead)
    ChildMeetingView.objects.create(meeting=meeting, child=child, views="I like football")
    outcome = PlanOutcome.objects.create(episode=episode, meeting=meeting, description="Cara goes to school")
    Action.objects.create(episode=episode, outcome=outcome, meeting=meeting, what="Walk to school",
                          owner_person=mum, due_on=started)
    review = Review.objects.create(episode=episode, meeting=meeting, held_on=started, summary="Going well",
                                   decision="close")
    OutcomeProgress.objects.create(review=review, outcome=outcome, progress="met")
    for reading in (Reading.objects.create(episode=episode, taken_on=started, context="review", review=review),
                    Reading.objects.create(episode=episode, taken_on=started, context="assessment",
                                           assessment=first)):
        Score.objects.bulk_create([Score(reading=reading, area=a["code"], score=6) for a in council.outcome_areas])
    Referral.objects.create(council=council, reference=f"RFS-2020-{next(_reference)}", family=family,
                            episode=episode, requester_kind="practitioner", requester_user=lead,
                            requester_name=lead.full_name, concerns="Worried", status=ReferralStatus.DECIDED,
                            received_at=_at(started), screened_at=_at(started), decision="early_help_plan")
    StepDown.objects.create(family=family, episode=episode, social_worker=lead, new_lead=lead, level=3,
                            cin_plan_ended_on=started, single_assessment="SA", cin_plan="CIN")
    ImmediateRiskContact.objects.create(family=family, contacted_at=_at(started), method="phone", concern="Bruise")
    Agreement.objects.create(family=family, given_by=mum, giver_kind="parent_pr", given_on=started, method="verbal")
    consent = ShareConsent.objects.create(family=family, person=child, given_by=mum, giver_kind="parent_pr",
                                          given_on=started, method="written", for_assessment_planning=True)
    ConsentScope.objects.create(consent=consent, agency=lead.agency)
    basis = LawfulBasis.objects.create(family=family, person=dad, kind="safeguarding", reason="Risk",
                                       decided_by=lead, confirmed_by=lead, confirmed_at=_at(started))
    basis.agencies.add(lead.agency)
    grants.refresh_family(family)  # the involvement, break-glass use and consent above were written directly
    NotSoughtDecision.objects.create(family=family, reason="Risk", decided_by=lead)
    Disclosure.objects.create(family=family, person=child, kind="plan_copy", what="The plan", recipient="GP",
                              purpose="Plan", basis="Consent", basis_consent=consent, disclosed_by=lead,
                              occurred_on=started)
    Disclosure.objects.create(family=family, kind="other", what="Notes", recipient="School", purpose="Plan",
                              basis="Safeguarding", basis_lawful=basis, disclosed_by=lead, occurred_on=started)
    return family
