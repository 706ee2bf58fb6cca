"""Applying accepted requests to erase or restrict: what is erased and what stays, what blocks an erasure, what a
restriction stops, lifting it, and telling the recipients."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import Conflict, ValidationFailed
from hearth.families import services as people_services
from hearth.families.services import AddressInput
from hearth.people.models import Address, FamilyMember, NameKind, Person, PersonName, Relationship
from hearth.retention import services as retention_services
from hearth.rights import selectors
from hearth.rights import services as rights
from hearth.rights.models import RectificationChange, RequestDecision, RequestKind, Restriction
from hearth.sharing import services as sharing
from hearth.sharing.models import Decision, Disclosure, DisclosureKind
from hearth.subject_access import services as sar_services
from tests.factories import ShareConsentFactory
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def _accepted(dpo, person, kind, asked="Please delete my details"):
    rq = rights.request_record(actor=dpo, person=person, kind=kind, asked=asked,
                               received_on=datetime.date.today())
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="")
    return rq


@pytest.fixture
def dad(practitioner, family, mum):
    dad = people_services.person_create(
        actor=practitioner, family=family, role="parent_pr",
        data={"given_name": "Sam", "family_name": "Quillfeather", "nhs_number": "9434765919",
              "email": "sam.q@example.test", "phone": "07700 900555", "date_of_birth": datetime.date(1985, 6, 1)},
        address=AddressInput(line_1="4 Larkspur Row", town="Bicester", postcode="OX26 6AA"))
    people_services.person_add_name(actor=practitioner, person=dad, kind=NameKind.PREVIOUS, given_name="Samuel",
                                    family_name="Brightwater")
    people_services.relationship_add(actor=practitioner, family=family, from_person=dad, to_person=mum,
                                     kind="partner")
    return dad


def _erase(dpo, rq, person, **kwargs):
    person.refresh_from_db()
    return rights.erasure_apply(actor=dpo, rights_request=rq, version=rq.version, person_version=person.version,
                                **kwargs)


# Erasure -------------------------------------------------------------------------------------------------------


def test_erasing_particular_details_removes_the_values_and_lists_only_what_was_erased(dpo, dad):
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    previous = PersonName.objects.get(person=dad, kind=NameKind.PREVIOUS)
    erased = _erase(dpo, rq, dad, details=["phone", "email"], name_ids=[previous.pk], note="Checked the notes")
    dad.refresh_from_db()
    assert dad.phone == "" and dad.email == "" and dad.nhs_number == "9434765919"
    assert not PersonName.objects.filter(person=dad, kind=NameKind.PREVIOUS).exists()
    assert Address.objects.filter(person=dad).count() == 1 and dad.erased_at is None
    assert sorted(erased) == ["Email address", "Phone number", "Previous name 1"]
    rq.refresh_from_db()
    assert rq.status_text == "Done" and rq.applied_note.startswith("Erased: ")
    assert rq.applied_note.endswith("Checked the notes")
    kept = " ".join(" ".join(row) for row in RectificationChange.objects.filter(request=rq)
                    .values_list("label", "before", "after")) + rq.applied_note
    for value in ("07700 900555", "sam.q@example.test", "Brightwater"):
        assert value not in kept
    assert not RectificationChange.objects.filter(request=rq).exclude(before="", after="").exists()
    event = AuditEvent.objects.filter(object_type="people.person", person_id=dad.pk).latest("pk")
    assert event.detail == {"erasure": rq.pk, "whole": False, "fields": ["email", "phone"]}


def test_erasing_the_whole_record_leaves_a_placeholder_that_names_no_one(dpo, dad, mum, family, practitioner):
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    sharing.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.OTHER, what="Letter",
                              recipient="District Housing", purpose="Housing", basis="Consent", person=dad)
    _erase(dpo, rq, dad, whole=True)
    dad.refresh_from_db()
    assert dad.full_name == "Erased person" and dad.erased_at is not None
    assert dad.nhs_number is None and dad.date_of_birth is None and dad.email == "" and dad.phone == ""
    assert not Address.objects.filter(person=dad).exists()
    assert list(PersonName.objects.filter(person=dad).values_list("given_name", "family_name")) == [
        ("Erased", "person")]
    assert not FamilyMember.objects.filter(person=dad).exists()
    assert not Relationship.objects.filter(from_person=dad).exists()
    assert not Relationship.objects.filter(to_person=dad).exists()
    assert FamilyMember.objects.filter(person=mum, family=family).exists()
    # The register entry stays, and the family is remembered for telling its recipients.
    assert Disclosure.objects.filter(person=dad).count() == 1
    rq.refresh_from_db()
    assert rq.family_ids == [family.pk]
    assert [r.name for r in selectors.correction_recipients(rq)] == ["District Housing"]
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="people.person",
                                     person_id=dad.pk).exists()
    # An erased person is not found again for another request.
    with pytest.raises(ValidationFailed) as exc:
        rights.request_record(actor=dpo, person=dad, kind=RequestKind.RECTIFICATION, asked="x",
                              received_on=datetime.date.today())
    assert "has been erased" in exc.value.errors["person"]


def test_an_erasure_needs_an_accepted_erasure_request_a_choice_and_is_made_once(dpo, dad):
    rq = rights.request_record(actor=dpo, person=dad, kind=RequestKind.ERASURE, asked="Delete me",
                               received_on=datetime.date.today())
    with pytest.raises(ValidationFailed) as exc:
        _erase(dpo, rq, dad, details=["phone"])
    assert exc.value.errors == {"decision": "Accept the request before applying it"}
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="")
    with pytest.raises(ValidationFailed) as exc:
        _erase(dpo, rq, dad)
    assert exc.value.errors == {"details": "Choose what to erase"}
    _erase(dpo, rq, dad, details=["phone"])
    with pytest.raises(Conflict):
        _erase(dpo, rq, dad, details=["email"])
    rectification = _accepted(dpo, dad, RequestKind.RECTIFICATION)
    with pytest.raises(ValidationFailed) as exc:
        _erase(dpo, rectification, dad, details=["email"])
    assert exc.value.errors == {"kind": "Only a request for erasure erases the person's information"}


def test_an_erasure_on_a_stale_record_is_refused_and_nothing_is_erased(dpo, dad, practitioner):
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    stale = dad.version
    people_services.person_update(actor=practitioner, person=dad, version=stale, data={"first_language": "Welsh"})
    with pytest.raises(Conflict):
        rights.erasure_apply(actor=dpo, rights_request=rq, version=rq.version, person_version=stale,
                             details=["phone"])
    dad.refresh_from_db()
    assert dad.phone == "07700 900555" and not RectificationChange.objects.exists()


def test_an_open_subject_access_request_or_a_legal_hold_blocks_erasure(dpo, dad, family):
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    sar = sar_services.sar_create(actor=dpo, subject=dad, requester_name="Sam Quillfeather",
                                  requester_relationship="self", received_on=datetime.date.today())
    with pytest.raises(ValidationFailed) as exc:
        _erase(dpo, rq, dad, details=["phone"])
    assert f"open subject access request ({sar.reference})" in exc.value.errors["details"]
    sar_services.sar_close(actor=dpo, sar=sar, version=sar.version, outcome="withdrawn", reason="By phone")
    hold = retention_services.legal_hold_place(actor=dpo, name="Public inquiry", reason="Inquiry into services",
                                               family_ids=[family.pk])
    with pytest.raises(ValidationFailed) as exc:
        _erase(dpo, rq, dad, details=["phone"])
    assert "Public inquiry" in exc.value.errors["details"]
    retention_services.legal_hold_lift(actor=dpo, hold=hold, reason="Inquiry over")
    _erase(dpo, rq, dad, details=["phone"])


# Restriction ---------------------------------------------------------------------------------------------------


def test_a_restriction_stops_changes_and_shares_until_it_is_lifted(dpo, dad, mum, family, practitioner, surgery):
    rq = _accepted(dpo, dad, RequestKind.RESTRICTION, asked="Do not use the school's report until it is checked")
    with pytest.raises(ValidationFailed) as exc:
        rights.restriction_apply(actor=dpo, rights_request=rq, version=rq.version, what=" ")
    assert "what" in exc.value.errors
    restriction = rights.restriction_apply(actor=dpo, rights_request=rq, version=rq.version,
                                           what="The school's report of 3 March is being checked")
    assert rq.status_text == "Done" and restriction.in_force

    dad.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        people_services.person_update(actor=practitioner, person=dad, version=dad.version, data={"phone": "1"})
    assert "Sam Quillfeather's information is restricted" in exc.value.errors["__all__"]
    with pytest.raises(ValidationFailed):
        people_services.person_move_address(actor=practitioner, person=dad, address=AddressInput(
            line_1="1 New Street", town="Bicester", postcode="OX26 6AB"))
    # The others in the family are not restricted, but a share of the whole family's information is refused.
    mum.refresh_from_db()
    people_services.person_update(actor=practitioner, person=mum, version=mum.version, data={"phone": "07700 1"})
    with pytest.raises(sharing.ShareRefused) as refused:
        sharing.share_decide(actor=practitioner, family=family, agency=surgery, what="The plan", purpose="Health")
    assert "restricted" in str(refused.value)
    entry = Disclosure.objects.get(kind=DisclosureKind.SHARE_DECISION)
    assert entry.decision == Decision.NOT_SHARED and "restricted" in entry.not_shared_reason

    with pytest.raises(ValidationFailed) as exc:
        rights.restriction_lift(actor=dpo, restriction=restriction, reason="Report checked", person_told="")
    assert "person_told" in exc.value.errors
    rights.restriction_lift(actor=dpo, restriction=restriction, reason="Report checked and correct",
                            person_told="By letter on 2 June")
    with pytest.raises(Conflict):
        rights.restriction_lift(actor=dpo, restriction=restriction, reason="Again", person_told="Again")
    dad.refresh_from_db()
    people_services.person_update(actor=practitioner, person=dad, version=dad.version, data={"phone": "07700 2"})
    assert not Restriction.objects.filter(lifted_at__isnull=True).exists()


def test_the_restriction_banner_shows_on_the_family_and_person_pages(dpo, dad, family, practitioner, client_for):
    rq = _accepted(dpo, dad, RequestKind.RESTRICTION)
    client = client_for(practitioner)
    assert "restriction-banner" not in client.get(reverse("families:family", args=[family.pk])).content.decode()
    rights.restriction_apply(actor=dpo, rights_request=rq, version=rq.version, what="Checking the report Qx7")
    for url in (reverse("families:family", args=[family.pk]), reverse("families:person", args=[dad.pk])):
        page = client.get(url).content.decode()
        assert "restriction-banner" in page and "Checking the report Qx7" in page
        assert "Sam Quillfeather: restricted since" in page


# Telling the recipients of an erasure or a restriction -----------------------------------------------------------


def test_recipients_of_an_erasure_are_told_what_to_do_without_names(dpo, dad, family, practitioner, surgery):
    sharing.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.ASSESSMENT_COPY,
                              what="The assessment", recipient="Dr Shah", recipient_agency=surgery,
                              purpose="Planning", basis="Consent")
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    _erase(dpo, rq, dad, whole=True)
    recipients = selectors.correction_recipients(rq)
    assert [r.name for r in recipients] == ["Bridge Surgery"]
    mail.outbox.clear()
    rights.tell_recipients(actor=dpo, rights_request=rq, keys=[recipients[0].key])
    run_jobs()
    assert mail.outbox[0].subject.startswith("Erasure of information shared with you")
    body = mail.outbox[0].body
    assert "Please erase the copies you hold" in body and "Quillfeather" not in body and "Sam" not in body
    notice = Disclosure.objects.get(kind=DisclosureKind.RIGHTS_NOTICE)
    assert notice.what.startswith("Erasure of the whole person record") and notice.family == family
    assert selectors.correction_recipients(rq)[0].told


def test_recipients_of_a_restriction_are_told_to_keep_but_not_use(dpo, dad, family, practitioner, surgery):
    sharing.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.OTHER, what="Letter",
                              recipient="Dr Shah", recipient_agency=surgery, purpose="Planning", basis="Consent",
                              person=dad)
    rq = _accepted(dpo, dad, RequestKind.RESTRICTION)
    rights.restriction_apply(actor=dpo, rights_request=rq, version=rq.version, what="Accuracy being checked")
    mail.outbox.clear()
    rights.tell_recipients(actor=dpo, rights_request=rq, keys=[selectors.correction_recipients(rq)[0].key])
    run_jobs()
    assert "do not use or share them" in mail.outbox[0].body
    assert Disclosure.objects.get(kind=DisclosureKind.RIGHTS_NOTICE).what.startswith(
        f"Restriction of the use of the person's information (request for restriction {rq.pk})")


# The pages -----------------------------------------------------------------------------------------------------


def test_the_erasure_page_lists_what_can_be_erased_and_needs_confirmation(dpo, dad, client_for):
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    client = client_for(dpo)
    url = reverse("rights:request_erase", args=[rq.pk])
    page = client.get(url).content.decode()
    assert "Phone number: 07700 900555" in page and "Previous name: Samuel Brightwater" in page
    assert "Current address: 4 Larkspur Row, Bicester, OX26 6AA" in page
    dad.refresh_from_db()
    form = {"version": rq.version, "person_version": dad.version, "scope": "details", "details": ["phone"]}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Confirm that you understand the erasure cannot be undone" in response.content.decode()
    response = client.post(url, {**form, "scope": "", "confirm": "on"})
    assert "Choose whether to erase particular details or the whole person record" in response.content.decode()
    response = client.post(url, {**form, "confirm": "on"})
    assert response.status_code == 302
    page = client.get(reverse("rights:request", args=[rq.pk])).content.decode()
    assert "What was erased" in page and "Phone number" in page and "07700 900555" not in page
    assert Person.objects.get(pk=dad.pk).phone == ""


def test_the_erasure_page_counts_the_records_that_stay_and_refer_to_the_person(dpo, dad, child, family,
                                                                              practitioner, client_for):
    """What stays is what the register of personal data marks as kept and counted (`Erasure.CHECKED`)."""
    ShareConsentFactory(family=family, actor=practitioner, person=child, given_by=dad)
    ShareConsentFactory(family=family, actor=practitioner, person=dad)
    rq = _accepted(dpo, dad, RequestKind.ERASURE)
    page = client_for(dpo).get(reverse("rights:request_erase", args=[rq.pk])).content.decode()
    assert "Other records that refer to Sam Quillfeather" in page
    assert "<li>Consents to share information: 2</li>" in page
    assert "Children&#39;s views in assessments" not in page  # none refer to him


def test_the_restriction_pages_restrict_and_lift(dpo, dad, client_for):
    rq = _accepted(dpo, dad, RequestKind.RESTRICTION)
    client = client_for(dpo)
    response = client.post(reverse("rights:request_restrict", args=[rq.pk]), {"version": rq.version, "what": ""})
    assert "Say what is restricted and why" in response.content.decode()
    response = client.post(reverse("rights:request_restrict", args=[rq.pk]),
                           {"version": rq.version, "what": "Report being checked"})
    assert response.status_code == 302
    page = client.get(reverse("rights:request", args=[rq.pk])).content.decode()
    assert "In force" in page and "Lift the restriction" in page
    lift = reverse("rights:restriction_lift", args=[rq.pk])
    response = client.post(lift, {"reason": "Checked", "person_told": ""})
    assert "Say how and when the person was told" in response.content.decode()
    response = client.post(lift, {"reason": "Checked", "person_told": "By phone on 2 June"})
    assert response.status_code == 302
    page = client.get(reverse("rights:request", args=[rq.pk])).content.decode()
    assert "By phone on 2 June" in page and "In force" not in page
