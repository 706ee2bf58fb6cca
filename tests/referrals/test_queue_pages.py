"""The screening queue and the same-working-day questions, used the way a screener and a referrer would: who the
referral is about, the concern, urgency with its situations, time waiting, the order, the pages of the queue, its
cost in queries, and the questions' answers and errors on the request and step-up forms."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.access.models import InvolvedAs
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.dates import age_on
from hearth.referrals import selectors, services, urgency
from hearth.referrals.models import AgreementMethod, Referral, ReferralKind, SameDayTrigger, Urgency
from tests import factories
from tests.referrals.factories import public_request

LONG_CONCERN = ("Max told his teacher that he does not want to go home because of shouting at night. " * 4
                + "The final sentence that the queue never shows.")


def request_for(practitioner, family, *, triggers=(), concerns="Attendance has fallen since September.") -> Referral:
    return services.referral_request_create(
        actor=practitioner, family=family, concerns=concerns, family_agrees=True,
        agreement_method=AgreementMethod.VERBAL, agreement_given_by="Their mother", same_day_triggers=triggers)


def row(body: str, referral: Referral) -> str:
    """The queue's row for one referral."""
    start = body.index(f'id="referral-{referral.pk}"')
    return body[start:body.index("</tr>", start)]


def queue(client) -> str:
    response = client.get(reverse("referrals:queue"))
    assert response.status_code == 200
    return response.content.decode()


def max_age() -> str:
    return f"Max Testfamily ({age_on(datetime.date(2016, 5, 1), timezone.localdate())} years)"


# ---------------------------------------------------------------------------------------------------
# What the queue shows


@pytest.mark.django_db
def test_the_queue_shows_the_family_children_concern_urgency_situations_and_time_waiting(
        client_for, practitioner, screener, family, child, involve):
    involve(family, screener, InvolvedAs.MASH)
    referral = request_for(practitioner, family, triggers=["frightened", "abuse"], concerns=LONG_CONCERN)
    line = row(queue(client_for(screener)), referral)
    assert referral.reference in line and "The Testfamily family" in line
    assert max_age() in line
    assert "Max told his teacher that he does not want to go home" in line and "…" in line
    assert "The final sentence" not in line
    assert 'govuk-tag govuk-tag--red">Same working day</strong>' in line
    assert SameDayTrigger.ABUSE.label in line and SameDayTrigger.FRIGHTENED.label in line
    assert SameDayTrigger.ABANDONED.label not in line
    due = urgency.due_on(Urgency.SAME_DAY, referral.received_at)  # today, or Monday at a weekend
    due_text = "today" if due == timezone.localdate() else f"{due:%A %-d %B}"
    assert "Waiting less than an hour" in line and f"Due by the end of {due_text}" in line
    assert "Overdue" not in line


@pytest.mark.django_db
def test_a_same_day_referral_past_its_day_is_overdue_and_a_routine_one_never_is(client_for, practitioner, screener,
                                                                              family, council):
    urgent = request_for(practitioner, family, triggers=["abandoned"])
    routine = services.referral_public_create(council=council, request=public_request())
    long_ago = timezone.now() - datetime.timedelta(days=10)
    Referral.objects.filter(pk__in=[urgent.pk, routine.pk]).update(received_at=long_ago)
    body = queue(client_for(screener))
    urgent_line, routine_line = row(body, urgent), row(body, routine)
    assert "Overdue" in urgent_line and re.search(r"Waiting \d+ working days", urgent_line)
    assert "Overdue" not in routine_line and re.search(r"Waiting \d+ working days", routine_line)
    assert 'govuk-tag--grey">Routine</strong>' in routine_line


@pytest.mark.django_db
def test_a_screener_who_may_not_see_the_familys_record_sees_only_what_the_referral_says(
        client_for, practitioner, screener, family, child):
    referral = request_for(practitioner, family)
    line = row(queue(client_for(screener)), referral)
    assert "The Testfamily family" in line
    assert max_age() not in line  # the family's record: the screener holds no involvement yet
    assert "As given: Max Testfamily (Child or young person, born 1 May 2016)" in line


@pytest.mark.django_db
def test_the_coordinator_of_the_familys_locality_sees_the_children_from_the_record(client_for, make, practitioner,
                                                                                 team, locality, child):
    family = child.memberships.get().family
    family.locality = locality
    family.save(update_fields=["locality"])
    referral = request_for(practitioner, family)
    coordinator = make("cora.coord@example.test", "coordinator", team=team)
    assert max_age() in row(queue(client_for(coordinator)), referral)


@pytest.mark.django_db
def test_a_request_not_yet_linked_to_a_family_says_so_and_shows_who_the_parent_said(client_for, screener,
                                                                                     public_referral):
    line = row(queue(client_for(screener)), public_referral)
    assert "Not linked to a family record yet" in line
    assert "As given: Me, and my son Max (9)" in line


@pytest.mark.django_db
def test_the_queue_is_sorted_by_urgency_then_oldest_first(client_for, practitioner, screener, council):
    routine = services.referral_public_create(council=council, request=public_request())
    Referral.objects.filter(pk=routine.pk).update(received_at=timezone.now() - datetime.timedelta(days=5))
    urgent = request_for(practitioner, factories.FamilyFactory(actor=practitioner), triggers=["immediate_risk"])
    body = queue(client_for(screener))
    assert body.index(f'id="referral-{urgent.pk}"') < body.index(f'id="referral-{routine.pk}"')


@pytest.mark.django_db
def test_viewing_the_queue_is_audited_with_the_referrals_families_and_children_shown(
        client_for, practitioner, screener, family, child, involve):
    involve(family, screener, InvolvedAs.MASH)
    referral = request_for(practitioner, family)
    queue(client_for(screener))
    event = AuditEvent.objects.get(actor=screener, action=AuditAction.VIEW, object_type="referrals.referral")
    assert event.detail == {"queue": [referral.pk], "families": [family.pk], "children": [child.pk]}


@pytest.mark.django_db
def test_the_queue_comes_in_pages(client_for, practitioner, screener, council, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    routine = services.referral_public_create(council=council, request=public_request())
    urgent = [request_for(practitioner, factories.FamilyFactory(actor=practitioner, name=f"The {n} family"),
                          triggers=["abuse"]) for n in ("First", "Second")]
    client = client_for(screener)
    first = queue(client)
    assert "Waiting for screening (3)" in first
    assert all(r.reference in first for r in urgent) and routine.reference not in first
    second = client.get(reverse("referrals:queue"), {"page": "2"}).content.decode()
    assert routine.reference in second and urgent[0].reference not in second


# ---------------------------------------------------------------------------------------------------
# Its cost


def _fill(practitioner, screener, council, involve, count: int, start: int) -> None:
    """`count` referrals of every sort: families the screener may see (with a child) and may not, step-ups,
    public requests with no family record."""
    for n in range(start, start + count):
        family = factories.FamilyFactory(actor=practitioner, name=f"The Family{n} family")
        factories.ChildFactory(family=family, given_name=f"Child{n}")
        if n % 2:
            involve(family, screener, InvolvedAs.MASH)
        request_for(practitioner, family, triggers=["abuse"] if n % 3 == 0 else [])
        services.referral_public_create(council=council, request=public_request(name=f"Parent {n}"))


@pytest.mark.django_db
def test_the_queue_costs_the_same_number_of_queries_however_many_referrals(client_for, practitioner, screener,
                                                                          council, involve, page_queries):
    _fill(practitioner, screener, council, involve, 1, 0)
    client = client_for(screener)
    few, _ = page_queries(client, reverse("referrals:queue"))
    _fill(practitioner, screener, council, involve, 12, 1)
    many, body = page_queries(client, reverse("referrals:queue"))
    assert "Waiting for screening (26)" in body and "Child1 Testfamily" in body
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 12, "\n".join(many)


@pytest.mark.django_db
def test_the_queue_stays_within_its_query_budget(client_for, practitioner, screener, council, involve,
                                                 django_assert_max_num_queries):
    _fill(practitioner, screener, council, involve, 8, 0)
    client = client_for(screener)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("referrals:queue")).status_code == 200


# ---------------------------------------------------------------------------------------------------
# The questions on the forms


def _request_form(**overrides) -> dict:
    data = {"concerns": "Max says he is scared to go home.", "tried_already": "", "hoped_for": "",
            "family_agrees": "yes", "agreement_method": "verbal", "agreement_given_by": "Their mother"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_request_form_asks_about_each_same_day_situation_in_the_guidances_words(client_for, practitioner,
                                                                                     family):
    body = client_for(practitioner).get(reverse("referrals:practitioner_new", args=[family.pk])).content.decode()
    assert "Do any of these apply to a child in the family?" in body
    for value, label in SameDayTrigger.choices:
        assert f'value="{value}"' in body and label in body


@pytest.mark.django_db
def test_a_request_with_situations_ticked_is_same_working_day_on_its_page(client_for, practitioner, screener,
                                                                          family):
    response = client_for(practitioner).post(reverse("referrals:practitioner_new", args=[family.pk]),
                                             _request_form(same_day_triggers=["frightened", "immediate_risk"]),
                                             follow=True)
    assert "phone MASH now as well" in response.content.decode()
    referral = Referral.objects.get()
    assert referral.urgency == Urgency.SAME_DAY
    assert referral.same_day_triggers == ["frightened", "immediate_risk"]
    body = client_for(screener).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    urgency = body[body.index('id="urgency"'):body.index('id="concerns"')]
    assert "Same working day" in urgency
    assert SameDayTrigger.FRIGHTENED.label in urgency and SameDayTrigger.IMMEDIATE_RISK.label in urgency
    assert SameDayTrigger.ABUSE.label not in urgency


@pytest.mark.django_db
def test_a_request_with_nothing_ticked_is_routine(client_for, practitioner, family):
    response = client_for(practitioner).post(reverse("referrals:practitioner_new", args=[family.pk]),
                                             _request_form(), follow=True)
    assert "has been sent to the Early Help team" in response.content.decode()
    assert "phone MASH now" not in response.content.decode()
    assert Referral.objects.get().urgency == Urgency.ROUTINE


@pytest.mark.django_db
def test_a_situation_not_in_the_list_shows_the_error_and_saves_nothing(client_for, practitioner, family):
    response = client_for(practitioner).post(reverse("referrals:practitioner_new", args=[family.pk]),
                                             _request_form(same_day_triggers=["abuse", "made-up"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Choose only from the situations listed" in body
    assert 'href="#id_same_day_triggers"' in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_the_ticks_are_kept_when_another_answer_has_an_error(client_for, practitioner, family):
    response = client_for(practitioner).post(reverse("referrals:practitioner_new", args=[family.pk]),
                                             _request_form(same_day_triggers=["abandoned"], family_agrees=""))
    body = response.content.decode()
    assert "Say whether the family agrees to this request for support" in body
    assert re.search(r'value="abandoned"\s+checked', body)
    assert not re.search(r'value="abuse"\s+checked', body)
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_step_up_with_a_situation_ticked_is_same_working_day(client_for, practitioner, episode):
    url = reverse("referrals:step_up", args=[episode.pk])
    client = client_for(practitioner)
    assert SameDayTrigger.SEVERE_NEGLECT.label in client.get(url).content.decode()
    response = client.post(url, {"concerns": "No food in the house for days.", "tried_already": "", "hoped_for": "",
                                 "consent_sought": "yes", "consent_not_sought_reason": "",
                                 "same_day_triggers": ["severe_neglect"]})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.kind == ReferralKind.STEP_UP and referral.urgency == Urgency.SAME_DAY
    assert referral.same_day_triggers == ["severe_neglect"]
