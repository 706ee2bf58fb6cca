"""Requests for support, referrals, steps down and contacts with MASH; the information-sharing register."""

from django.db.models import Q

from hearth.referrals.models import ImmediateRiskContact, Referral, ScreeningTool, StepDown
from hearth.sharing.models import Disclosure
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, day, who, yes_no


def _referrals(subject: Subject) -> Section:
    family_ids = subject.family_ids
    referrals = (Referral.objects.filter(family_id__in=family_ids)
                 .select_related("screened_by__agency", "named_lead__agency").order_by("received_at", "pk"))
    tools: dict[int, list[ScreeningTool]] = {}
    for t in ScreeningTool.objects.filter(referral__family_id__in=family_ids).order_by("referral_id", "position"):
        tools.setdefault(t.referral_id, []).append(t)
    step_downs = (StepDown.objects.filter(family_id__in=family_ids)
                  .select_related("social_worker__agency", "new_lead__agency").order_by("recorded_at", "pk"))
    mash_contacts = (ImmediateRiskContact.objects.filter(family_id__in=family_ids)
                     .select_related("recorded_by__agency").order_by("contacted_at", "pk"))
    items = []
    for r in referrals:
        b = Builder(f"referral:{r.pk}")
        b.add("reference", "Reference", r.reference)
        asked = r.requester_name + (f" ({r.requester_relationship})" if r.requester_relationship else "")
        asked += f", {r.requester_agency}" if r.requester_agency else ""
        b.add("requester", "Asked by", asked).add("received_at", "Received", r.received_at)
        b.add("family_details", "About the family, as given", r.family_details, long=True)
        b.add("address", "Address given", r.address, long=True)
        b.add("concerns", "Concerns", r.concerns, long=True).add("tried_already", "Tried already", r.tried_already,
                                                                 long=True)
        b.add("hoped_for", "Hoped for", r.hoped_for, long=True)
        b.add("urgency", "Urgency", r.get_urgency_display())
        b.add("same_day_triggers", "Needing a response the same working day because",
              "; ".join(r.get_same_day_triggers_display()), long=True)
        b.add("family_agrees", "The family agrees", yes_no(r.family_agrees) if r.family_agrees is not None else "")
        b.add("agreement_given_by", "Agreement given by", r.agreement_given_by)
        b.add("consent_not_sought_reason", "Why consent was not sought", r.consent_not_sought_reason, long=True)
        b.add("decision", "Decision", r.get_decision_display() if r.decision else "")
        b.add("level_reasons", "Why this level", r.level_reasons, long=True)
        b.add("decision_notes", "Decision notes", r.decision_notes, long=True)
        b.add("screened_by", "Decided by", who(r.screened_by) if r.screened_by_id else "")
        b.add("outcome_message", "What the family was told", r.outcome_message, long=True)
        b.add("outcome_told", "Told", f"{day(r.outcome_told_at)} ({r.outcome_told_how})" if r.outcome_told_at
              else "")
        items.append(b.item(r.get_kind_display(), on=r.received_at))
        for t in tools.get(r.pk, []):  # the screening tools sent with it, after it
            b = Builder(f"screeningtool:{t.pk}")
            b.add("tool", "Tool", t.name).add("referral", "Sent to MASH with", r.reference)
            b.add("completed_on", "Completed on", t.completed_on).add("completed_by", "Completed by", t.completed_by)
            b.add("findings", "What it found", t.findings, long=True)
            items.append(b.item(f"Screening tool sent with referral {r.reference}", on=t.completed_on))
    for s in step_downs:
        b = Builder(f"stepdown:{s.pk}")
        b.add("social_worker", "Social worker", who(s.social_worker)).add("new_lead", "New lead", who(s.new_lead))
        b.add("cin_plan_ended_on", "Child in Need plan ended", s.cin_plan_ended_on)
        b.add("single_assessment", "The social-work assessment", s.single_assessment, long=True)
        b.add("cin_plan", "The Child in Need plan", s.cin_plan, long=True)
        b.add("handover_meeting_on", "Handover meeting", s.handover_meeting_on)
        items.append(b.item("Step down from children's social care", on=s.recorded_at))
    for c in mash_contacts:
        b = Builder(f"mashcontact:{c.pk}")
        b.add("contacted_at", "When", c.contacted_at).add("method", "How", c.get_method_display())
        b.add("spoke_to", "Spoke to", c.spoke_to).add("concern", "Concern", c.concern, long=True)
        b.add("advice", "Advice", c.advice, long=True).add("mash_reference", "MASH reference", c.mash_reference)
        b.add("recorded_by", "Recorded by", who(c.recorded_by))
        items.append(b.item("Contact with MASH about a child at immediate risk", on=c.contacted_at))
    return Section("referrals", "Requests for support and referrals", "Requests for support, referrals to MASH "
                   "with the screening tools sent with them, steps down from children's social care, and same-day "
                   "contacts with MASH.",
                   "No request for support or referral has been recorded.", items)



def _sharing(subject: Subject) -> Section:
    disclosures = (Disclosure.objects
                   .filter(Q(person=subject.person) | Q(family_id__in=subject.family_ids, person__isnull=True))
                   .select_related("recipient_agency", "disclosed_by__agency", "person")
                   .order_by("occurred_on", "disclosed_at", "pk"))
    items = []
    for e in disclosures:
        b = Builder(f"disclosure:{e.pk}")
        b.add("decision", "Decision", e.get_decision_display()).add("what", "What", e.what, long=True)
        b.add("with_whom", "With whom", e.with_whom).add("purpose", "Why", e.purpose).add("basis", "Basis", e.basis)
        b.add("not_shared_reason", "Why it was not shared", e.not_shared_reason, long=True)
        b.add("decided_by", "Decided or sent by", who(e.disclosed_by))
        warning = (f"Marked unsafe to tell the family about: {e.unsafe_reason}" if e.unsafe_to_disclose else "")
        items.append(b.item(e.get_kind_display(), on=e.occurred_on, warning=warning))
    return Section("sharing", "Information shared", "The information-sharing register: every decision to share or "
                   "not to share information about them or their family, with whom and why.",
                   "Nothing has been recorded in the information-sharing register.", items)




REFERRALS = SectionSource("referrals", ("referrals.referral", "referrals.screeningtool", "referrals.stepdown",
                                        "referrals.immediateriskcontact"), _referrals)
SHARING = SectionSource("sharing", ("sharing.disclosure",), _sharing)
