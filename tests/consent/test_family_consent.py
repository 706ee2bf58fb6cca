"""Consent to share for several family members in one pass ("The practitioner's day on every screen"): one record
per person, a child's consent given by a parent or carer or by the child as their age allows, coverage said person
by person (never "covered" for the whole family when one person consented), and the stored grants kept right."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.consent import selectors, services
from hearth.consent.models import GiverKind, OwnDecision, ShareConsent
from hearth.consent.services import PersonGiving
from hearth.core.errors import ValidationFailed
from hearth.families import services as people
from tests.assertions import assert_says

# Monday 15 June 2026, midday in London.
NOON = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOON.date()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fixed_day(time_machine):
    time_machine.move_to(NOON, tick=False)


@pytest.fixture
def four(practitioner, family):
    """A family of four: two parents, a 14-year-old and a 7-year-old."""
    def person(role, given_name, born):
        return people.person_create(actor=practitioner, family=family, role=role, data={
            "given_name": given_name, "family_name": "Testfamily", "date_of_birth": born})
    return {"dana": person("parent_pr", "Dana", datetime.date(1985, 4, 1)),
            "lee": person("parent_no_pr", "Lee", datetime.date(1983, 9, 9)),
            "alex": person("child", "Alex", datetime.date(2012, 1, 20)),
            "sam": person("child", "Sam", datetime.date(2019, 3, 2))}


def _record(actor, family, givings, **overrides):
    kwargs = {"given_on": YESTERDAY, "method": "verbal", "purposes": {"for_assessment_planning"},
              "agency_kinds": ["school"], "review_by": TODAY + datetime.timedelta(days=365), **overrides}
    return services.share_consents_record(actor=actor, family=family, people=givings, **kwargs)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _date(prefix, d):
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def _drift() -> None:
    """The stored access decisions agree with the policy recomputed from scratch (`hearth access-check`)."""
    call_command("access_check", "--no-progress")


# --- the service ---------------------------------------------------------------------------------------------


def test_four_people_in_one_pass_make_one_record_each_with_who_gave_it(practitioner, family, four):
    dana, lee, alex, sam = four["dana"], four["lee"], four["alex"], four["sam"]
    consents = _record(practitioner, family, [
        PersonGiving(dana, dana), PersonGiving(lee, lee),
        PersonGiving(alex, alex, competence_judged=True, own_decision_note="Alex told me in their own words"),
        PersonGiving(sam, dana)], research_opt_outs={lee.pk})
    assert len(consents) == 4
    by_person = {c.person_id: c for c in ShareConsent.objects.all()}
    assert set(by_person) == {dana.pk, lee.pk, alex.pk, sam.pk}
    assert (by_person[dana.pk].given_by_id, by_person[dana.pk].giver_kind) == (dana.pk, GiverKind.PARENT_WITH_PR)
    assert by_person[lee.pk].giver_kind == GiverKind.PARENT_WITHOUT_PR and by_person[lee.pk].research_opt_out
    assert not by_person[dana.pk].research_opt_out
    assert (by_person[alex.pk].giver_kind, by_person[alex.pk].own_decision) == (GiverKind.YOUNG_PERSON,
                                                                                 OwnDecision.COMPETENCE)
    # A parent giving consent on a child's behalf is recorded as it is for one person: the child's information,
    # given by the parent, as a parent.
    assert (by_person[sam.pk].given_by_id, by_person[sam.pk].giver_kind, by_person[sam.pk].own_decision) == (
        dana.pk, GiverKind.PARENT_WITH_PR, "")
    assert all(c.scopes.get().agency_kind == "school" for c in consents)
    _drift()


def test_each_childs_own_decision_is_checked_on_its_own_and_nothing_is_saved(practitioner, family, four):
    dana, alex, sam = four["dana"], four["alex"], four["sam"]
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, family, [PersonGiving(dana, dana), PersonGiving(alex, alex), PersonGiving(sam, sam)])
    errors = exc.value.errors
    assert errors[f"competence_judged_{alex.pk}"].startswith("Alex is 14. Confirm you judged them")
    assert errors[f"own_decision_note_{sam.pk}"].startswith("Sam is 7. A child under 12 cannot give their own "
                                                            "consent without a reason")
    assert f"given_by_{dana.pk}" not in errors
    assert not ShareConsent.objects.exists()


def test_an_adult_gives_their_own_consent_and_a_child_needs_someone_to_give_it(practitioner, family, four):
    dana, lee, sam = four["dana"], four["lee"], four["sam"]
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, family, [PersonGiving(lee, dana), PersonGiving(sam, None)])
    assert exc.value.errors[f"given_by_{lee.pk}"] == ("Lee is an adult, so only Lee can give consent to share their "
                                                      "information")
    assert exc.value.errors[f"given_by_{sam.pk}"] == "Choose who gave consent for Sam"
    # A child cannot give consent on another child's behalf.
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, family, [PersonGiving(sam, four["alex"])])
    assert "or a parent or carer of the family" in exc.value.errors[f"given_by_{sam.pk}"]


def test_no_one_chosen_and_the_shared_answers_missing_are_all_refused_at_once(practitioner, family, four):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, family, [], given_on=None, method="written", purposes=set(), agency_kinds=[])
    assert set(exc.value.errors) == {"people", "given_on", "form_reference", "purposes", "agencies"}
    outsider = people.person_create(actor=practitioner, family=people.family_create(actor=practitioner,
                                                                                    name="The Other family"),
                                    role="parent_pr", data={"given_name": "Kim", "family_name": "Other"})
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, family, [PersonGiving(outsider, outsider)])
    assert exc.value.errors["people"] == "Choose members of this family"


def test_coverage_is_said_per_person_and_the_school_sees_the_record_once_anyone_consents(
        practitioner, family, four, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    assert not policy.can_view_family(school_worker, family)
    dana = four["dana"]
    _record(practitioner, family, [PersonGiving(dana, dana)])
    # The family's record is one record: the school's route counts once a consent names it (the rule in
    # hearth.access.coverage), and the grants stored say the same.
    assert policy.can_view_family(school_worker, family)
    _drift()
    panel = selectors.family_panel(practitioner, family)
    by_name = {p.person.given_name: p for p in panel["people"]}
    assert by_name["Dana"].covered and by_name["Dana"].team_covered == ["Brook School", "Hill School"]
    for name in ("Lee", "Alex", "Sam"):
        assert not by_name[name].covered
        assert by_name[name].status == "Not yet covered: no consent to share has been recorded."
    assert panel["summary"] == ("Consent to share: in place for 1 of 4 people. Not yet covered by their own "
                                "consent: Lee Testfamily, Alex Testfamily, Sam Testfamily.")
    assert "everyone" not in panel["summary"]


# --- the pages -----------------------------------------------------------------------------------------------


def _post(four, **overrides):
    data = {"people": [str(four[n].pk) for n in ("dana", "lee", "alex", "sam")],
            f"given_by_{four['alex'].pk}": four["alex"].pk, f"competence_judged_{four['alex'].pk}": "on",
            f"own_decision_note_{four['alex'].pk}": "Alex explained who would see what",
            f"given_by_{four['sam'].pk}": four["dana"].pk,
            "method": "written", "form_reference": "EHA-0042",
            "purposes": ["for_assessment_planning", "for_named_partners"], "agency_kinds": ["school"],
            **_date("given_on", YESTERDAY), **_date("review_by", TODAY + datetime.timedelta(days=365))}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_offers_each_member_with_their_age_and_groups_the_agencies(
        client_for, practitioner, family, four, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    page = _text(client_for(practitioner).get(f"/families/{family.pk}/consent/share/new"))
    assert_says(page, "Whose consent are you recording?", "Parent or carer with parental responsibility, age 41",
                "Child or young person, age 14", "Child or young person, age 7",
                "Who gave consent for Sam Testfamily?", "Dana Testfamily, on Sam's behalf",
                "Sam, deciding for themselves", "Every agency in the Team Around the Family",
                "Now: Brook School, Hill School.", "School or college", "Any agency of this kind",
                "Agencies they do not want information shared with (optional)")
    assert "Who gave consent for Dana" not in page  # an adult gives their own
    assert page.count('type="checkbox"') < 48 + 10  # grouped, with exclusions folded away in details


def test_a_family_of_four_in_one_pass_then_each_person_is_shown_covered(
        client_for, practitioner, family, four, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    client = client_for(practitioner)
    response = client.post(f"/families/{family.pk}/consent/share/new", _post(four))
    assert response.status_code == 302 and response["Location"] == f"/families/{family.pk}/consent"
    page = _text(client.get(response["Location"]))
    assert_says(page, "The consent to share has been recorded for 4 people.",
                "Consent to share: in place for everyone in the family (4 of 4).",
                "Dana Testfamily's information", "Sam Testfamily's information",
                "Judged able to understand and decide (Gillick competence)", "Alex explained who would see what")
    assert ShareConsent.objects.count() == 4
    _drift()


def test_consent_from_one_person_never_says_the_whole_family_is_covered(
        client_for, practitioner, family, four, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    client = client_for(practitioner)
    response = client.post(f"/families/{family.pk}/consent/share/new",
                           _post(four, people=[str(four["dana"].pk)]))
    assert response.status_code == 302
    consent_page = _text(client.get(f"/families/{family.pk}/consent"))
    assert_says(consent_page, "The consent to share has been recorded.",
                "Consent to share: in place for 1 of 4 people. Not yet covered by their own consent: Lee Testfamily, "
                "Alex Testfamily, Sam Testfamily.",
                "Can see the family's record:", "<li>Brook School, through consent about Dana Testfamily (not yet "
                "covered for Lee Testfamily, Alex Testfamily, Sam Testfamily)</li>",
                "Not yet covered: no consent to share has been recorded.")
    family_page = _text(client.get(f"/families/{family.pk}"))
    assert_says(family_page, 'id="consent-people"', "Consent to share: in place for 1 of 4 people",
                "Not yet covered: no consent to share has been recorded.")
    assert "in place for everyone" not in family_page


def test_a_childs_missing_judgement_shows_against_that_child_and_keeps_what_was_typed(
        client_for, practitioner, family, four):
    alex = four["alex"]
    page = _text(client_for(practitioner).post(f"/families/{family.pk}/consent/share/new", _post(
        four, **{f"competence_judged_{alex.pk}": None, "limits": "Not the father's history"})))
    assert_says(page, "There is a problem", "Alex is 14. Confirm you judged them able to understand",
                f'href="#id_competence_judged_{alex.pk}"', "Not the father's history")
    assert not ShareConsent.objects.exists()


def test_nothing_chosen_shows_the_errors_in_the_summary(client_for, practitioner, family, four):
    page = _text(client_for(practitioner).post(f"/families/{family.pk}/consent/share/new", _post(
        four, people=[], purposes=[], agency_kinds=[])))
    assert_says(page, "There is a problem", "Choose whose consent you are recording", 'href="#id_people"',
                "Choose at least one purpose the family agreed to",
                "Choose the agencies, or kinds of agency, the family agreed to share with", 'href="#id_agencies"')


def test_every_agency_in_the_team_is_saved_as_the_agencies_it_names(
        client_for, practitioner, family, four, school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    response = client_for(practitioner).post(f"/families/{family.pk}/consent/share/new", _post(
        four, people=[str(four["dana"].pk)], agency_kinds=[], team="on"))
    assert response.status_code == 302
    names = sorted(ShareConsent.objects.get().scopes.values_list("agency__name", flat=True))
    assert names == ["Brook School", "Hill School"]
    _drift()
