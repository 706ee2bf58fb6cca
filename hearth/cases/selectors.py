"""Reads of episodes, case notes and the chronology, scoped by the access policy and audited."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    FilteredRelation,
    IntegerField,
    Prefetch,
    Q,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Coalesce

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import (
    CaseNote,
    CaseNoteRevision,
    Episode,
    EpisodeStatus,
    HandoverStatus,
    LeadAssignment,
    LevelChange,
    LevelSource,
    StatusChange,
)
from hearth.core.errors import NotPermitted
from hearth.people.models import Family

RECENT_NOTES = 10


def _visible_episodes(user):
    return Episode.objects.filter(family__in=policy.families_visible_to(user))


LEVEL_SOURCES = dict(LevelSource.choices)
STATUSES = dict(EpisodeStatus.choices)


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the episode page's history: a change of level, a lead professional's time as lead, or a change of
    status. Which fields mean what depends on `kind` (see `_history`)."""

    kind: str  # "level", "lead" or "status"
    pk: int
    at: datetime  # decided, started or changed
    until: datetime | None  # a lead professional's end; None while they lead, and for the other kinds
    level: int | None
    code: str  # the level's source, or the status changed to
    text: str  # the reasons for a level
    person: str  # who decided the level, who led, who changed the status ("" when not recorded)
    agency: str  # the lead professional's agency

    @property
    def source_label(self) -> str:
        return LEVEL_SOURCES.get(self.code, self.code)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.code, self.code)


def _history_rows(queryset, *, kind: str, at: str, until: str | None = None, level: str | None = None,
                  code: str | None = None, text: str | None = None, person: str | None = None,
                  agency: str | None = None):
    """One of the history's tables as rows of HistoryEntry's columns, in its order, for a union. Each argument
    names the field that fills a column; a column without one is empty (None, or "" for text)."""

    def text_of(field):
        return Coalesce(F(field), Value(""), output_field=TextField()) if field else Value("", output_field=TextField())

    return queryset.order_by().annotate(
        entry_kind=Value(kind, output_field=CharField()),
        entry_pk=F("pk"),
        entry_at=F(at),
        entry_until=F(until) if until else Value(None, output_field=DateTimeField()),
        entry_level=F(level) if level else Value(None, output_field=IntegerField()),
        entry_code=text_of(code),
        entry_text=text_of(text),
        entry_person=text_of(person),
        entry_agency=text_of(agency),
    ).values_list("entry_kind", "entry_pk", "entry_at", "entry_until", "entry_level", "entry_code", "entry_text",
                  "entry_person", "entry_agency")


def _history(episode) -> dict[str, list[HistoryEntry]]:
    """The episode's level changes, lead professionals and status changes, each oldest first: one query (a union
    of the three tables), whatever the length of the history."""
    rows = _history_rows(
        LevelChange.objects.filter(episode=episode), kind="level", at="decided_at", level="level", code="source",
        text="reasons", person="decided_by__full_name",
    ).union(
        _history_rows(LeadAssignment.objects.filter(episode=episode), kind="lead", at="started_at", until="ended_at",
                      person="user__full_name", agency="user__agency__name"),
        _history_rows(StatusChange.objects.filter(episode=episode), kind="status", at="changed_at", code="to_status",
                      person="changed_by__full_name"),
        all=True,
    ).order_by("entry_at", "entry_pk")
    history = {"level": [], "lead": [], "status": []}
    for row in rows:
        entry = HistoryEntry(*row)
        history[entry.kind].append(entry)
    return history


def episode_detail(user, episode_id: int) -> Episode:
    """One episode with what its page shows, in three queries whatever the length of its history, then the audit row:

    1. the episode, the user's access to its family (`policy.with_decision`), its family and council, its lead
       professional, and its planned handover (`planned_handover`, at
       most one, with the person it goes to; None when there is none);
    2. its history (`level_history`, `lead_history`, `status_history`: HistoryEntry rows, oldest first);
    3. its latest notes (`recent_notes`) with the number of all its notes (`note_count`).
    """
    episode = (
        policy.with_decision(Episode.objects.filter(pk=episode_id), user, "family_id")
        .annotate(planned_handover=FilteredRelation(
            "handovers", condition=Q(handovers__status=HandoverStatus.PLANNED)))
        .select_related("family__council", "family__locality", "lead_professional__agency", "lead_professional__team",
                        "planned_handover__to_user")
        .first()
    )
    if episode is None or not policy.remember_decision(user, episode.family, episode).view:
        raise NotPermitted(object_type="cases.episode", object_id=episode_id)
    # select_related through a filtered relation sets the attribute only when a row matched.
    episode.planned_handover = getattr(episode, "planned_handover", None)
    history = _history(episode)
    episode.level_history = history["level"]
    episode.lead_history = history["lead"]
    episode.status_history = history["status"]
    episode.recent_notes = list(
        CaseNote.objects.filter(episode=episode).select_related("author__agency")
        .annotate(total=Window(Count("pk")))[:RECENT_NOTES]
    )
    episode.note_count = episode.recent_notes[0].total if episode.recent_notes else 0
    trail.record(actor=user, action=AuditAction.VIEW, obj=episode, family_id=episode.family_id)
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


def family_notes_with_history(user, family: Family) -> dict:
    """The notes page: the notes standing, each with its corrections (earlier wording, who, when, why), and the
    notes withdrawn, shown as withdrawn."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    revisions = Prefetch("revisions", queryset=CaseNoteRevision.objects.select_related("made_by__agency"))
    rows = list(CaseNote.all_objects.filter(family=family).select_related("author__agency", "withdrawn_by")
                .prefetch_related(revisions))
    return {"notes": [n for n in rows if not n.is_withdrawn], "withdrawn": [n for n in rows if n.is_withdrawn]}


def family_page_panel(user, family: Family) -> dict:
    """The family page's Early Help section: the open episode, the earlier ones and the latest case notes."""
    episodes = family_episodes(user, family)
    return {"open_episode": next((e for e in episodes if e.is_open), None),
            "past_episodes": [e for e in episodes if not e.is_open],
            "recent_notes": family_notes(user, family, limit=5)}


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
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"view": "chronology"})
    return entries
