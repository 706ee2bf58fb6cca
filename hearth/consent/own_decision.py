"""When a young person's own agreement or consent counts: the one place for the rule, read by the services (which
enforce it) and the forms (which ask only what the age calls for).

The child's age is taken from their date of birth on the day the agreement or consent was given:
- under 12: not without a recorded reason;
- 12 to 15, or an age not known: the practitioner records their judgement of competence (Gillick/Fraser) first;
- 16 and over: presumed able to decide."""

from dataclasses import dataclass
from datetime import date

from hearth.consent.models import OwnDecision as Needs
from hearth.core.dates import age_on

PRESUMED_AGE = 16
COMPETENCE_AGE = 12


@dataclass(frozen=True)
class OwnDecisionRule:
    age: int | None
    needs: str

    @property
    def needs_competence(self) -> bool:
        return self.needs == Needs.COMPETENCE

    @property
    def needs_reason(self) -> bool:
        return self.needs == Needs.REASON


def own_decision_rule(person, on_date: date) -> OwnDecisionRule:
    """What must be recorded before `person`'s own agreement or consent, given on `on_date`, counts."""
    age = age_on(person.date_of_birth, on_date)
    if age is None:
        return OwnDecisionRule(None, Needs.COMPETENCE)
    if age < COMPETENCE_AGE:
        return OwnDecisionRule(age, Needs.REASON)
    if age < PRESUMED_AGE:
        return OwnDecisionRule(age, Needs.COMPETENCE)
    return OwnDecisionRule(age, Needs.PRESUMED)


def check_own_decision(errors: dict, *, person, on_date: date | None, competence_judged: bool,
                       own_decision_note: str, what: str = "consent") -> str:
    """Add the form's errors when a young person decides for themselves without what their age calls for; return
    what was recorded (`Needs`), or "" when nothing is to be kept."""
    if person is None or on_date is None:
        return ""
    rule = own_decision_rule(person, on_date)
    note = (own_decision_note or "").strip()
    name = person.given_name
    if rule.needs_reason:
        if not note:
            errors["own_decision_note"] = (
                f"{name} is {rule.age}. A child under 12 cannot give their own {what} without a reason: give the "
                f"reason, or record {what} from a parent or carer")
        return Needs.REASON
    if rule.needs_competence:
        said = (f"{name} is {rule.age}" if rule.age is not None
                else f"{name}'s date of birth is not recorded, so their age is not known")
        if not competence_judged:
            errors["competence_judged"] = (
                f"{said}. Confirm you judged them able to understand and decide for themselves (Gillick "
                f"competence), or record {what} from a parent or carer")
        if not note:
            errors["own_decision_note"] = "Say how you judged they understood what they were deciding"
        return Needs.COMPETENCE
    return Needs.PRESUMED
