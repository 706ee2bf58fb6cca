"""Test data for referrals: what people type into the forms (synthetic)."""

import time

from hearth.referrals import services
from hearth.referrals.forms import start_token
from hearth.referrals.models import Decision, RequesterKind


def public_request(**overrides) -> services.PublicRequest:
    data = {"requester_kind": RequesterKind.PARENT, "name": "Jo Sample", "email": "jo.sample@example.test",
            "phone": "", "relationship": "Mother", "family_details": "Me, and my son Max (9)",
            "address": "1 Test Street, Oxford", "postcode": "OX4 3LX", "concerns": "Max will not go to school.",
            "tried_already": "Talking to his teacher.", "hoped_for": "Help with mornings.", "agrees": True}
    data.update(overrides)
    return services.PublicRequest(**data)


def public_form_data(**overrides) -> dict:
    """What a person fills in on the public page, shown ten seconds before they send it."""
    data = {"requester_kind": "parent", "name": "Jo Sample", "email": "jo.sample@example.test", "phone": "",
            "relationship": "Mother", "family_details": "Me, and my son Max (9)", "address": "1 Test Street",
            "postcode": "OX4 3LX", "concerns": "Max will not go to school.", "tried_already": "", "hoped_for": "",
            "agrees": "on", "website": "", "started": start_token(time.time() - 10)}
    data.update(overrides)
    return data


def screening(**overrides) -> services.Screening:
    """A screener's decision: advice, at level 2, with its reasons and the message to the person who asked."""
    data = {"level": 2, "level_reasons": "Attendance falling; parents asking for help.",
            "decision": Decision.ADVICE, "outcome_message": "We have sent you information about parenting courses."}
    data.update(overrides)
    return services.Screening(**data)


def screening_form(referral, **overrides) -> dict:
    """The screening page's form as a screener sends it: advice at level 2 (`overrides` change any field)."""
    data = {"version": referral.version, "level": "2", "level_reasons": "Two agencies needed.", "decision": "advice",
            "reason": "", "named_lead": "", "decision_notes": "", "outcome_message": "We have sent you advice."}
    data.update(overrides)
    return data
