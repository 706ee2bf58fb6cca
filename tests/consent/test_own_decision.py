"""A young person deciding for themselves, by their age on the day they agreed or consented (issue 14, item 3):
under 12 not without a recorded reason; 12 to 15, or an age not known, only once the practitioner has recorded
their judgement of competence; 16 and over presumed able. Driven through the consent pages."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest

from hearth.consent.models import Agreement, OwnDecision, ShareConsent
from hearth.consent.own_decision import own_decision_rule
from hearth.families import services as people
from hearth.people.models import Person
from hearth.subject_access import services as subject_access
from hearth.subject_access.compile import compile_bundle
from tests.assertions import assert_says

# Monday 15 June 2026, midday in London.
NOON = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def _fixed_day(time_machine):
    time_machine.move_to(NOON, tick=False)


@pytest.fixture
def child(practitioner, family):
    def make(given_name: str, date_of_birth: datetime.date | None):
        return people.person_create(actor=practitioner, family=family, role="child", data={
            "given_name": given_name, "family_name": "Testfamily", "date_of_birth": date_of_birth})
    return make


def _date(prefix, d):
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def _giving(giver, given_on=TODAY, **overrides):
    data = {"given_by": giver.pk, "giver_kind": "young_person", "method": "verbal", **_date("given_on", given_on)}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _consent(person, given_by=None, competence_judged=None, own_decision_note=None, **overrides):
    """The consent form for one child: who gave it (the child, unless `given_by`), with what the age calls for."""
    pk = person.pk
    data = {"people": [str(pk)], f"given_by_{pk}": given_by or pk, f"competence_judged_{pk}": competence_judged,
            f"own_decision_note_{pk}": own_decision_note, "method": "verbal", **_date("given_on", TODAY),
            "purposes": ["for_assessment_planning"], "agency_kinds": ["school"],
            **_date("review_by", TODAY + datetime.timedelta(days=365)), **overrides}
    return {k: v for k, v in data.items() if v is not None}


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_rule_reads_the_age_on_the_day():
    def person(born):
        return Person(given_name="Sam", family_name="Testfamily", date_of_birth=born)
    assert own_decision_rule(person(datetime.date(2019, 6, 1)), TODAY).needs == OwnDecision.REASON
    assert own_decision_rule(person(datetime.date(2014, 6, 16)), TODAY).needs == OwnDecision.REASON  # 12 tomorrow
    assert own_decision_rule(person(datetime.date(2014, 6, 15)), TODAY).needs == OwnDecision.COMPETENCE  # 12 today
    assert own_decision_rule(person(datetime.date(2010, 6, 16)), TODAY).needs == OwnDecision.COMPETENCE  # 15
    assert own_decision_rule(person(datetime.date(2010, 6, 15)), TODAY).needs == OwnDecision.PRESUMED  # 16 today
    unknown = own_decision_rule(person(None), TODAY)
    assert unknown.age is None and unknown.needs == OwnDecision.COMPETENCE


def test_a_7_year_old_cannot_consent_without_a_reason_and_can_with_one(client_for, practitioner, family, child):
    sam = child("Sam", datetime.date(2019, 3, 2))
    client = client_for(practitioner)
    form = _text(client.get(f"/families/{family.pk}/consent/share/new"))
    assert_says(form, "under 12, a reason", "If Sam decided for themselves:", "Why Sam decides for themselves",
                f'id="own-decision-{sam.pk}"')
    assert f'name="competence_judged_{sam.pk}"' not in form  # a reason, not a judgement, at 7
    page = _text(client.post(f"/families/{family.pk}/consent/share/new", _consent(sam)))
    assert_says(page, "There is a problem",
                "Sam is 7. A child under 12 cannot give their own consent without a reason: give the reason, or "
                "record consent from a parent or carer", f'href="#id_own_decision_note_{sam.pk}"')
    assert not ShareConsent.objects.exists()

    reason = "Sam asked for the school nurse to know about the bed-wetting and no parent can be reached"
    response = client.post(f"/families/{family.pk}/consent/share/new", _consent(sam, own_decision_note=reason))
    assert response.status_code == 302
    consent = ShareConsent.objects.get()
    assert (consent.own_decision, consent.own_decision_note) == (OwnDecision.REASON, reason)
    assert consent.own_decision_by == practitioner and consent.own_decision_on == TODAY
    assert_says(_text(client.get(response["Location"])), "Under 12, with a reason recorded", reason)


def test_a_13_year_old_counts_only_once_competence_is_judged_and_the_judgement_is_shown(
        client_for, practitioner, family, child, dpo):
    alex = child("Alex", datetime.date(2013, 1, 20))
    client = client_for(practitioner)
    page = _text(client.post(f"/families/{family.pk}/consent/share/new", _consent(alex)))
    assert_says(page, "There is a problem", "Alex is 13. Confirm you judged them able to understand and decide for "
                "themselves (Gillick competence), or record consent from a parent or carer",
                "Say how you judged they understood what they were deciding", f'href="#id_competence_judged_{alex.pk}"')
    assert not ShareConsent.objects.exists()
    # A note alone is not the judgement.
    page = _text(client.post(f"/families/{family.pk}/consent/share/new",
                             _consent(alex, own_decision_note="We talked it through")))
    assert "Alex is 13. Confirm you judged them" in page and not ShareConsent.objects.exists()

    note = "Alex explained in their own words who would see what, and that they can change their mind"
    response = client.post(f"/families/{family.pk}/consent/share/new",
                           _consent(alex, competence_judged="on", own_decision_note=note))
    assert response.status_code == 302
    consent = ShareConsent.objects.get()
    assert consent.own_decision == OwnDecision.COMPETENCE and consent.own_decision_by == practitioner
    history = _text(client.get(f"/families/{family.pk}/consent"))
    assert_says(history, "Judged able to understand and decide (Gillick competence)",
                f"{practitioner.full_name}, 15 June 2026", note)

    # Alex's own subject access bundle has the judgement with the consent.
    sar = subject_access.sar_create(actor=dpo, subject=alex, requester_name="Alex Testfamily",
                                    requester_relationship="young_person", received_on=TODAY)
    consent_section = next(s for s in compile_bundle(sar).sections if s.key == "consent")
    fields = {f.label: f.value for i in consent_section.items for f in i.fields}
    assert fields["Deciding for themselves"] == "Judged able to understand and decide (Gillick competence)"
    assert fields["The practitioner's note"] == note and practitioner.full_name in fields["Judged by"]


def test_a_13_year_olds_agreement_to_early_help_needs_the_judgement_too(client_for, practitioner, family, child):
    alex = child("Alex", datetime.date(2013, 1, 20))
    client = client_for(practitioner)
    page = _text(client.post(f"/families/{family.pk}/consent/agreements/new", _giving(alex)))
    assert_says(page, "Alex is 13. Confirm you judged them able to understand and decide for themselves "
                "(Gillick competence), or record agreement from a parent or carer")
    assert not Agreement.objects.exists()
    response = client.post(f"/families/{family.pk}/consent/agreements/new",
                           _giving(alex, competence_judged="on", own_decision_note="Understood it is voluntary"))
    assert response.status_code == 302
    assert Agreement.objects.get().own_decision == OwnDecision.COMPETENCE


def test_a_16_year_old_is_presumed_able(client_for, practitioner, family, child):
    jo = child("Jo", datetime.date(2010, 6, 15))  # 16 today
    client = client_for(practitioner)
    response = client.post(f"/families/{family.pk}/consent/agreements/new", _giving(jo))
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.own_decision == OwnDecision.PRESUMED and agreement.own_decision_by is None
    assert "16 or over, so presumed able to decide" in _text(client.get(response["Location"]))


def test_the_age_is_the_age_on_the_day_it_was_given(client_for, practitioner, family, child):
    kit = child("Kit", datetime.date(2014, 6, 16))  # 12 tomorrow: still 11 today
    jo = child("Jo", datetime.date(2010, 6, 15))  # 16 today, but 15 yesterday
    client = client_for(practitioner)
    page = _text(client.post(f"/families/{family.pk}/consent/agreements/new", _giving(kit)))
    assert "Kit is 11. A child under 12 cannot give their own agreement without a reason" in page
    yesterday = TODAY - datetime.timedelta(days=1)
    page = _text(client.post(f"/families/{family.pk}/consent/agreements/new", _giving(jo, given_on=yesterday)))
    assert "Jo is 15. Confirm you judged them" in page
    assert not Agreement.objects.exists()


def test_a_young_person_with_no_date_of_birth_needs_the_judgement(client_for, practitioner, family, child):
    lee = child("Lee", None)
    page = _text(client_for(practitioner).post(f"/families/{family.pk}/consent/agreements/new", _giving(lee)))
    assert "Lee's date of birth is not recorded, so their age is not known. Confirm you judged them" in page
    assert not Agreement.objects.exists()


def test_a_parent_giving_consent_for_a_child_needs_nothing_more(client_for, practitioner, family, child, parent):
    sam = child("Sam", datetime.date(2019, 3, 2))
    response = client_for(practitioner).post(f"/families/{family.pk}/consent/share/new",
                                             _consent(sam, given_by=parent.pk))
    assert response.status_code == 302
    consent = ShareConsent.objects.get()
    assert (consent.own_decision, consent.given_by, consent.giver_kind) == ("", parent, "parent_pr")
