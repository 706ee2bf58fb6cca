"""Reads of episodes, case notes and the chronology, scoped by the access policy and audited."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from hearth.access import policy
from hearth.cases.models import CaseNote, Episode, EpisodeStatus, LeadAssignment, LevelChange, StatusChange
from hearth.core.errors import NotPermitted
from hearth.governance import audit
from hearth.governance.models import AuditAction
from hearth.people.models import Family

RECENT_NOTES = 10


def _visible_episodes(user):
    return Episode.objects.filter(family__in=policy.families_visible_to(user))


def episode_detail(user, episode_id: int) -> Episode:
    """One episode with its history, in a fixed number of queries whatever its length."""
    episode = (
        _visible_episodes(user)
        .select_related("family__council", "family__locality", "lead_professional__agency", "lead_professional__team")
        .prefetch_related(
            Prefetch("level_changes", queryset=LevelChange.objects.select_related("decided_by")),
            Prefetch("lead_assignments", queryset=LeadAssignment.objects.select_related("user__agency", "assigned_by")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            "handovers__to_user__agency",
        )
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise NotPermitted(object_type="cases.episode", object_id=episode_id)
    notes = CaseNote.objects.filter(episode=episode).select_related("author__agency")
    episode.recent_notes = list(notes[:RECENT_NOTES])
    episode.note_count = notes.count()
    audit.record(actor=user, action=AuditAction.VIEW, obj=episode, family_id=episode.family_id)
    return episode


def episode_for_update(user, episode_id: int) -> Episode:
    """An episode the user may see, for a write; the service checks what they may do to it."""
    episode = _visible_episodes(user).select_related("family__council", "lead_professional").filter(
        pk=episode_id).first()
    if episode is None:
        raise NotPermitted(object_type="cases.episode", object_id=episode_id)
    return episode


def family_episodes(user, family: Family) -> list[Episode]:
    """The family's episodes, newest first (the family page has already checked and audited access)."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    return list(Episode.objects.filter(family=family).select_related("lead_professional__agency"))


def family_notes(user, family: Family, *, limit: int | None = None) -> list[CaseNote]:
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    notes = CaseNote.objects.filter(family=family).select_related("author__agency")
    return list(notes[:limit] if limit else notes)


def note_for_update(user, note_id: int) -> CaseNote:
    note = CaseNote.objects.filter(pk=note_id, family__in=policy.families_visible_to(user)).select_related(
        "family").first()
    if note is None:
        raise NotPermitted(object_type="cases.casenote", object_id=note_id)
    return note


@dataclass(frozen=True)
class ChronologyEntry:
    on: date
    kind: str
    summary: str
    detail: str
    by: str
    significant_note: bool


def chronology(user, family: Family) -> list[ChronologyEntry]:
    """Significant events across the whole family in date order: significant case notes and the episode's
    milestones (opened, level changes, lead changes, status transitions, closure)."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    council = family.council
    entries: list[ChronologyEntry] = []
    for note in CaseNote.objects.filter(family=family, significant=True).select_related("author__agency"):
        by = f"{note.author.full_name}, {note.author.agency.name}" if note.author else ""
        entries.append(ChronologyEntry(note.occurred_on, note.get_note_type_display(), note.summary, note.body, by,
                                       True))
    episodes = Episode.objects.filter(family=family)
    for change in StatusChange.objects.filter(episode__in=episodes).select_related("changed_by"):
        if change.transition == "opened":
            summary = f"Early Help episode opened ({change.note})"
        elif change.to_status == EpisodeStatus.CLOSED:
            reason = next((r.get("label", r["code"]) for r in council.closure_reasons if r["code"] == change.note),
                          change.note)
            summary = f"Early Help episode closed: {reason}"
        else:
            summary = f"{EpisodeStatus(change.to_status).label}"
        entries.append(ChronologyEntry(change.changed_at.date(), "Episode", summary, "",
                                       change.changed_by.full_name if change.changed_by else "", False))
    for level in LevelChange.objects.filter(episode__in=episodes).select_related("decided_by"):
        entries.append(ChronologyEntry(level.decided_at.date(), "Level of need",
                                       f"Level {level.level}: {council.level_name(level.level)}", level.reasons,
                                       level.decided_by.full_name if level.decided_by else "", False))
    for lead in LeadAssignment.objects.filter(episode__in=episodes).select_related("user__agency"):
        entries.append(ChronologyEntry(lead.started_at.date(), "Lead professional",
                                       f"{lead.user.full_name} ({lead.user.agency.name}) became lead professional",
                                       lead.note, "", False))
    entries.sort(key=lambda e: (e.on, not e.significant_note))
    audit.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"view": "chronology"})
    return entries
