"""A family with a long Early Help history, written directly (not through the services) for
benchmarks and query-count tests: five years, 30 reviews with scores, 200 case notes, 10 members."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hearth.access import grants
from hearth.access.models import InvolvedAs, Involvement
from hearth.assessments.models import Assessment, AssessmentStatus, ChildView, Section, SectionKey
from hearth.cases.models import (
    CaseNote,
    Episode,
    EpisodeOrigin,
    EpisodeStatus,
    LeadAssignment,
    LevelChange,
    LevelSource,
    NoteType,
    StatusChange,
)
from hearth.outcomes.models import Reading, ReadingContext, Score
from hearth.people.models import Family, FamilyMember, MemberRole, Person, Sex
from hearth.plans.models import Action, Meeting, MeetingKind, MeetingStatus, PlanOutcome, Review, ReviewDecision


@transaction.atomic
def build_long_history(*, council, lead, years: int = 5, reviews: int = 30, notes: int = 200, members: int = 10,
                       seed: int = 7) -> Episode:
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - timedelta(days=365 * years)
    family = Family.objects.create(council=council, name="The Longhistory family",
                                   locality=council.localities.order_by("pk").first())
    people = []
    for i in range(members):
        adult = i < 2
        dob = today - timedelta(days=365 * (35 if adult else 2 + i))
        people.append(Person.objects.create(council=council, given_name=f"Member{i}", family_name="Longhistory",
                                            date_of_birth=dob, sex=Sex.FEMALE if i % 2 else Sex.MALE))
        FamilyMember.objects.create(family=family, person=people[-1],
                                    role=MemberRole.PARENT_WITH_PR if adult else MemberRole.CHILD)
    Involvement.objects.create(family=family, user=lead, relationship=InvolvedAs.LEAD_PROFESSIONAL)
    grants.refresh_family(family)
    episode = Episode.objects.create(family=family, status=EpisodeStatus.PLAN, origin=EpisodeOrigin.PRACTITIONER,
                                     reason="N4", level=3, lead_professional=lead, started_on=start,
                                     next_review_due=today + timedelta(weeks=6))
    # The history starts when the episode started (five years ago), as the chronology shows it.
    began = timezone.now() - (today - start)
    LevelChange.objects.create(episode=episode, level=3, reasons="Start", source=LevelSource.START, decided_by=lead,
                               decided_at=began)
    LeadAssignment.objects.create(episode=episode, user=lead, assigned_by=lead, started_at=began)
    StatusChange.objects.create(episode=episode, transition="opened", to_status=EpisodeStatus.ASSESSMENT,
                                changed_by=lead, changed_at=began)
    StatusChange.objects.create(episode=episode, transition="plan_agreed", from_status=EpisodeStatus.ASSESSMENT,
                                to_status=EpisodeStatus.PLAN, changed_by=lead, changed_at=began + timedelta(days=1))
    assessment = Assessment.objects.create(episode=episode, family=family, status=AssessmentStatus.COMPLETED,
                                           started_by=lead, completed_by=lead, started_at=began,
                                           completed_at=began + timedelta(hours=4))
    Section.objects.bulk_create([Section(assessment=assessment, key=key, facts=f"Facts for {key}",
                                         opinions=f"Views for {key}") for key in SectionKey.values])
    ChildView.objects.bulk_create([ChildView(assessment=assessment, child=p, method="three_houses",
                                             in_their_words="I like my room") for p in people[2:]])
    areas = [a["code"] for a in council.outcome_areas]
    outcomes = [PlanOutcome.objects.create(episode=episode, description=f"Outcome {i}", area=areas[i])
                for i in range(3)]
    Action.objects.bulk_create([Action(episode=episode, outcome=outcomes[i % 3], what=f"Action {i}", owner_user=lead,
                                       due_on=today + timedelta(days=i)) for i in range(12)])

    def reading(day, context, **links):
        r = Reading.objects.create(episode=episode, taken_on=day, context=context, recorded_by=lead, **links)
        Score.objects.bulk_create([Score(reading=r, area=a, score=rng.randint(1, 10)) for a in areas])

    reading(start, ReadingContext.ASSESSMENT, assessment=assessment)
    step = (today - start) / (reviews + 1)
    for i in range(reviews):
        held = start + step * (i + 1)
        meeting = Meeting.objects.create(episode=episode, kind=MeetingKind.REVIEW, status=MeetingStatus.HELD,
                                         scheduled_for=timezone.now() - (today - held), location="Family home",
                                         minutes="Minutes", recorded_by=lead)
        review = Review.objects.create(episode=episode, meeting=meeting, held_on=held, summary=f"Review {i}",
                                       decision=ReviewDecision.CONTINUE, next_review_on=held + timedelta(weeks=6),
                                       recorded_by=lead)
        reading(held, ReadingContext.REVIEW, review=review)
    CaseNote.objects.bulk_create([
        CaseNote(family=family, episode=episode, note_type=rng.choice(NoteType.values),
                 occurred_on=start + timedelta(days=i * 365 * years // notes), summary=f"Note {i}",
                 body="Details of the visit", significant=i % 10 == 0, author=lead)
        for i in range(notes)])
    return episode
