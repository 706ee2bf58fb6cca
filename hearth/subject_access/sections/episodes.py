"""Each period of Early Help with its history, and the case notes."""

from django.db.models import Prefetch

from hearth.cases.models import CaseNote, Episode, Handover, LeadAssignment, LevelChange, StatusChange
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, day, who


def _episodes(subject: Subject) -> Section:
    episodes = (
        Episode.objects.filter(family_id__in=subject.family_ids).select_related("lead_professional__agency", "family")
        .prefetch_related(
            Prefetch("level_changes", queryset=LevelChange.objects.select_related("decided_by__agency")),
            Prefetch("lead_assignments", queryset=LeadAssignment.objects.select_related("user__agency")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by__agency")),
            Prefetch("handovers", queryset=Handover.objects.select_related("from_user__agency", "to_user__agency")),
        ).order_by("started_on", "pk"))
    items = []
    for e in episodes:
        council = subject.council
        group = f"Early Help from {day(e.started_on)}"
        b = Builder(f"episode:{e.pk}")
        b.add("family", "Family", e.family.name).add("started_on", "Started", e.started_on)
        b.add("origin", "How it started", e.get_origin_display()).add("reason", "Reason", e.get_reason_display())
        b.add("level", "Level of need", council.level_name(e.level))
        b.add("lead", "Lead professional", who(e.lead_professional) if e.lead_professional_id else "None")
        b.add("status", "Status", e.get_status_display()).add("next_review_due", "Next review due", e.next_review_due)
        b.add("closed_on", "Closed", e.closed_on)
        reasons = {r.get("code"): r.get("label") for r in council.closure_reasons or []}
        b.add("end_reason", "Why it closed", reasons.get(e.end_reason, e.end_reason))
        b.add("end_reason_detail", "More about the closure", e.end_reason_detail, long=True)
        b.add("family_comments", "The family's comments", e.family_comments, long=True)
        b.add("evaluation_rating", "How helpful the family found it (1 to 5)", e.evaluation_rating)
        b.add("evaluation", "Evaluation", e.evaluation, long=True)
        b.add("new_area", "Moved to", e.new_area)
        b.add("open_actions_outcome", "What happened to open actions", e.open_actions_outcome, long=True)
        items.append(b.item("The episode", on=e.started_on, group=group))
        for c in e.level_changes.all():
            cb = Builder(f"levelchange:{c.pk}")
            cb.add("level", "Level", f"{c.level}: {council.level_name(c.level)}")
            cb.add("source", "Decided at", c.get_source_display()).add("reasons", "Why", c.reasons, long=True)
            cb.add("decided_by", "Decided by", who(c.decided_by))
            items.append(cb.item("Level of need", on=c.decided_at, group=group))
        for a in e.lead_assignments.all():
            ab = Builder(f"leadassignment:{a.pk}")
            ab.add("user", "Lead professional", who(a.user)).add("started_at", "From", a.started_at)
            ab.add("ended_at", "Until", a.ended_at).add("note", "Note", a.note, long=True)
            items.append(ab.item("Lead professional", on=a.started_at, group=group))
        for h in e.handovers.all():
            hb = Builder(f"handover:{h.pk}")
            hb.add("from_user", "From", who(h.from_user) if h.from_user_id else "")
            hb.add("to_user", "To", who(h.to_user)).add("planned_for", "Planned for", h.planned_for)
            hb.add("status", "Status", h.get_status_display()).add("notes", "Notes", h.notes, long=True)
            items.append(hb.item("Handover to a new lead professional", on=h.planned_for, group=group))
        for s in e.status_changes.all():
            sb = Builder(f"statuschange:{s.pk}")
            sb.add("from_status", "From", s.get_from_status_display() if s.from_status else "")
            sb.add("to_status", "To", s.get_to_status_display()).add("note", "Note", s.note, long=True)
            sb.add("changed_by", "Changed by", who(s.changed_by))
            items.append(sb.item("Status changed", on=s.changed_at, group=group))
    return Section("episodes", "Early Help support", "Each period of Early Help: its level of need, lead "
                   "professional and status over time.", "No Early Help has been recorded.", items, grouped=True)



def _notes(subject: Subject) -> Section:
    # Withdrawn notes and earlier wordings are still held, so they are in the bundle too.
    notes = (CaseNote.all_objects.filter(family_id__in=subject.family_ids).select_related("author__agency")
             .prefetch_related("revisions").order_by("occurred_on", "pk"))
    items = []
    for n in notes:
        b = Builder(f"casenote:{n.pk}")
        b.add("summary", "Summary", n.summary).add("body", "Details", n.body, long=True)
        b.add("significant", "On the chronology", "Yes" if n.significant else "")
        b.add("author", "Written by", who(n.author))
        for r in n.revisions.all():
            b.add(f"revision-{r.pk}", f"Earlier wording ({'withdrawn' if r.withdrawn else 'corrected'} on "
                  f"{day(r.made_at)}: {r.reason.strip()})", f"{r.summary}. {r.body}".strip(), long=True)
        if n.withdrawn_at:
            b.add("withdrawn", "Withdrawn", f"On {day(n.withdrawn_at)}: {n.withdrawn_reason.strip()}", long=True)
        items.append(b.item(n.get_note_type_display(), on=n.occurred_on))
    return Section("notes", "Case notes", "Dated notes on the family's record.", "No case notes have been written.",
                   items)



EPISODES = SectionSource("episodes", ("cases.episode", "cases.levelchange", "cases.leadassignment", "cases.handover",
                                      "cases.statuschange"), _episodes)
NOTES = SectionSource("notes", ("cases.casenote", "cases.casenoterevision"), _notes)
