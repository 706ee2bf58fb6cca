"""Compiling everything held about the subject of an access request into a bundle of sections.

`compile_bundle(sar)` reads, in a fixed number of queries whatever the length of the history, the person's details,
names and addresses; the families they belong to; each episode with its level, lead and status history; the
assessments (sections, the subject's own view as a child, professional views); plans, actions, meetings and
reviews; outcome scores; case notes; agreements, consents and lawful bases; requests for support and referrals;
the information-sharing register entries about them or their families; and who has looked at or changed the record
(the audit log), in plain English.

Every item has a key (`casenote:12`), and every field a key within it (`casenote:12/body`): the data protection
officer withholds an item or one field by its key. `Bundle.for_release()` removes what is withheld (content and
metadata alike), and the released PDF and JSON are made from that alone.

This module does not check access or write the audit log: `selectors.workbench` and `services.sar_release` do.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.apps import apps
from django.db.models import Prefetch, Q
from django.utils import timezone

from hearth.assessments.models import Assessment, ChildView, Contribution
from hearth.assessments.models import Section as AssessmentSection
from hearth.cases.models import CaseNote, Episode, Handover, LeadAssignment, LevelChange, StatusChange
from hearth.consent.models import Agreement, LawfulBasis, NotSoughtDecision, ShareConsent
from hearth.governance.models import AuditAction, AuditEvent
from hearth.outcomes.models import Reading
from hearth.people.models import Address, FamilyMember, Person, PersonName, Relationship
from hearth.plans.models import Action, ChildMeetingView, Invitation, Meeting, OutcomeProgress, PlanOutcome, Review
from hearth.referrals.models import ImmediateRiskContact, Referral, StepDown
from hearth.sharing.models import Disclosure
from hearth.subject_access.models import Withholding
from hearth.web.pdf import render_pdf

FORMAT = "hearth-subject-access/1"
INLINE_TEXT = 160  # free text up to this length, on one line, is printed after its label


# ---------------------------------------------------------------------------------------------------------
# The bundle


@dataclass
class Field:
    key: str
    label: str
    value: str
    long: bool = False  # free text: shown under its label, keeping line breaks
    withheld: Withholding | None = None

    @property
    def inline(self) -> bool:
        """Printed on one line after its label: a short value, or free text short enough and on one line."""
        return not self.long or (len(self.value) <= INLINE_TEXT and "\n" not in self.value)


@dataclass
class Item:
    key: str
    title: str
    on: date | None = None
    group: str = ""  # a sub-heading shared by the items that follow (an episode, an assessment, a month)
    fields: list[Field] = field(default_factory=list)
    warning: str = ""  # for the data protection officer only; never released
    withheld: Withholding | None = None


@dataclass
class Section:
    key: str
    title: str
    intro: str
    empty: str
    items: list[Item] = field(default_factory=list)
    grouped: bool = False

    def groups(self) -> list[tuple[str, list[Item]]]:
        """Consecutive items under their sub-heading, in order."""
        out: list[tuple[str, list[Item]]] = []
        for item in self.items:
            if not out or out[-1][0] != item.group:
                out.append((item.group, []))
            out[-1][1].append(item)
        return out


@dataclass
class Bundle:
    sar: object
    subject: Person
    council: object
    compiled_at: datetime
    sections: list[Section]
    withholdings: list[Withholding] = field(default_factory=list)
    family_ids: list[int] = field(default_factory=list)
    released: bool = False  # True once withheld content has been removed (for_release)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def item(self, key: str) -> Item | None:
        item_key = key.split("/", 1)[0]
        for section in self.sections:
            for item in section.items:
                if item.key == item_key:
                    return item
        return None

    @property
    def known_keys(self) -> set[str]:
        keys = set()
        for section in self.sections:
            for item in section.items:
                keys.add(item.key)
                keys.update(f.key for f in item.fields)
        return keys

    @property
    def stale_withholdings(self) -> list[Withholding]:
        """Withholdings whose item is no longer in the record (it was removed since)."""
        keys = self.known_keys
        return [w for w in self.withholdings if w.item_key not in keys]

    @property
    def withheld_reasons(self) -> list[str]:
        """The reasons for what is withheld, in plain English, each once (no item, count or place is named)."""
        seen = dict.fromkeys(w.get_reason_display() for w in self.withholdings)
        return list(seen)

    def for_release(self) -> "Bundle":
        """The bundle with every withheld item and field removed entirely, and the officer's warnings dropped."""
        keys = self.known_keys
        sections = []
        for section in self.sections:
            items = []
            for item in section.items:
                if item.withheld is not None:
                    continue
                fields = [replace(f, withheld=None) for f in item.fields if f.withheld is None]
                if item.fields and not fields:
                    continue  # every field withheld: the item goes too, so not even its title or date is left
                items.append(replace(item, fields=fields, warning="", withheld=None))
            sections.append(replace(section, items=items))
        withholdings = [w for w in self.withholdings if w.item_key in keys]
        return replace(self, sections=sections, withholdings=withholdings, released=True)

    def as_json(self) -> dict:
        """The machine-readable export: the same sections, items and fields as the PDF."""
        if not self.released:
            raise ValueError("Only a bundle made for release (for_release) is exported")
        return {
            "format": FORMAT,
            "reference": self.sar.reference,
            "council": self.council.name,
            "service": self.council.service_name,
            "subject": self.subject.full_name,
            "received_on": self.sar.received_on.isoformat(),
            "produced_at": timezone.localtime(self.compiled_at).isoformat(timespec="seconds"),
            "withheld": {
                "statement": withheld_statement(self) if self.withholdings else "",
                "reasons": self.withheld_reasons,
            },
            "sections": [
                {"key": s.key, "title": s.title, "description": s.intro, "items": [
                    {"key": i.key, "title": i.title, "date": i.on.isoformat() if i.on else None,
                     **({"group": i.group} if i.group else {}),
                     "fields": [{"key": f.key, "label": f.label, "value": f.value} for f in i.fields]}
                    for i in s.items]}
                for s in self.sections
            ],
        }


def withheld_statement(bundle: Bundle) -> str:
    return ("Some information has been left out of this copy. The law allows this, and sometimes requires it, "
            "to protect other people. We have left it out for these reasons: "
            + "; ".join(r[0].lower() + r[1:] for r in bundle.withheld_reasons) + ".")


# ---------------------------------------------------------------------------------------------------------
# Small helpers


def _who(user) -> str:
    if user is None:
        return "Not recorded"
    agency = getattr(user, "agency", None)
    return f"{user.full_name}, {agency.name}" if agency else user.full_name


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def _local_date(value) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _yes_no(value) -> str:
    return {True: "Yes", False: "No", None: "Not recorded"}[value]


class _Builder:
    """Collects fields for one item, leaving out empty values."""

    def __init__(self, key: str):
        self.key = key
        self.fields: list[Field] = []

    def add(self, name: str, label: str, value, *, long: bool = False) -> "_Builder":
        if value is None or value == "" or value == []:
            return self
        if isinstance(value, (date, datetime)):
            value = _day(value)
        self.fields.append(Field(key=f"{self.key}/{name}", label=label, value=str(value).strip(), long=long))
        return self

    def item(self, title: str, on=None, group: str = "", warning: str = "") -> Item:
        return Item(key=self.key, title=title, on=_local_date(on), group=group, fields=self.fields, warning=warning)


# ---------------------------------------------------------------------------------------------------------
# Reading everything (a fixed number of queries)


@dataclass
class _Data:
    council: object
    subject: Person
    memberships: list
    members: list
    relationships: list
    episodes: list
    assessments: list
    outcomes: list
    actions: list
    meetings: list
    reviews: list
    readings: list
    notes: list
    agreements: list
    consents: list
    bases: list
    not_sought: list
    referrals: list
    step_downs: list
    mash_contacts: list
    disclosures: list
    audit: list


def _load(sar) -> _Data:
    subject = (Person.objects.select_related("created_by__agency")
               .prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("pk")),
                                 Prefetch("addresses", queryset=Address.objects.order_by("from_date", "pk")))
               .get(pk=sar.subject_id))
    memberships = list(FamilyMember.objects.filter(person=subject).select_related("family__locality")
                       .order_by("family__name", "pk"))
    family_ids = [m.family_id for m in memberships]
    members = list(FamilyMember.objects.filter(family_id__in=family_ids).exclude(person=subject)
                   .select_related("person").order_by("family_id", "role", "person__date_of_birth", "pk"))
    relationships = list(Relationship.objects.filter(Q(from_person=subject) | Q(to_person=subject))
                         .select_related("from_person", "to_person").order_by("pk"))
    user = ("lead_professional__agency",)
    episodes = list(
        Episode.objects.filter(family_id__in=family_ids).select_related(*user, "family")
        .prefetch_related(
            Prefetch("level_changes", queryset=LevelChange.objects.select_related("decided_by__agency")),
            Prefetch("lead_assignments", queryset=LeadAssignment.objects.select_related("user__agency")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by__agency")),
            Prefetch("handovers", queryset=Handover.objects.select_related("from_user__agency", "to_user__agency")),
        ).order_by("started_on", "pk"))
    episode_ids = [e.pk for e in episodes]
    assessments = list(
        Assessment.objects.filter(family_id__in=family_ids)
        .select_related("started_by__agency", "completed_by__agency")
        .prefetch_related(
            Prefetch("sections", queryset=AssessmentSection.objects.select_related("updated_by__agency")
                     .order_by("pk")),
            Prefetch("child_views", queryset=ChildView.objects.filter(child=subject)
                     .select_related("updated_by__agency"), to_attr="subject_views"),
            Prefetch("contributions", queryset=Contribution.objects.select_related("author__agency")),
        ).order_by("started_at", "pk"))
    outcomes = list(PlanOutcome.objects.filter(episode_id__in=episode_ids).order_by("pk"))
    actions = list(Action.objects.filter(episode_id__in=episode_ids)
                   .select_related("owner_user__agency", "owner_agency", "owner_person").order_by("due_on", "pk"))
    meetings = list(
        Meeting.objects.filter(episode_id__in=episode_ids).select_related("agreed_lead__agency")
        .prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.select_related("user__agency", "person")),
            Prefetch("child_views", queryset=ChildMeetingView.objects.filter(child=subject), to_attr="subject_views"),
        ).order_by("scheduled_for", "pk"))
    reviews = list(
        Review.objects.filter(episode_id__in=episode_ids).select_related("recorded_by__agency")
        .prefetch_related(Prefetch("progress", queryset=OutcomeProgress.objects.select_related("outcome")
                                   .order_by("outcome_id")))
        .order_by("held_on", "pk"))
    readings = list(Reading.objects.filter(episode_id__in=episode_ids).select_related("recorded_by__agency")
                    .prefetch_related("scores").order_by("taken_on", "pk"))
    notes = list(CaseNote.objects.filter(family_id__in=family_ids).select_related("author__agency")
                 .order_by("occurred_on", "pk"))
    agreements = list(Agreement.objects.filter(family_id__in=family_ids)
                      .select_related("given_by", "recorded_by__agency").order_by("given_on", "pk"))
    consents = list(ShareConsent.objects.filter(Q(person=subject) | Q(given_by=subject))
                    .select_related("person", "given_by", "recorded_by__agency")
                    .prefetch_related("scopes__agency").order_by("given_on", "pk"))
    bases = list(LawfulBasis.objects.filter(family_id__in=family_ids)
                 .filter(Q(person__isnull=True) | Q(person=subject))
                 .select_related("decided_by__agency", "confirmed_by__agency")
                 .prefetch_related("agencies").order_by("decided_at", "pk"))
    not_sought = list(NotSoughtDecision.objects.filter(family_id__in=family_ids)
                      .select_related("decided_by__agency").order_by("decided_at", "pk"))
    referrals = list(Referral.objects.filter(family_id__in=family_ids)
                     .select_related("screened_by__agency", "named_lead__agency").order_by("received_at", "pk"))
    step_downs = list(StepDown.objects.filter(family_id__in=family_ids)
                      .select_related("social_worker__agency", "new_lead__agency").order_by("recorded_at", "pk"))
    mash_contacts = list(ImmediateRiskContact.objects.filter(family_id__in=family_ids)
                         .select_related("recorded_by__agency").order_by("contacted_at", "pk"))
    disclosures = list(Disclosure.objects.filter(Q(person=subject) | Q(family_id__in=family_ids, person__isnull=True))
                       .select_related("recipient_agency", "disclosed_by__agency", "person")
                       .order_by("occurred_on", "disclosed_at", "pk"))
    audit = list(AuditEvent.objects.filter(Q(person_id=subject.pk) | Q(family_id__in=family_ids))
                 .select_related("actor__agency").order_by("at", "id"))
    return _Data(council=sar.council, subject=subject, memberships=memberships, members=members,
                 relationships=relationships,
                 episodes=episodes, assessments=assessments, outcomes=outcomes, actions=actions, meetings=meetings,
                 reviews=reviews, readings=readings, notes=notes, agreements=agreements, consents=consents,
                 bases=bases, not_sought=not_sought, referrals=referrals, step_downs=step_downs,
                 mash_contacts=mash_contacts, disclosures=disclosures, audit=audit)


# ---------------------------------------------------------------------------------------------------------
# Sections


def _person_section(d: _Data) -> Section:
    p = d.subject
    b = _Builder(f"person:{p.pk}")
    dob = _day(p.date_of_birth) + (" (estimated)" if p.date_of_birth and p.date_of_birth_estimated else "")
    (b.add("given_name", "Given name", p.given_name).add("family_name", "Family name", p.family_name)
     .add("date_of_birth", "Date of birth", dob).add("sex", "Sex", p.get_sex_display())
     .add("gender_identity", "Gender identity", p.gender_identity)
     .add("ethnicity", "Ethnicity", p.get_ethnicity_display())
     .add("first_language", "First language", p.first_language)
     .add("interpreter_needed", "Needs an interpreter", _yes_no(p.interpreter_needed))
     .add("disability", "Disability", p.get_disability_display())
     .add("disability_details", "About the disability", p.disability_details, long=True)
     .add("nhs_number", "NHS number", p.nhs_number).add("upn", "Unique Pupil Number", p.upn)
     .add("ni_number", "National Insurance number", p.ni_number).add("email", "Email", p.email)
     .add("phone", "Phone", p.phone)
     .add("address_withheld", "Address kept from most staff for safety", "Yes" if p.address_withheld else "")
     .add("created", "Record started", f"{_day(p.created_at)} by {_who(p.created_by)}"))
    items = [b.item("Personal details")]
    for n in p.names.all():
        nb = _Builder(f"personname:{n.pk}")
        nb.add("name", "Name", f"{n.given_name} {n.family_name}".strip())
        items.append(nb.item(n.get_kind_display()))
    for a in p.addresses.all():
        ab = _Builder(f"address:{a.pk}")
        ab.add("address", "Address", str(a)).add("from_date", "From", a.from_date)
        ab.add("to_date", "Until", a.to_date if a.to_date else "Now (the current address)")
        items.append(ab.item("Current address" if a.is_current else "Previous address", on=a.from_date))
    return Section("person", f"About {p.full_name}", "The personal details, names and addresses on the record.",
                   "No personal details are held.", items)


def _families_section(d: _Data) -> Section:
    by_family = defaultdict(list)
    for m in d.members:
        by_family[m.family_id].append(m)
    items = []
    for m in d.memberships:
        family = m.family
        b = _Builder(f"family:{family.pk}")
        b.add("name", "Family record", family.name).add("locality", "Locality", family.locality.name
                                                        if family.locality_id else "")
        b.add("role", f"{d.subject.given_name}'s place in the family", m.get_role_display())
        b.add("joined_on", "Joined", m.joined_on).add("left_on", "Left", m.left_on)
        b.add("started", "Family record started", family.created_at)
        for other in by_family[family.pk]:
            left = f", left {_day(other.left_on)}" if other.left_on else ""
            b.add(f"member-{other.pk}", "Also in the family", f"{other.person.full_name}: "
                  f"{other.get_role_display().lower()}{left}")
        items.append(b.item("Family"))
    for r in d.relationships:
        b = _Builder(f"relationship:{r.pk}")
        b.add("relationship", "Relationship", str(r) + (f" ({r.description})" if r.description else ""))
        items.append(b.item("Family relationship"))
    return Section("families", "Families and relationships", "The families and households on the record, who "
                   "else is in them, and recorded relationships.", "No family is recorded.", items)


def _episodes_section(d: _Data) -> Section:
    items = []
    for e in d.episodes:
        council = d.council
        group = f"Early Help from {_day(e.started_on)}"
        b = _Builder(f"episode:{e.pk}")
        b.add("family", "Family", e.family.name).add("started_on", "Started", e.started_on)
        b.add("origin", "How it started", e.get_origin_display()).add("reason", "Reason", e.get_reason_display())
        b.add("level", "Level of need", council.level_name(e.level))
        b.add("lead", "Lead professional", _who(e.lead_professional) if e.lead_professional_id else "None")
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
            cb = _Builder(f"levelchange:{c.pk}")
            cb.add("level", "Level", f"{c.level}: {council.level_name(c.level)}")
            cb.add("source", "Decided at", c.get_source_display()).add("reasons", "Why", c.reasons, long=True)
            cb.add("decided_by", "Decided by", _who(c.decided_by))
            items.append(cb.item("Level of need", on=c.decided_at, group=group))
        for a in e.lead_assignments.all():
            ab = _Builder(f"leadassignment:{a.pk}")
            ab.add("user", "Lead professional", _who(a.user)).add("started_at", "From", a.started_at)
            ab.add("ended_at", "Until", a.ended_at).add("note", "Note", a.note, long=True)
            items.append(ab.item("Lead professional", on=a.started_at, group=group))
        for h in e.handovers.all():
            hb = _Builder(f"handover:{h.pk}")
            hb.add("from_user", "From", _who(h.from_user) if h.from_user_id else "")
            hb.add("to_user", "To", _who(h.to_user)).add("planned_for", "Planned for", h.planned_for)
            hb.add("status", "Status", h.get_status_display()).add("notes", "Notes", h.notes, long=True)
            items.append(hb.item("Handover to a new lead professional", on=h.planned_for, group=group))
        for s in e.status_changes.all():
            sb = _Builder(f"statuschange:{s.pk}")
            sb.add("from_status", "From", s.get_from_status_display() if s.from_status else "")
            sb.add("to_status", "To", s.get_to_status_display()).add("note", "Note", s.note, long=True)
            sb.add("changed_by", "Changed by", _who(s.changed_by))
            items.append(sb.item("Status changed", on=s.changed_at, group=group))
    return Section("episodes", "Early Help support", "Each period of Early Help: its level of need, lead "
                   "professional and status over time.", "No Early Help has been recorded.", items, grouped=True)


def _assessments_section(d: _Data) -> Section:
    items = []
    for a in d.assessments:
        group = f"Assessment {a.number}, started {_day(a.started_at)}"
        b = _Builder(f"assessment:{a.pk}")
        b.add("status", "Status", a.get_status_display()).add("started", "Started by", _who(a.started_by))
        b.add("completed", "Completed", f"{_day(a.completed_at)} by {_who(a.completed_by)}"
              if a.completed_at else "")
        items.append(b.item("The assessment", on=a.started_at, group=group))
        for s in a.sections.all():
            sb = _Builder(f"section:{s.pk}")
            sb.add("facts", "Facts", s.facts, long=True).add("opinions", "Views and opinions", s.opinions, long=True)
            if s.updated_by_id:
                sb.add("updated", "Last written by", f"{_who(s.updated_by)} on {_day(s.updated_at)}")
            items.append(sb.item(s.get_key_display(), group=group))
        for v in a.subject_views:
            vb = _Builder(f"childview:{v.pk}")
            vb.add("method", "How it was gathered", v.get_method_display() if v.method else "")
            vb.add("in_their_words", "In their own words", v.in_their_words, long=True)
            vb.add("worker_reflection", "What the practitioner made of it", v.worker_reflection, long=True)
            vb.add("updated", "Written by", _who(v.updated_by))
            items.append(vb.item(f"{d.subject.given_name}'s view as a child", on=v.updated_at, group=group))
        for c in a.contributions.all():
            cb = _Builder(f"contribution:{c.pk}")
            cb.add("author", "From", f"{c.author.full_name}, {c.agency_name}")
            cb.add("status", "Status", c.get_status_display()).add("submitted_at", "Sent", c.submitted_at)
            cb.add("facts", "Facts", c.facts, long=True).add("opinions", "Views and opinions", c.opinions, long=True)
            items.append(cb.item("A professional view", on=c.submitted_at or c.invited_at, group=group))
    own = (f", {d.subject.given_name}'s own view as a child" if any(a.subject_views for a in d.assessments)
           else "")
    return Section("assessments", "Early Help assessments", f"The family's assessments: each section{own}, and the "
                   "professional views given.", "No assessment has been recorded.", items, grouped=True)


def _owner(action: Action) -> str:
    if action.owner_user_id:
        return _who(action.owner_user)
    if action.owner_agency_id:
        return action.owner_agency.name
    return action.owner_person.full_name if action.owner_person_id else ""


def _plans_section(d: _Data) -> Section:
    areas = {a["code"]: a["name"] for a in d.council.outcome_areas or []}
    items = []
    for o in d.outcomes:
        b = _Builder(f"planoutcome:{o.pk}")
        b.add("description", "What we hope for", o.description, long=True)
        b.add("area", "Area", areas.get(o.area, o.area)).add("status", "Status", o.get_status_display())
        items.append(b.item("Outcome in the plan", on=o.created_at, group="The plan"))
    for a in d.actions:
        b = _Builder(f"action:{a.pk}")
        b.add("what", "What", a.what, long=True).add("owner", "Who", _owner(a)).add("due_on", "By", a.due_on)
        b.add("status", "Status", a.get_status_display()).add("completed_on", "Done on", a.completed_on)
        b.add("status_note", "Note", a.status_note, long=True)
        items.append(b.item("Action", on=a.created_at, group="The plan"))
    for m in d.meetings:
        b = _Builder(f"meeting:{m.pk}")
        b.add("when", "When", timezone.localtime(m.scheduled_for).strftime("%-d %B %Y at %-I:%M%p")
              .replace("AM", "am").replace("PM", "pm"))
        b.add("location", "Where", m.location).add("status", "Status", m.get_status_display())
        for inv in m.invitations.all():
            who = _who(inv.user) if inv.user_id else inv.person.full_name
            b.add(f"invitation-{inv.pk}", "Invited", f"{who}: {inv.get_attendance_display().lower()}")
        b.add("family_views", "The family's views", m.family_views, long=True)
        b.add("strengths", "Strengths", m.strengths, long=True).add("needs", "Needs", m.needs, long=True)
        b.add("minutes", "Minutes", m.minutes, long=True)
        b.add("agreed_lead", "Lead professional agreed", _who(m.agreed_lead) if m.agreed_lead_id else "")
        b.add("next_review_on", "Next review", m.next_review_on).add("notes_sent_at", "Notes sent", m.notes_sent_at)
        items.append(b.item(m.get_kind_display(), on=m.scheduled_for, group="Meetings"))
        for v in m.subject_views:
            vb = _Builder(f"childmeetingview:{v.pk}")
            vb.add("views", "What they said", v.views, long=True)
            items.append(vb.item(f"{d.subject.given_name}'s view at the meeting", on=m.scheduled_for,
                                 group="Meetings"))
    for r in d.reviews:
        b = _Builder(f"review:{r.pk}")
        b.add("held_on", "Held", r.held_on).add("summary", "Summary", r.summary, long=True)
        b.add("family_views", "The family's views", r.family_views, long=True)
        b.add("decision", "Decision", r.get_decision_display())
        b.add("new_level", "New level of need", d.council.level_name(r.new_level) if r.new_level else "")
        b.add("next_review_on", "Next review", r.next_review_on)
        for p in r.progress.all():
            comment = f": {p.comment.strip()}" if p.comment.strip() else ""
            b.add(f"progress-{p.pk}", f"Progress towards “{p.outcome.description.strip()[:80]}”",
                  f"{p.get_progress_display()}{comment}")
        b.add("recorded_by", "Recorded by", _who(r.recorded_by))
        items.append(b.item("Review", on=r.held_on, group="Reviews"))
    return Section("plans", "Plans, meetings and reviews", "The plan's hoped-for outcomes and actions, Team Around "
                   "the Family meetings and reviews.", "No plan, meeting or review has been recorded.", items,
                   grouped=True)


def _outcomes_section(d: _Data) -> Section:
    areas = {a["code"]: a["name"] for a in d.council.outcome_areas or []}
    items = []
    for r in d.readings:
        b = _Builder(f"reading:{r.pk}")
        for s in r.scores.all():
            family = f" (the family's own score: {s.family_score})" if s.family_score else ""
            b.add(f"score-{s.area}", areas.get(s.area, s.area), f"{s.score} out of 10{family}")
        b.add("recorded_by", "Recorded by", _who(r.recorded_by))
        items.append(b.item(f"Outcome scores at {r.get_context_display().lower()}", on=r.taken_on))
    return Section("outcomes", "Outcome scores", "Scores from 1 to 10 for each area, taken with the family at the "
                   "assessment and at each review.", "No outcome scores have been recorded.", items)


def _notes_section(d: _Data) -> Section:
    items = []
    for n in d.notes:
        b = _Builder(f"casenote:{n.pk}")
        b.add("summary", "Summary", n.summary).add("body", "Details", n.body, long=True)
        b.add("significant", "On the chronology", "Yes" if n.significant else "")
        b.add("author", "Written by", _who(n.author))
        items.append(b.item(n.get_note_type_display(), on=n.occurred_on))
    return Section("notes", "Case notes", "Dated notes on the family's record.", "No case notes have been written.",
                   items)


def _consent_section(d: _Data) -> Section:
    items = []
    for a in d.agreements:
        b = _Builder(f"agreement:{a.pk}")
        b.add("given_by", "Given by", a.given_by.full_name).add("giver_kind", "As", a.get_giver_kind_display())
        b.add("given_on", "On", a.given_on).add("method", "How", a.get_method_display())
        b.add("form_reference", "Form reference", a.form_reference).add("withdrawn_on", "Withdrawn", a.withdrawn_on)
        b.add("withdrawn_how", "How it was withdrawn", a.withdrawn_how, long=True)
        items.append(b.item("Agreement to receive Early Help", on=a.given_on))
    for c in d.consents:
        b = _Builder(f"shareconsent:{c.pk}")
        b.add("person", "About", c.person.full_name).add("given_by", "Given by", c.given_by.full_name)
        b.add("giver_kind", "As", c.get_giver_kind_display()).add("given_on", "On", c.given_on)
        b.add("method", "How", c.get_method_display())
        purposes = [ShareConsent._meta.get_field(name).verbose_name for name in
                    ("for_assessment_planning", "for_named_partners", "for_council_storage",
                     "for_supporting_families") if getattr(c, name)]
        b.add("purposes", "For", "; ".join(str(p) for p in purposes))
        scopes = list(c.scopes.all())
        b.add("with", "With", "; ".join(s.agency.name if s.agency_id else s.get_agency_kind_display()
                                        for s in scopes if not s.excluded))
        b.add("not_with", "Not with", "; ".join(s.agency.name if s.agency_id else s.get_agency_kind_display()
                                                for s in scopes if s.excluded))
        b.add("research_opt_out", "Opted out of national research linking", "Yes" if c.research_opt_out else "")
        b.add("limits", "Limits", c.limits, long=True).add("review_by", "Review by", c.review_by)
        b.add("withdrawn_on", "Withdrawn", c.withdrawn_on).add("withdrawn_how", "How it was withdrawn",
                                                              c.withdrawn_how, long=True)
        items.append(b.item("Consent to share information", on=c.given_on))
    for basis in d.bases:
        b = _Builder(f"lawfulbasis:{basis.pk}")
        b.add("kind", "Basis", basis.get_kind_display()).add("reason", "Reason", basis.reason, long=True)
        b.add("agencies", "Covers", "Every agency working with the family" if basis.all_agencies
              else "; ".join(a.name for a in basis.agencies.all()))
        b.add("decided", "Decided by", f"{_who(basis.decided_by)} on {_day(basis.decided_at)}")
        b.add("confirmed", "Confirmed by a manager", f"{_who(basis.confirmed_by)} on {_day(basis.confirmed_at)}"
              if basis.confirmed_at else "Not yet confirmed")
        b.add("ends_on", "Ends", basis.ends_on)
        items.append(b.item("Sharing without consent: a lawful basis", on=basis.decided_at))
    for n in d.not_sought:
        b = _Builder(f"notsought:{n.pk}")
        b.add("reason", "Reason", n.reason, long=True).add("decided_by", "Decided by", _who(n.decided_by))
        items.append(b.item("A decision not to seek consent", on=n.decided_at))
    return Section("consent", "Agreement, consent and lawful bases", "The family's agreement to receive Early Help, "
                   "consents to share information, and the lawful bases for sharing without consent.",
                   "No agreement, consent or lawful basis has been recorded.", items)


def _referrals_section(d: _Data) -> Section:
    items = []
    for r in d.referrals:
        b = _Builder(f"referral:{r.pk}")
        b.add("reference", "Reference", r.reference)
        asked = r.requester_name + (f" ({r.requester_relationship})" if r.requester_relationship else "")
        asked += f", {r.requester_agency}" if r.requester_agency else ""
        b.add("requester", "Asked by", asked).add("received_at", "Received", r.received_at)
        b.add("family_details", "About the family, as given", r.family_details, long=True)
        b.add("address", "Address given", r.address, long=True)
        b.add("concerns", "Concerns", r.concerns, long=True).add("tried_already", "Tried already", r.tried_already,
                                                                 long=True)
        b.add("hoped_for", "Hoped for", r.hoped_for, long=True)
        b.add("family_agrees", "The family agrees", _yes_no(r.family_agrees) if r.family_agrees is not None else "")
        b.add("agreement_given_by", "Agreement given by", r.agreement_given_by)
        b.add("consent_not_sought_reason", "Why consent was not sought", r.consent_not_sought_reason, long=True)
        b.add("decision", "Decision", r.get_decision_display() if r.decision else "")
        b.add("level_reasons", "Why this level", r.level_reasons, long=True)
        b.add("decision_notes", "Decision notes", r.decision_notes, long=True)
        b.add("screened_by", "Decided by", _who(r.screened_by) if r.screened_by_id else "")
        b.add("outcome_message", "What the family was told", r.outcome_message, long=True)
        b.add("outcome_told", "Told", f"{_day(r.outcome_told_at)} ({r.outcome_told_how})" if r.outcome_told_at
              else "")
        items.append(b.item(r.get_kind_display(), on=r.received_at))
    for s in d.step_downs:
        b = _Builder(f"stepdown:{s.pk}")
        b.add("social_worker", "Social worker", _who(s.social_worker)).add("new_lead", "New lead", _who(s.new_lead))
        b.add("cin_plan_ended_on", "Child in Need plan ended", s.cin_plan_ended_on)
        b.add("single_assessment", "The social-work assessment", s.single_assessment, long=True)
        b.add("cin_plan", "The Child in Need plan", s.cin_plan, long=True)
        b.add("handover_meeting_on", "Handover meeting", s.handover_meeting_on)
        items.append(b.item("Step down from children's social care", on=s.recorded_at))
    for c in d.mash_contacts:
        b = _Builder(f"mashcontact:{c.pk}")
        b.add("contacted_at", "When", c.contacted_at).add("method", "How", c.get_method_display())
        b.add("spoke_to", "Spoke to", c.spoke_to).add("concern", "Concern", c.concern, long=True)
        b.add("advice", "Advice", c.advice, long=True).add("mash_reference", "MASH reference", c.mash_reference)
        b.add("recorded_by", "Recorded by", _who(c.recorded_by))
        items.append(b.item("Contact with MASH about a child at immediate risk", on=c.contacted_at))
    return Section("referrals", "Requests for support and referrals", "Requests for support, referrals to MASH, "
                   "steps down from children's social care, and same-day contacts with MASH.",
                   "No request for support or referral has been recorded.", items)


def _sharing_section(d: _Data) -> Section:
    items = []
    for e in d.disclosures:
        b = _Builder(f"disclosure:{e.pk}")
        b.add("decision", "Decision", e.get_decision_display()).add("what", "What", e.what, long=True)
        b.add("with_whom", "With whom", e.with_whom).add("purpose", "Why", e.purpose).add("basis", "Basis", e.basis)
        b.add("not_shared_reason", "Why it was not shared", e.not_shared_reason, long=True)
        b.add("decided_by", "Decided or sent by", _who(e.disclosed_by))
        warning = (f"Marked unsafe to tell the family about: {e.unsafe_reason}" if e.unsafe_to_disclose else "")
        items.append(b.item(e.get_kind_display(), on=e.occurred_on, warning=warning))
    return Section("sharing", "Information shared", "The information-sharing register: every decision to share or "
                   "not to share information about them or their family, with whom and why.",
                   "Nothing has been recorded in the information-sharing register.", items)


# The audit log in plain English.

OBJECT_PHRASES = {
    "people.family": "the family record",
    "cases.episode": "the Early Help episode",
    "cases.casenote": "a case note",
    "assessments.assessment": "the assessment",
    "assessments.section": "a section of the assessment",
    "assessments.childview": "a child's view in the assessment",
    "assessments.contribution": "a professional view in the assessment",
    "plans.meeting": "a Team Around the Family meeting",
    "plans.review": "a review",
    "plans.action": "an action in the plan",
    "plans.planoutcome": "an outcome in the plan",
    "outcomes.reading": "outcome scores",
    "consent.agreement": "an agreement to Early Help",
    "consent.shareconsent": "a consent to share information",
    "consent.lawfulbasis": "a lawful basis for sharing",
    "consent.notsoughtdecision": "a decision not to seek consent",
    "referrals.referral": "a request for support",
    "referrals.stepdown": "a step down from children's social care",
    "referrals.immediateriskcontact": "a contact with MASH",
    "sharing.register": "the information-sharing register",
    "sharing.disclosure": "an entry in the information-sharing register",
    "sharing.transparency": "the list of what has been shared about the family",
    "access.breakglass": "the family record in an emergency (break-glass access)",
    "subject_access.subjectaccessrequest": "a subject access request",
}
VERBS = {
    AuditAction.VIEW: "viewed",
    AuditAction.SEARCH: "searched for",
    AuditAction.CREATE: "added",
    AuditAction.UPDATE: "changed",
    AuditAction.DELETE: "deleted",
    AuditAction.EXPORT: "downloaded a copy of",
    AuditAction.DISCLOSE: "recorded the sharing of",
    AuditAction.DENIED: "was refused access to",
    AuditAction.ADMIN: "made an administrative change to",
}
DETAIL_PHRASES = {"chronology": "the chronology"}


def _object_phrase(event: AuditEvent, subject: Person) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    if detail.get("view") in DETAIL_PHRASES:
        return DETAIL_PHRASES[detail["view"]]
    if event.object_type == "people.person":
        if event.object_id == str(subject.pk):
            return f"{subject.full_name}'s personal details"
        return "a family member's personal details"
    if event.object_type == "access.breakglass" and event.action == AuditAction.CREATE:
        return OBJECT_PHRASES["access.breakglass"]
    phrase = OBJECT_PHRASES.get(event.object_type)
    if phrase:
        return phrase
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return "a record"
    return f"a {model._meta.verbose_name}"


def _times(count: int) -> str:
    return "" if count == 1 else " twice" if count == 2 else f" {count} times"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def access_sentence(actor, did: list[tuple[str, str, int]], on: date) -> str:
    """What one person did to the record on one day, in plain English: `did` is (action, what, times) in the order
    they first did each ("Pat Practitioner of Hill School viewed the family record twice and a case note, and
    changed a review on 3 March 2026")."""
    who = f"{actor.full_name} of {actor.agency.name}" if actor is not None else "The system"
    by_verb: dict[str, list[str]] = {}
    for action, phrase, count in did:
        verb = VERBS.get(action, "used")
        if action == AuditAction.CREATE and phrase == OBJECT_PHRASES["access.breakglass"]:
            verb = "opened"
        by_verb.setdefault(verb, []).append(f"{phrase}{_times(count)}")
    parts = [f"{verb} {_and(things)}" for verb, things in by_verb.items()]
    done = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    return f"{who} {done} on {_day(on)}"


def _access_section(d: _Data) -> Section:
    """The audit log about the subject or their families, one sentence for each person and day."""
    days: dict[tuple, dict[tuple[str, str], int]] = {}
    actors = {}
    for event in d.audit:
        if event.action in (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT):
            continue
        on = timezone.localtime(event.at).date()
        actors.setdefault(event.actor_id, event.actor)
        did = days.setdefault((on, event.actor_id), {})
        what = (event.action, _object_phrase(event, d.subject))
        did[what] = did.get(what, 0) + 1
    items = []
    for (on, actor_id), did in days.items():
        sentence = access_sentence(actors[actor_id], [(a, p, n) for (a, p), n in did.items()], on)
        items.append(Item(key=f"access:{on.isoformat()}:{actor_id or 0}", title=sentence, on=on,
                          group=f"{on:%B %Y}"))
    return Section("access", "Who has looked at or changed the record", "Everything anyone did with the record, "
                   "from its audit log: who looked at, changed, downloaded or shared it, and when, oldest first.",
                   "No one has looked at the record.", items, grouped=True)


# ---------------------------------------------------------------------------------------------------------


def _apply(sections: list[Section], withholdings: list[Withholding]) -> None:
    by_key = {w.item_key: w for w in withholdings}
    if not by_key:
        return
    for section in sections:
        for item in section.items:
            item.withheld = by_key.get(item.key)
            for f in item.fields:
                f.withheld = by_key.get(f.key)


def compile_bundle(sar, *, withholdings: list[Withholding] | None = None) -> Bundle:
    """Everything held about the request's subject, with each withheld item and field marked (not yet removed:
    see `Bundle.for_release`). A fixed number of queries, whatever the size of the history."""
    compiled_at = timezone.now()
    data = _load(sar)
    if withholdings is None:
        withholdings = list(Withholding.objects.filter(sar=sar).select_related("withheld_by"))
    sections = [
        _person_section(data), _families_section(data), _episodes_section(data), _assessments_section(data),
        _plans_section(data), _outcomes_section(data), _notes_section(data), _consent_section(data),
        _referrals_section(data), _sharing_section(data), _access_section(data),
    ]
    _apply(sections, withholdings)
    return Bundle(sar=sar, subject=data.subject, council=sar.council, compiled_at=compiled_at, sections=sections,
                  withholdings=withholdings, family_ids=[m.family_id for m in data.memberships])


# ---------------------------------------------------------------------------------------------------------
# The released documents


def pdf_title(bundle: Bundle) -> str:
    return f"Information held about {bundle.subject.full_name} (subject access request {bundle.sar.reference})"


def bundle_pdf(bundle: Bundle, *, printed_by=None) -> bytes:
    """The accessible, tagged PDF of a bundle made for release."""
    if not bundle.released:
        raise ValueError("Only a bundle made for release (for_release) is printed")
    context = {"bundle": bundle, "sar": bundle.sar, "subject": bundle.subject, "council": bundle.council,
               "printed_on": timezone.localdate(bundle.compiled_at), "printed_by": printed_by,
               "withheld_statement": withheld_statement(bundle) if bundle.withholdings else ""}
    return render_pdf("subject_access/bundle_pdf.html", context, title=pdf_title(bundle))


def bundle_json(bundle: Bundle) -> str:
    """The machine-readable export of a bundle made for release (UTF-8 JSON)."""
    return json.dumps(bundle.as_json(), ensure_ascii=False, indent=1)
