"""Every write to outcome scores. A reading is immutable once recorded: there is no update or delete."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import Conflict, ValidationFailed
from hearth.outcomes.models import Reading, ReadingContext, Score

SCORE_MIN = 1
SCORE_MAX = 10


def outcome_areas(council) -> list[dict]:
    """The council's outcome areas, in profile order: dicts with code, name and description."""
    return list(council.outcome_areas or [])


def _is_score(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCORE_MIN <= value <= SCORE_MAX


def _clean_scores(areas: list[dict], scores: dict) -> tuple[dict[str, tuple[int, int | None]], dict[str, str]]:
    errors: dict[str, str] = {}
    cleaned: dict[str, tuple[int, int | None]] = {}
    known = {a["code"] for a in areas}
    for code in scores:
        if code not in known:
            errors[f"score_{code}"] = f"'{code}' is not one of this council's outcome areas"
    for area in areas:
        code, name = area["code"], area["name"]
        if code not in scores or scores[code] is None:
            errors[f"score_{code}"] = f"Enter a score from 1 to 10 for {name}"
            continue
        value = scores[code]
        if not isinstance(value, tuple | list) or len(value) != 2:
            errors[f"score_{code}"] = f"Enter a score from 1 to 10 for {name}"
            continue
        agreed, family = value
        ok = True
        if not _is_score(agreed):
            errors[f"score_{code}"] = f"The score for {name} must be a whole number from 1 to 10"
            ok = False
        if family is not None and not _is_score(family):
            errors[f"family_score_{code}"] = f"The family's own score for {name} must be a whole number from 1 to 10"
            ok = False
        if ok:
            # The family's own score is kept only where it differs from the agreed score.
            cleaned[code] = (agreed, family if family != agreed else None)
    return cleaned, errors


@transaction.atomic
def reading_record(*, actor, episode, taken_on: date, scores: dict[str, tuple[int, int | None]], context: str,
                   assessment=None, review=None) -> Reading:
    """Record one set of scores for every outcome area of the council, taken on one day.

    `scores` maps each area code to (agreed or worker's score, the family's own score or None).
    """
    family = episode.family
    policy.require_edit_family(actor, family)
    areas = outcome_areas(family.council)
    cleaned, errors = _clean_scores(areas, scores or {})
    if not isinstance(taken_on, date):
        errors["taken_on"] = "Enter the date the scores were taken"
    elif taken_on > timezone.localdate():
        errors["taken_on"] = "The date the scores were taken must be today or in the past"
    elif episode.started_on and taken_on < episode.started_on:
        errors["taken_on"] = (
            f"The date the scores were taken must be on or after the episode started "
            f"({episode.started_on.day} {episode.started_on:%B %Y})"
        )
    if context not in ReadingContext.values:
        errors["context"] = "Choose when the scores were taken"
    if assessment is not None and assessment.episode_id != episode.pk:
        errors["assessment"] = "The assessment belongs to another episode"
    if review is not None and review.episode_id != episode.pk:
        errors["review"] = "The review belongs to another episode"
    if errors:
        raise ValidationFailed(errors)
    if review is not None and Reading.objects.filter(review=review).exists():
        raise Conflict("Scores have already been recorded for this review.")
    reading = Reading(episode=episode, taken_on=taken_on, context=context, assessment=assessment, review=review,
                      recorded_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError as exc:
        raise Conflict("Scores have already been recorded for this review.") from exc
    Score.objects.bulk_create([
        Score(reading=reading, area=area["code"], score=cleaned[area["code"]][0], family_score=cleaned[area["code"]][1])
        for area in areas
    ])
    trail.record(actor=actor, action=AuditAction.CREATE, obj=reading, family_id=family.pk,
                 detail={"episode": episode.pk, "context": context})
    return reading
