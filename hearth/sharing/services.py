"""Writing the information-sharing register. Every decision to share or not to share is recorded here.

- `disclosure_record`: called by every action that sends or hands over information (automatic entries).
- `share_decide`: a practitioner asks to share with an agency; shared if consent or a lawful basis covers the
  agency, otherwise a decision not to share is recorded and `ShareRefused` is raised.
- `entry_record`: a decision recorded by hand (a phone call, a letter, a decision not to share).
- `entry_set_unsafe`: mark an entry unsafe to disclose to the family (with a reason), or clear the mark.
- `register_export_record`, `transparency_copy_record`: exporting the register and giving the family their copy
  are themselves recorded.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from hearth.access import coverage, policy
from hearth.accounts.models import Agency
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.consent.models import LawfulBasis, ShareConsent
from hearth.core.errors import DomainError, ValidationFailed
from hearth.outbox import services as outbox
from hearth.outbox.models import Message
from hearth.outbox.models import Status as MessageStatus
from hearth.people import holds
from hearth.people.models import FamilyMember
from hearth.sharing.models import Decision, Delivery, Disclosure, DisclosureKind, Origin

PUBLIC_TASK_TEXT = "Public task: the council delivers Early Help under its statutory duties (UK GDPR Article 6(1)(e))"


class ShareRefused(DomainError):
    """A share was refused because nothing covers the agency. The refusal has ALREADY been written to the register
    as a decision not to share (`entry`): catch this inside the transaction (or savepoint) that called
    `share_decide`, so that the entry commits. Letting it propagate out of an atomic block rolls the entry back."""

    def __init__(self, message: str, *, entry: Disclosure):
        super().__init__(message, field="agency", code="share_refused")
        self.entry = entry


# ---------------------------------------------------------------------------------------------------------
# Coverage of an agency (the policy's rules, for an agency rather than a user)


@dataclass(frozen=True)
class Cover:
    """What allows sharing with an agency: a confirmed lawful basis, a consent, or the council's public task."""

    consent: ShareConsent | None = None
    lawful_basis: LawfulBasis | None = None
    public_task: bool = False

    @property
    def text(self) -> str:
        if self.lawful_basis is not None:
            basis = self.lawful_basis
            return f"{basis.get_kind_display()} (a lawful basis confirmed on {basis.confirmed_at:%-d %B %Y})"
        if self.consent is not None:
            consent = self.consent
            return (f"Consent to share given by {consent.given_by.full_name} on {consent.given_on:%-d %B %Y} "
                    f"({consent.get_method_display().lower()})")
        return PUBLIC_TASK_TEXT


def _mine(agency: Agency) -> Q:
    """Consent scopes naming the agency, or its kind of agency."""
    return Q(agency=agency) | Q(agency__isnull=True, agency_kind=agency.kind)


def agency_coverage(family, agency: Agency, *, person=None) -> Cover | None:
    """The basis on which information about the family may go to `agency`, or None if nothing covers it: the
    consent rule (`hearth.access.coverage.cover_for`) naming the consent or lawful basis that covers. When the
    information is about one person, the consent must be that person's and a lawful basis the family's or theirs.
    At most four queries."""
    facts = coverage.load([family.pk])[family.pk]
    cover = coverage.cover_for(facts, agency.pk, agency.kind, person_id=person.pk if person else None)
    if cover is None:
        return None
    if cover.basis_id is not None:
        return Cover(lawful_basis=LawfulBasis.objects.get(pk=cover.basis_id))
    if cover.consent_id is not None:
        return Cover(consent=ShareConsent.objects.select_related("given_by").get(pk=cover.consent_id))
    return Cover(public_task=True)


def agency_covered(family, agency: Agency) -> bool:
    """Whether consent or a lawful basis covers the agency for the family (the policy's rule; this module's
    `agency_coverage` also says which consent or basis, and is tested to agree with the policy)."""
    return policy.is_agency_covered(family, agency)


# ---------------------------------------------------------------------------------------------------------
# Writing entries


def _is_member(family, person) -> bool:
    return FamilyMember.objects.filter(family=family, person=person).exists()


def _create(*, actor, family, kind: str, what: str, recipient: str, purpose: str, basis: str, person=None,
            recipient_agency=None, obj=None, decision: str = Decision.SHARED, origin: str = Origin.AUTOMATIC,
            occurred_on: date | None = None, basis_consent=None, basis_lawful=None, not_shared_reason: str = "",
            unsafe_reason: str = "", by_email: bool = False) -> Disclosure:
    now = timezone.now()
    entry = Disclosure.objects.create(
        family=family, person=person, kind=kind, decision=decision, origin=origin, what=what,
        recipient=(recipient or "")[:300], recipient_agency=recipient_agency, purpose=purpose[:300],
        basis=(basis or "")[:300], basis_consent=basis_consent, basis_lawful=basis_lawful,
        not_shared_reason=not_shared_reason, unsafe_to_disclose=bool(unsafe_reason), unsafe_reason=unsafe_reason,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "", disclosed_by=actor, disclosed_at=now,
        occurred_on=occurred_on or timezone.localdate(now), delivery=Delivery.WAITING if by_email else "")
    action = AuditAction.DISCLOSE if decision == Decision.SHARED and origin == Origin.AUTOMATIC else AuditAction.CREATE
    trail.record(actor=actor, action=action, obj=entry, family_id=family.pk,
                 person_id=person.pk if person else None,
                 detail={"kind": kind, "decision": decision, "origin": origin})
    return entry


def disclosure_record(*, actor, family, kind: str, what: str, recipient: str, purpose: str, basis: str,
                      person=None, recipient_agency=None, obj=None, by_email: bool = False) -> Disclosure:
    """Record information sent or handed over: an automatic entry, decision "shared". With `by_email`, the entry
    waits for the outbox to report that the email has really gone (`delivery_reported`)."""
    if kind not in DisclosureKind.values:
        raise ValueError(f"Unknown disclosure kind {kind!r}")
    return _create(actor=actor, family=family, kind=kind, what=what, recipient=recipient, purpose=purpose,
                   basis=basis, person=person, recipient_agency=recipient_agency, obj=obj, by_email=by_email)


def disclosures_record(*, actor, kind: str, sent: list[tuple[int, str]], recipient: str, purpose: str,
                       basis: str, object_type: str, object_id: str, batch: int = 2_000) -> int:
    """Record a share of many families at once (a national return): one automatic "shared" entry in the register of
    each family in `sent` ((family id, what was sent of it)), written in batches, each audited as a disclosure."""
    if kind not in DisclosureKind.values:
        raise ValueError(f"Unknown disclosure kind {kind!r}")
    now = timezone.now()
    written = 0
    for start in range(0, len(sent), batch):
        entries = Disclosure.objects.bulk_create([
            Disclosure(family_id=family_id, kind=kind, what=what, recipient=recipient[:300], purpose=purpose[:300],
                       basis=basis[:300], object_type=object_type, object_id=object_id, disclosed_by=actor,
                       disclosed_at=now, occurred_on=timezone.localdate(now))
            for family_id, what in sent[start:start + batch]])
        trail.record_many(actor=actor, action=AuditAction.DISCLOSE, object_type="sharing.disclosure", rows=[
            (e.pk, e.family_id, {"kind": kind, "decision": Decision.SHARED, "origin": Origin.AUTOMATIC})
            for e in entries])
        written += len(entries)
    return written


def share_decide(*, actor, family, agency, what: str, purpose: str, person=None) -> Disclosure:
    """Share information about the family (or one person in it) with an agency, on purpose.

    Covered (see `agency_coverage`): records "shared" with the consent or lawful basis relied on. Not covered:
    records "not shared" with the reason, then raises `ShareRefused` (a DomainError) with that reason in plain
    English. The refusal entry is written before the error is raised; see `ShareRefused` for keeping it. A
    restriction in force on the person (or, for the whole family's information, on any member) is refused the
    same way."""
    policy.require_edit_family(actor, family)
    what, purpose = (what or "").strip(), (purpose or "").strip()
    errors = {}
    if agency is None:
        errors["agency"] = "Choose the agency to share with"
    if not what:
        errors["what"] = "Say what information you want to share"
    if not purpose:
        errors["purpose"] = "Say why you want to share it"
    elif len(purpose) > 300:
        errors["purpose"] = "Say why you want to share it in 300 characters or fewer"
    if person is not None and not _is_member(family, person):
        errors["person"] = "Choose a member of this family"
    if errors:
        raise ValidationFailed(errors)
    restricted = (holds.refusal(holds.Use.SHARE, person=person) if person else
                  holds.refusal(holds.Use.SHARE, family=family))
    cover = agency_coverage(family, agency, person=person)
    common = dict(actor=actor, family=family, kind=DisclosureKind.SHARE_DECISION, what=what, recipient=agency.name,
                  recipient_agency=agency, purpose=purpose, person=person)
    if restricted or cover is None:
        reason = restricted or f"No consent or lawful basis covers {agency.name} for this purpose"
        entry = _create(**common, basis="", decision=Decision.NOT_SHARED, not_shared_reason=reason)
        raise ShareRefused(reason, entry=entry)
    return _create(**common, basis=cover.text, basis_consent=cover.consent, basis_lawful=cover.lawful_basis)


def _check_consent(errors: dict, family, consent) -> None:
    if consent is not None and (consent.family_id != family.pk or not consent.is_active):
        errors["basis"] = "Choose a consent to share that this family has given and not withdrawn"


def _check_lawful_basis(errors: dict, family, basis) -> None:
    if basis is None:
        return
    ended = basis.ends_on is not None and basis.ends_on < timezone.localdate()
    if basis.family_id != family.pk or basis.confirmed_by_id is None or ended:
        errors["basis"] = "Choose a lawful basis recorded for this family, confirmed by a manager and not ended"


def entry_record(*, actor, family, decision: str, what: str, purpose: str, occurred_on: date | None,
                 recipient: str = "", recipient_agency=None, person=None, consent=None, lawful_basis=None,
                 basis_text: str = "", not_shared_reason: str = "", unsafe_to_disclose: bool = False,
                 unsafe_reason: str = "") -> Disclosure:
    """A decision to share or not to share, recorded by hand: what, with whom, why, on what basis, when."""
    policy.require_edit_family(actor, family)
    what, purpose, recipient = (what or "").strip(), (purpose or "").strip(), (recipient or "").strip()
    basis_text, not_shared_reason = (basis_text or "").strip(), (not_shared_reason or "").strip()
    unsafe_reason = (unsafe_reason or "").strip()
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = "Say whether the information was shared or not shared"
    if not what:
        errors["what"] = "Say what information this decision is about"
    if recipient_agency is None and not recipient:
        errors["recipient"] = "Say who the information was shared with, or who asked for it"
    elif recipient_agency is not None and recipient_agency.council_id != family.council_id:
        errors["recipient_agency"] = "Choose an agency of this council, or write who it was in the box"
    if len(recipient) > 300:
        errors["recipient"] = "Write who it was in 300 characters or fewer"
    if not purpose:
        errors["purpose"] = "Say what the information was for"
    elif len(purpose) > 300:
        errors["purpose"] = "Say what the information was for in 300 characters or fewer"
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date of the decision"
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date of the decision must be today or in the past"
    if person is not None and not _is_member(family, person):
        errors["person"] = "Choose a member of this family"
    if consent is not None and lawful_basis is not None:
        errors["basis"] = "Choose one basis"
    _check_consent(errors, family, consent)
    _check_lawful_basis(errors, family, lawful_basis)
    if len(basis_text) > 300:
        errors["basis_text"] = "Describe the basis in 300 characters or fewer"
    if decision == Decision.SHARED and consent is None and lawful_basis is None and not basis_text:
        errors["basis"] = "Choose the consent or lawful basis relied on, or choose other and describe it"
    if decision == Decision.NOT_SHARED and not not_shared_reason:
        errors["not_shared_reason"] = "Say why the information was not shared"
    if unsafe_to_disclose and not unsafe_reason:
        errors["unsafe_reason"] = "Say why telling the family about this could be unsafe"
    if errors:
        raise ValidationFailed(errors)
    if consent is not None:
        basis = Cover(consent=consent).text
    elif lawful_basis is not None:
        basis = Cover(lawful_basis=lawful_basis).text
    else:
        basis = basis_text
    return _create(
        actor=actor, family=family, kind=DisclosureKind.SHARE_DECISION, what=what,
        recipient=recipient or recipient_agency.name, recipient_agency=recipient_agency, purpose=purpose,
        basis=basis, person=person, decision=decision, origin=Origin.BY_HAND, occurred_on=occurred_on,
        basis_consent=consent, basis_lawful=lawful_basis,
        not_shared_reason=not_shared_reason if decision == Decision.NOT_SHARED else "",
        unsafe_reason=unsafe_reason if unsafe_to_disclose else "")


def entry_set_unsafe(*, actor, entry: Disclosure, unsafe: bool, reason: str = "") -> Disclosure:
    """Mark an entry unsafe to disclose to the family (it is left out of what they are shown), or clear the mark."""
    policy.require_edit_family(actor, entry.family)
    reason = (reason or "").strip()
    if unsafe and not reason:
        raise ValidationFailed({"unsafe_reason": "Say why telling the family about this could be unsafe"})
    entry.unsafe_to_disclose, entry.unsafe_reason = unsafe, reason if unsafe else ""
    Disclosure.objects.filter(pk=entry.pk).update(unsafe_to_disclose=entry.unsafe_to_disclose,
                                                  unsafe_reason=entry.unsafe_reason)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=entry, family_id=entry.family_id,
                 person_id=entry.person_id, detail={"unsafe_to_disclose": unsafe})
    return entry


EXPORT_PURPOSE = "A spreadsheet of the information-sharing register, for the practitioner's records"
EXPORT_BASIS = "The practitioner works with the family and may see its record under the council's access policy"
TRANSPARENCY_PURPOSE = "So the family knows what has been shared about them, with whom and why"
TRANSPARENCY_BASIS = "The family's right to be informed and of access (UK GDPR Articles 13 to 15)"


def register_export_record(*, actor, families, rows: int, person=None) -> list[Disclosure]:
    """A CSV export of the register: an EXPORT in the audit log and an entry in the register of each family in it."""
    entries = []
    for family in families:
        trail.record(actor=actor, action=AuditAction.EXPORT, obj=family, family_id=family.pk,
                     person_id=person.pk if person else None, detail={"document": "sharing_register", "rows": rows})
        entries.append(disclosure_record(
            actor=actor, family=family, kind=DisclosureKind.REGISTER_EXPORT, person=person,
            what="A spreadsheet (CSV) of the information-sharing register",
            recipient=f"{actor.full_name}, {actor.agency.name}", recipient_agency=actor.agency,
            purpose=EXPORT_PURPOSE, basis=EXPORT_BASIS))
    return entries


def transparency_copy_record(*, actor, family, recipient: str, person=None) -> Disclosure:
    """The family was given their copy of what has been shared about them."""
    return disclosure_record(
        actor=actor, family=family, kind=DisclosureKind.TRANSPARENCY_COPY, person=person, recipient=recipient,
        what="A PDF listing what has been shared about the family, with whom and why",
        purpose=TRANSPARENCY_PURPOSE, basis=TRANSPARENCY_BASIS, obj=family)


def closure_notice(*, actor, episode, closure, open_work) -> None:
    """When an episode closes: tell the council's Early Help team and its locality, and record that in the register
    (`cases.journey.episode_closed`)."""
    council = episode.family.council
    to = council.contact("early_help_team_email")
    locality = episode.family.locality
    recipients = [a for a in (to, locality.email if locality else "") if a]
    reason = next((r.get("label", r["code"]) for r in council.closure_reasons if r["code"] == episode.end_reason),
                  episode.end_reason)
    body = (f"Early Help episode {episode.pk} (family record {episode.family_id}) closed on "
            f"{episode.closed_on:%d %B %Y}.\nReason: {reason}\n\nSign in to Hearth to read the closure record.")
    if recipients:
        entry = disclosure_record(actor=actor, family=episode.family, kind="closure_notice",
                                  what="That the episode closed, its date and reason (no names)",
                                  recipient=", ".join(recipients), purpose="Notify the council's Early Help team",
                                  basis="Public task: oversight of Early Help", obj=episode, by_email=True)
        outbox.send(to=recipients, subject="Early Help episode closed", body=body, kind="episode.closed",
                    about=entry)


def _process_recipients(family, rule: str) -> list[str]:
    """The addresses the council's process rule `rule` sends word to (core.profiles.NOTICE_RECIPIENTS): its MASH or
    Early Help team mailbox, or the family's locality team, leaving out any the profile has no address for."""
    council = family.council
    mailboxes = {"mash": lambda: council.contact("mash_email"),
                 "early_help_team": lambda: council.contact("early_help_team_email"),
                 "locality": lambda: family.locality.email if family.locality else ""}
    return list(dict.fromkeys(address for goes_to in council.rule(rule, []) if (address := mailboxes[goes_to]())))


def _process_notice(*, actor, family, rule: str, obj, kind: str, what: str, purpose: str, subject: str, body: str,
                    email_kind: str) -> None:
    """Tell whoever the council's process rule `rule` names that something happened, and record it in the register.
    The email names no one (record numbers only): the recipients read the record in Hearth. Nobody to tell, nothing
    recorded."""
    recipients = _process_recipients(family, rule)
    if not recipients:
        return
    entry = disclosure_record(actor=actor, family=family, kind=kind, what=what, recipient=", ".join(recipients),
                              purpose=purpose, basis="Public task: oversight of Early Help", obj=obj, by_email=True)
    outbox.send(to=recipients, subject=subject, body=f"{body}\n\nSign in to Hearth to read it.", kind=email_kind,
                about=entry)


def _plan_name(council, level: int) -> str:
    return (council.plan_names or {}).get(f"level_{level}") or ""


def level_down_notice(*, actor, episode, before: int) -> None:
    """When an episode's level of need goes down (Gloucestershire's step from a My Plan+ to a My Plan), for the rule
    `level_down_goes_to`."""
    if episode.level >= before:
        return
    family = episode.family
    council = family.council
    was = _plan_name(council, before) or council.level_name(before)
    now = _plan_name(council, episode.level) or council.level_name(episode.level)
    _process_notice(
        actor=actor, family=family, rule="level_down_goes_to", obj=episode, kind=DisclosureKind.LEVEL_NOTICE,
        what="That the episode's level of need went down, with its record number (no names)",
        purpose="The council's process for a step down", subject="Early Help stepped down",
        body=(f"Early Help episode {episode.pk} (family record {family.pk}) stepped down from level {before} ({was}) "
              f"to level {episode.level} ({now}) on {timezone.localdate():%d %B %Y}."),
        email_kind="episode.level_down")


def meeting_notice(*, actor, meeting) -> None:
    """When a Team Around the Family meeting is recorded (Oxfordshire sends every TAF record to the family's locality
    team), for the rule `meeting_recorded_goes_to`."""
    episode = meeting.episode
    held = timezone.localtime(meeting.scheduled_for)
    _process_notice(
        actor=actor, family=episode.family, rule="meeting_recorded_goes_to", obj=meeting,
        kind=DisclosureKind.MEETING_NOTICE,
        what="That a Team Around the Family meeting was recorded, its date and record number (no names)",
        purpose="The council's process for TAF records", subject="Team Around the Family meeting recorded",
        body=(f"A Team Around the Family meeting ({meeting.get_kind_display().lower()}) held on {held:%d %B %Y} was "
              f"recorded for Early Help episode {episode.pk} (family record {episode.family_id})."),
        email_kind="meeting.recorded")


def plan_notice(*, actor, episode) -> None:
    """When a plan is agreed at the Team Around the Family meeting (Gloucestershire registers each My Plan with its
    Early Help team), for the rule `plan_agreed_goes_to`."""
    family = episode.family
    plan = _plan_name(family.council, episode.level) or "Early Help plan"
    _process_notice(
        actor=actor, family=family, rule="plan_agreed_goes_to", obj=episode, kind=DisclosureKind.PLAN_NOTICE,
        what="That a plan was agreed, its level and record number (no names)",
        purpose="The council's process for registering plans", subject=f"{plan} agreed",
        body=(f"A {plan} (level {episode.level}) was agreed for Early Help episode {episode.pk} (family record "
              f"{family.pk}) on {timezone.localdate():%d %B %Y}."),
        email_kind="episode.plan_agreed")


def assessment_notice(*, actor, assessment) -> None:
    """When an Early Help Assessment is completed (Portsmouth's go to its MASH, Oxfordshire's to the family's locality
    team), for the rule `completed_assessment_goes_to`."""
    family = assessment.family
    _process_notice(
        actor=actor, family=family, rule="completed_assessment_goes_to", obj=assessment,
        kind=DisclosureKind.ASSESSMENT_NOTICE,
        what="That the family's Early Help Assessment was completed, with its record number (no names)",
        purpose="The council's process for completed assessments", subject="Early Help Assessment completed",
        body=(f"An Early Help Assessment (version {assessment.number}, family record {family.pk}) was completed on "
              f"{timezone.localtime(assessment.completed_at):%d %B %Y}."),
        email_kind="assessment.completed")


def delivery_reported(message: Message) -> None:
    """The outbox sent (or gave up on) an email written for a register entry: the entry says so once every email
    for it has gone, or as soon as one cannot be sent."""
    if message.about_type != Disclosure._meta.label_lower:
        return
    emails = Message.objects.filter(about_type=message.about_type, about_id=message.about_id)
    entry = Disclosure.objects.filter(pk=message.about_id)
    if emails.filter(status=MessageStatus.FAILED).exists():
        entry.update(delivery=Delivery.FAILED)
    elif not emails.exclude(status=MessageStatus.SENT).exists():
        entry.update(delivery=Delivery.SENT, delivered_at=message.sent_at)
