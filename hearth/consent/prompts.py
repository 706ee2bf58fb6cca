"""The re-consent prompts: plain-English reasons to go back to a family about consent, from its loaded record
(`state.load_record`); `reconsent_reasons`.
"""

from datetime import date

from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.consent.models import ShareConsent
from hearth.consent.state import NO_CONSENT, ConsentState, Dated, uk_date, uses_consent_model


def _consent_moment(consent: ShareConsent) -> date:
    """The day after which a change is 'since consent': the later of the day it was given and the day it was
    recorded (people added to the record while the consent was being written up are not 'new')."""
    return max(consent.given_on, timezone.localdate(consent.recorded_at))


def reconsent_reasons(state: ConsentState) -> list[str]:
    council = state.family.council
    if not uses_consent_model(council):
        return []
    latest = state.latest_active
    if latest is None:
        last_decision = max((d.decided_at for d in state.not_sought), default=None)
        last_consent = max((c.recorded_at for c in state.share_consents), default=None)
        if last_decision and (last_consent is None or last_decision > last_consent):
            return []  # seeking consent would increase the risk; that decision is recorded
        withdrawn = [c.withdrawn_on for c in state.share_consents if c.withdrawn_on]
        if withdrawn:
            return [f"No consent to share is in place: it was withdrawn on {uk_date(max(withdrawn))}"]
        return [NO_CONSENT]
    prompts: list[str] = []
    since = _consent_moment(latest)
    consented_people = {c.person_id for c in state.active_share_consents}
    for member in state.members:
        if (member.left_on is None and member.joined_on and member.joined_on > since
                and member.person_id not in consented_people):
            prompts.append(f"{member.person.full_name} joined the family on {uk_date(member.joined_on)}, after consent "
                           f"to share was given on {uk_date(latest.given_on)}. Ask whether the family's consent "
                           f"covers them.")
    reported: set[int] = set()
    for inv in state.involvements:
        agency = inv.user.agency
        if inv.relationship not in policy.CONSENT_GATED or state.agency_covered.get(agency.pk, True):
            continue
        if agency.pk in reported:
            continue
        reported.add(agency.pk)
        joined = ("is in the team around the family" if inv.relationship == InvolvedAs.TAF_MEMBER
                  else "has been invited to contribute to the assessment")
        prompts.append(f"{inv.user.full_name} of {agency.name} {joined}, but no consent or lawful basis covers "
                       f"{agency.name}. Ask the family whether they agree to share with {agency.name}, or record "
                       f"a lawful basis.")
    changed = _level_change_since(state.level_changes, latest)
    if changed:
        before, after, when = changed
        prompts.append(f"The level of need changed from {council.level_name(before)} to "
                       f"{council.level_name(after)} on {uk_date(when)}, after consent to share was given on "
                       f"{uk_date(latest.given_on)}. Check the family still agree to what is shared.")
    today = timezone.localdate()
    for consent in sorted(state.active_share_consents, key=lambda c: (c.review_by or today, c.pk)):
        if consent.review_by and consent.review_by < today:
            prompts.append(f"{consent.person.full_name}'s consent to share was due for review on "
                           f"{uk_date(consent.review_by)}. Check it with the family and record it again.")
    return prompts


def _level_change_since(changes: list[Dated], consent: ShareConsent) -> tuple[int, int, date] | None:
    """The latest change, after the consent was recorded, to a level different from the one in force then."""
    baseline = None
    result = None
    for change in changes:  # oldest first
        if change.decided_at <= consent.recorded_at:
            baseline = change.level
            continue
        if baseline is not None and change.level != baseline:
            result = (baseline, change.level, timezone.localdate(change.decided_at))
        if baseline is None:
            baseline = change.level  # the first level set after consent is not a change
    return result
