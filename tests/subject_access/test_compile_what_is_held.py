"""What was corrected or withdrawn is still held, so a subject access bundle has it: the earlier wording with when
and why it changed, and each withdrawn item marked as withdrawn with its reason. So is a manager's advice on a
decision not to seek consent, and a referral's urgency."""

import pytest
from django.utils import timezone

from hearth.cases import notes
from hearth.consent.models import NotSoughtDecision
from hearth.plans import corrections
from hearth.plans.models import Action, PlanOutcome
from hearth.referrals.models import Referral, Urgency
from hearth.subject_access.compile import compile_bundle

pytestmark = pytest.mark.django_db


def _fields(bundle, section: str, key_prefix: str) -> dict[str, list[tuple[str, str]]]:
    """Each item of the section whose key starts with `key_prefix`: its fields as (label, value)."""
    (found,) = [s for s in bundle.sections if s.key == section]
    return {i.key: [(f.label, f.value) for f in i.fields] for i in found.items if i.key.startswith(key_prefix)}


def test_a_corrected_outcome_and_a_withdrawn_action_are_in_the_bundle_with_their_history(practitioner, sar,
                                                                                        history):
    outcome = PlanOutcome.objects.create(episode=history.episode, description="Mum feels more confdent Oc1",
                                         created_by=practitioner)
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=outcome.version,
                                description="Mum feels more confident Oc1", area=outcome.area,
                                status=outcome.status, reason="Spelling")
    action = Action.objects.get(episode=history.episode)
    corrections.action_withdraw(actor=practitioner, action=action, version=action.version,
                                reason="Recorded for the wrong family")

    bundle = compile_bundle(sar)
    (outcome_fields,) = _fields(bundle, "plans", "planoutcome:").values()
    assert ("What we hope for", "Mum feels more confident Oc1") in outcome_fields
    (earlier,) = [(label, value) for label, value in outcome_fields if label.startswith("Earlier wording")]
    assert earlier[0].startswith("Earlier wording (corrected on ") and earlier[0].endswith(": Spelling)")
    assert "Mum feels more confdent Oc1" in earlier[1]
    (action_fields,) = _fields(bundle, "plans", "action:").values()
    assert ("What", "Action to take Ac1") in action_fields
    (withdrawn,) = [value for label, value in action_fields if label == "Withdrawn"]
    assert withdrawn.endswith(": Recorded for the wrong family")


def test_a_withdrawn_note_and_a_corrected_notes_earlier_wording_are_in_the_bundle(practitioner, sar, history):
    note, other = history.note, history.other_note
    notes.note_update(actor=practitioner, note=note, version=note.version, summary="Home visit Nt1",
                      body="Note details, corrected", significant=note.significant, note_type=note.note_type,
                      occurred_on=note.occurred_on, reason="Wrong room named")
    notes.note_withdraw(actor=practitioner, note=other, version=other.version, reason="Not this family")

    by_key = _fields(compile_bundle(sar), "notes", "casenote:")
    corrected, withdrawn = by_key[f"casenote:{note.pk}"], by_key[f"casenote:{other.pk}"]
    assert ("Details", "Note details, corrected") in corrected
    (earlier,) = [value for label, value in corrected if label.startswith("Earlier wording (corrected on ")]
    assert "Note details Nt2" in earlier
    assert ("Details", "Neighbour said Nt4") in withdrawn
    assert any(label == "Withdrawn" and value.endswith(": Not this family") for label, value in withdrawn)


def test_a_decision_not_to_seek_consent_is_in_the_bundle_with_the_managers_advice(practitioner, sar, history,
                                                                                  family):
    NotSoughtDecision.objects.create(family=family, reason="Asking would raise the risk Ns1", decided_by=practitioner,
                                     manager_name="Morgan Manager", advised_on=timezone.localdate(),
                                     advice="Do not seek consent yet Ns2")
    (fields,) = _fields(compile_bundle(sar), "consent", "notsought:").values()
    assert ("Manager consulted", "Morgan Manager") in fields
    assert ("Their advice", "Do not seek consent yet Ns2") in fields
    assert any(label == "Advice given on" for label, _ in fields)


def test_a_referrals_urgency_and_its_same_day_situations_are_in_the_bundle(sar, history):
    Referral.objects.filter(pk=history.referral.pk).update(same_day_triggers=["frightened"], urgency=Urgency.SAME_DAY)
    (fields,) = _fields(compile_bundle(sar), "referrals", f"referral:{history.referral.pk}").values()
    labels = dict(fields)
    assert labels["Urgency"] == Urgency.SAME_DAY.label
    assert "frightened" in labels["Needing a response the same working day because"].lower()
