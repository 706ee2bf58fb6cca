"""Urgency: the same-working-day situations a referrer ticks, the urgency they give, when the response is due, how
long a referral has waited, and the order of the screening queue."""

import datetime

import pytest
from django.utils import timezone

from hearth.core.errors import ValidationFailed
from hearth.referrals import selectors, services, statutory, urgency
from hearth.referrals.models import AgreementMethod, Referral, ReferralKind, SameDayTrigger, Urgency
from tests import factories

pytestmark = pytest.mark.django_db  # every test's checks of stored access read the database



def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute),
                               timezone.get_default_timezone())


def request_for(practitioner, family, *, triggers=(), concerns="Attendance has fallen since September.") -> Referral:
    return services.referral_request_create(
        actor=practitioner, family=family, concerns=concerns, family_agrees=True,
        agreement_method=AgreementMethod.VERBAL, agreement_given_by="Their mother", same_day_triggers=triggers)


# ---------------------------------------------------------------------------------------------------
# The rule


def test_any_same_day_situation_makes_a_referral_same_working_day_whatever_its_kind():
    for kind in ReferralKind.values:
        assert urgency.urgency_for(kind, [SameDayTrigger.FRIGHTENED]) == Urgency.SAME_DAY


def test_with_no_situation_a_step_up_is_within_a_working_day_and_a_request_is_routine():
    assert urgency.urgency_for(ReferralKind.STEP_UP, []) == Urgency.NEXT_WORKING_DAY
    assert urgency.urgency_for(ReferralKind.REQUEST, []) == Urgency.ROUTINE


def test_situations_are_kept_once_each_in_the_guidances_order_and_unknown_ones_refused():
    assert urgency.clean_triggers(["abandoned", "abuse", "abandoned"]) == ["abuse", "abandoned"]
    assert urgency.clean_triggers(None) == []
    with pytest.raises(ValueError, match="Choose only from the situations listed"):
        urgency.clean_triggers(["abuse", "bored"])


# ---------------------------------------------------------------------------------------------------
# When the response is due, and how long a referral has waited


def test_same_day_is_due_the_day_it_arrives_or_the_next_working_day_after_a_weekend():
    friday, saturday, monday = at(2026, 12, 4), at(2026, 12, 5), datetime.date(2026, 12, 7)
    assert urgency.due_on(Urgency.SAME_DAY, friday) == datetime.date(2026, 12, 4)
    assert urgency.due_on(Urgency.SAME_DAY, saturday) == monday
    assert urgency.due_on(Urgency.NEXT_WORKING_DAY, friday) == monday
    assert urgency.due_on(Urgency.NEXT_WORKING_DAY, saturday) == datetime.date(2026, 12, 8)
    assert urgency.due_on(Urgency.ROUTINE, friday) is None


def test_bank_holidays_are_not_working_days():
    # Good Friday 2026 is 3 April and Easter Monday 6 April.
    maundy_thursday = at(2026, 4, 2)
    assert urgency.due_on(Urgency.NEXT_WORKING_DAY, maundy_thursday) == datetime.date(2026, 4, 7)
    assert urgency.working_days_since(datetime.date(2026, 4, 2), datetime.date(2026, 4, 7)) == 1


def test_waiting_counts_working_days_begun_since_it_arrived():
    friday = at(2026, 12, 4, 16, 30)
    on_monday = urgency.waiting(friday, Urgency.SAME_DAY, now=at(2026, 12, 7, 9, 0))
    assert on_monday.text == "Waiting 1 working day"
    assert on_monday.overdue and on_monday.due == datetime.date(2026, 12, 4)
    next_day = urgency.waiting(friday, Urgency.NEXT_WORKING_DAY, now=at(2026, 12, 7, 9, 0))
    assert next_day.due == datetime.date(2026, 12, 7) and not next_day.overdue
    late = urgency.waiting(friday, Urgency.NEXT_WORKING_DAY, now=at(2026, 12, 9, 9, 0))
    assert late.text == "Waiting 3 working days" and late.overdue
    routine = urgency.waiting(friday, Urgency.ROUTINE, now=at(2026, 12, 21, 9, 0))
    assert routine.text == "Waiting 11 working days" and not routine.overdue and routine.due is None


def test_a_referral_that_arrived_today_has_waited_hours_and_is_not_yet_late():
    arrived = at(2026, 12, 7, 9, 15)
    assert urgency.waiting(arrived, Urgency.SAME_DAY, now=at(2026, 12, 7, 12, 20)).text == "Waiting 3 hours"
    assert urgency.waiting(arrived, Urgency.SAME_DAY, now=at(2026, 12, 7, 10, 15)).text == "Waiting 1 hour"
    just_now = urgency.waiting(arrived, Urgency.SAME_DAY, now=at(2026, 12, 7, 9, 40))
    assert just_now.text == "Waiting less than an hour" and not just_now.overdue


def test_a_same_day_referral_that_arrived_on_a_saturday_is_late_only_after_monday():
    saturday = at(2026, 12, 5, 11, 0)
    assert not urgency.waiting(saturday, Urgency.SAME_DAY, now=at(2026, 12, 7, 17, 0)).overdue
    assert urgency.waiting(saturday, Urgency.SAME_DAY, now=at(2026, 12, 8, 9, 0)).overdue


# ---------------------------------------------------------------------------------------------------
# The services


@pytest.mark.django_db
def test_a_request_keeps_the_situations_ticked_and_is_same_working_day(practitioner, family):
    referral = request_for(practitioner, family, triggers=["abandoned", "frightened"])
    referral.refresh_from_db()
    assert referral.same_day_triggers == ["frightened", "abandoned"]
    assert referral.urgency == Urgency.SAME_DAY
    assert referral.get_same_day_triggers_display() == [
        "The child is frightened to return home", "The child has been abandoned or the parent is absent"]


@pytest.mark.django_db
def test_a_request_with_no_situation_is_routine(practitioner, family):
    referral = request_for(practitioner, family)
    assert referral.same_day_triggers == [] and referral.urgency == Urgency.ROUTINE


@pytest.mark.django_db
def test_a_request_with_an_unknown_situation_is_refused_and_nothing_saved(practitioner, family):
    with pytest.raises(ValidationFailed) as refused:
        request_for(practitioner, family, triggers=["abuse", "not-a-situation"])
    assert refused.value.errors["same_day_triggers"] == "Choose only from the situations listed"
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_request_names_the_familys_members_for_the_screeners(practitioner, family, child):
    referral = request_for(practitioner, family)
    assert "Max Testfamily (Child or young person, born 1 May 2016)" in referral.family_details


@pytest.mark.django_db
def test_a_step_up_is_within_a_working_day_unless_a_situation_makes_it_same_day(practitioner, episode, council,
                                                                                 other_practitioner):
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="Bruising seen.",
                                          consent_sought=True)
    assert referral.urgency == Urgency.NEXT_WORKING_DAY and referral.same_day_triggers == []
    other = factories.FamilyFactory(actor=other_practitioner, name="The Second family")
    other_episode = factories.EpisodeFactory(family=other, actor=other_practitioner, lead=other_practitioner)
    urgent = statutory.referral_step_up(actor=other_practitioner, episode=other_episode, concerns="Told a teacher.",
                                        consent_sought=False, consent_not_sought_reason="It would increase the risk",
                                        same_day_triggers=["abuse"])
    assert urgent.urgency == Urgency.SAME_DAY and urgent.same_day_triggers == ["abuse"]


@pytest.mark.django_db
def test_a_step_up_with_an_unknown_situation_is_refused_on_that_field(practitioner, episode):
    with pytest.raises(ValidationFailed) as refused:
        statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True,
                                   same_day_triggers=["later"])
    assert set(refused.value.errors) == {"same_day_triggers"}
    assert not Referral.objects.exists()


# ---------------------------------------------------------------------------------------------------
# The order of the queue


def _family(practitioner, name):
    return factories.FamilyFactory(actor=practitioner, name=name)


@pytest.mark.django_db
def test_the_queue_is_most_urgent_first_then_oldest_first(practitioner, screener, council):
    now = timezone.now()
    made = {}
    for name, triggers, days_ago in [("routine_oldest", [], 20), ("same_day_newest", ["abuse"], 0),
                                     ("routine_newer", [], 1), ("same_day_older", ["frightened"], 3)]:
        made[name] = request_for(practitioner, _family(practitioner, f"The {name} family"), triggers=triggers)
        Referral.objects.filter(pk=made[name].pk).update(received_at=now - datetime.timedelta(days=days_ago))
    step_up_family = _family(practitioner, "The step-up family")
    step_up_episode = factories.EpisodeFactory(family=step_up_family, actor=practitioner, lead=practitioner)
    made["step_up"] = statutory.referral_step_up(actor=practitioner, episode=step_up_episode, concerns="x",
                                                 consent_sought=True)
    Referral.objects.filter(pk=made["step_up"].pk).update(received_at=now - datetime.timedelta(days=30))

    page = selectors.screening_queue(screener)["page"]
    order = [item.referral.pk for item in page.object_list]
    assert order == [made[n].pk for n in ("same_day_older", "same_day_newest", "step_up", "routine_oldest",
                                          "routine_newer")]
    first = page.object_list[0]
    assert first.waiting.overdue and first.referral.get_same_day_triggers_display() == [
        SameDayTrigger.FRIGHTENED.label]
