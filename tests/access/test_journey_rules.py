"""The journey's access rules, written once in the policy: screening, the step-up bundle, writing the assessment."""

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.cases import services as cases
from hearth.referrals.models import Referral, ReferralKind


def _step_up(council, family, episode):
    return Referral.objects.create(council=council, reference="RFS-2026-900001", kind=ReferralKind.STEP_UP,
                                   family=family, episode=episode, requester_kind="practitioner",
                                   requester_name="Pat Practitioner", concerns="Risk has risen")


def test_only_the_councils_screeners_may_screen_and_have_the_bundle(council, other_council, make, practitioner,
                                                                    family, involve, other_practitioner):
    from conftest import make_user

    episode = cases.episode_open(actor=practitioner, family=family, reason="N1", level=3, lead=practitioner)
    referral = _step_up(council, family, episode)
    mash = make("m.screener@example.test", Role.MASH_SCREENER)
    elsewhere = make_user(other_council, "m.elsewhere@example.test", [Role.MASH_SCREENER])
    involve(family, other_practitioner, InvolvedAs.TAF_MEMBER)
    assert policy.can_screen_referral(mash, referral)
    assert not policy.can_screen_referral(elsewhere, referral)
    assert not policy.can_screen_referral(practitioner, referral)
    assert policy.can_have_step_up_bundle(mash, referral)
    assert policy.can_have_step_up_bundle(practitioner, referral)  # the lead who made it
    assert not policy.can_have_step_up_bundle(other_practitioner, referral)  # a team member who is not the lead
    assert not policy.can_have_step_up_bundle(elsewhere, referral)


def test_an_invited_contributor_may_not_write_the_shared_assessment(practitioner, other_practitioner, family,
                                                                   involve):
    episode = cases.episode_open(actor=practitioner, family=family, reason="N1", level=2, lead=practitioner)
    involve(family, other_practitioner, InvolvedAs.CONTRIBUTOR)
    assert policy.can_write_assessment(practitioner, family, episode)
    assert not policy.can_write_assessment(other_practitioner, family, episode)
    involve(family, other_practitioner, InvolvedAs.TAF_MEMBER)
    assert policy.can_write_assessment(other_practitioner, family, episode)
