"""Reviews of the plan: progress against each outcome, new outcome scores and the decision (continue, step down,
step up or close), saved together or not at all."""


from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import review_dates
from hearth.cases import services as cases
from hearth.cases.models import Episode, LevelSource
from hearth.core.errors import ValidationFailed
from hearth.outcomes.services import reading_record
from hearth.plans.models import (
    Meeting,
    OutcomeProgress,
    OutcomeStatus,
    PlanOutcome,
    Progress,
    Review,
    ReviewDecision,
)

# Young people of this age or older are invited to their own Team Around the Family meeting.
from hearth.plans.services import require_open


@dataclass
class ProgressInput:
    progress: str
    comment: str = ""


def review_check(*, actor, episode: Episode, held_on: date | None, summary: str, decision: str,
                 progress: dict[int, ProgressInput], meeting: Meeting | None = None, new_level: int | None = None,
                 level_reasons: str = "", next_review_on: date | None = None,
                 review_date_reason: str = "") -> list[PlanOutcome]:
    """Every rule of a review except the scores (which `reading_record` checks), all reported at once.
    Returns the open outcomes the review covers. Saves nothing."""
    family = episode.family
    council = family.council
    policy.require_edit_family(actor, family)
    require_open(episode)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the review"
    elif held_on > today:
        errors["held_on"] = "The review date must be today or in the past"
    elif held_on < episode.started_on:
        errors["held_on"] = "The review date must be on or after the date Early Help started"
    if not (summary or "").strip():
        errors["summary"] = "Summarise how the plan is going"
    if meeting is not None:
        if meeting.episode_id != episode.pk:
            errors["meeting"] = "Choose a meeting of this episode"
        elif Review.objects.filter(meeting=meeting).exists():
            errors["meeting"] = "That meeting already has a review recorded"
    open_outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN))
    for outcome in open_outcomes:
        given = progress.get(outcome.pk)
        if given is None or given.progress not in Progress.values:
            errors[f"progress_{outcome.pk}"] = "Say whether this outcome has been met, partly met or not met"
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose what happens next"
    if decision in (ReviewDecision.STEP_DOWN, ReviewDecision.STEP_UP):
        current = f"level {episode.level}, {council.level_name(episode.level)}"
        if new_level is None:
            errors["new_level"] = "Choose the new level of need"
        elif decision == ReviewDecision.STEP_DOWN and not 1 <= new_level < episode.level:
            errors["new_level"] = f"To step down, choose a level lower than the current one ({current})"
        elif decision == ReviewDecision.STEP_UP and not episode.level < new_level <= 4:
            errors["new_level"] = f"To step up, choose a level higher than the current one ({current})"
        if not (level_reasons or "").strip():
            errors["level_reasons"] = "Give the reasons for the change in the level of need"
        if not policy.can_manage_episode(actor, episode):
            errors["decision"] = ("Only the lead professional, the locality's Early Help coordinator or the lead's "
                                  "manager can change the level of need")
    needs_review_date = decision in (ReviewDecision.CONTINUE, ReviewDecision.STEP_DOWN)
    if decision != ReviewDecision.CLOSE and (
            problem := review_dates.date_problem(next_review_on, required=needs_review_date, today=today)):
        errors["next_review_on"] = problem
    elif decision != ReviewDecision.CLOSE and held_on is not None and (
            problem := review_dates.reason_problem(council, next_review_on, review_date_reason, from_date=held_on,
                                                    episode=episode)):
        errors["review_date_reason"] = problem
    if errors:
        raise ValidationFailed(errors)
    return open_outcomes


def review_record(*, actor, episode: Episode, held_on: date | None, summary: str, decision: str,
                  progress: dict[int, ProgressInput], scores: dict, family_views: str = "",
                  meeting: Meeting | None = None, new_level: int | None = None, level_reasons: str = "",
                  next_review_on: date | None = None, review_date_reason: str = "") -> Review:
    """Review the plan: progress against each open outcome, new outcome scores, and the decision (continue,
    step down, step up or close). All of it is saved together or not at all.

    Outcomes whose progress is "met" are marked achieved, whatever the decision.
    """
    family = episode.family
    open_outcomes = review_check(actor=actor, episode=episode, held_on=held_on, summary=summary, decision=decision,
                                 progress=progress, meeting=meeting, new_level=new_level,
                                 level_reasons=level_reasons, next_review_on=next_review_on,
                                 review_date_reason=review_date_reason)
    keep_review_date = next_review_on if decision != ReviewDecision.CLOSE else None

    with transaction.atomic():
        review = Review.objects.create(
            episode=episode, meeting=meeting, held_on=held_on, summary=summary.strip(),
            family_views=(family_views or "").strip(), decision=decision,
            new_level=new_level if decision in (ReviewDecision.STEP_DOWN, ReviewDecision.STEP_UP) else None,
            next_review_on=keep_review_date, recorded_by=actor,
            review_date_reason=(review_date_reason or "").strip() if keep_review_date else "")
        OutcomeProgress.objects.bulk_create([
            OutcomeProgress(review=review, outcome=o, progress=progress[o.pk].progress,
                            comment=(progress[o.pk].comment or "").strip())
            for o in open_outcomes
        ])
        met = [o.pk for o in open_outcomes if progress[o.pk].progress == Progress.MET]
        if met:
            PlanOutcome.objects.filter(pk__in=met).update(status=OutcomeStatus.ACHIEVED)
        reading_record(actor=actor, episode=episode, taken_on=held_on, scores=scores, context="review",
                       review=review)
        if decision in (ReviewDecision.STEP_DOWN, ReviewDecision.STEP_UP):
            episode = cases.episode_change_level(actor=actor, episode=episode, level=new_level,
                                                 reasons=level_reasons, source=LevelSource.REVIEW)
        if keep_review_date:
            cases.episode_set_next_review_as_step(actor=actor, episode=episode, due=keep_review_date)
        trail.record(actor=actor, action=AuditAction.CREATE, obj=review, family_id=family.pk,
                     detail={"decision": decision, "new_level": review.new_level, "achieved": met})
    return review
