"""Requests to correct, erase or restrict: logging, deciding (a refusal needs its reason; erasure offers the
public-task reason), correcting the record while keeping the old values, and telling the recipients."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services as people_services
from hearth.people.models import Person, PersonName
from hearth.rights import selectors
from hearth.rights import services as rights
from hearth.rights.models import RectificationChange, RequestDecision, RequestKind, RightsRequest
from hearth.sharing import services as sharing
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _request(dpo, person, kind=RequestKind.RECTIFICATION, **kwargs) -> RightsRequest:
    values = dict(asked="My date of birth is 14 March 1988, not 14 February", received_on=TODAY())
    values.update(kwargs)
    return rights.request_record(actor=dpo, person=person, kind=kind, **values)


def _accepted(dpo, person) -> RightsRequest:
    rq = _request(dpo, person)
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="Birth certificate seen")
    return rq


def _correct(dpo, rq, person, **data):
    person.refresh_from_db()
    return rights.rectification_apply(actor=dpo, rights_request=rq, version=rq.version,
                                      person_version=person.version, data=data)


# Logging and deciding -------------------------------------------------------------------------------------------


def test_a_request_is_logged_with_its_one_month_deadline(dpo, mum):
    rq = _request(dpo, mum, received_on=datetime.date(2026, 1, 31))
    assert rq.due_on == datetime.date(2026, 2, 28)
    assert rq.status_text == "Waiting for a decision"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="rights.rightsrequest",
                                     person_id=mum.pk).exists()


def test_a_request_needs_what_is_asked_the_kind_and_a_date_not_in_the_future(dpo, mum):
    with pytest.raises(ValidationFailed) as exc:
        rights.request_record(actor=dpo, person=mum, kind="", asked=" ",
                              received_on=TODAY() + datetime.timedelta(days=1))
    assert exc.value.errors == {
        "kind": "Choose what the person is asking for",
        "asked": "Say what the person is asking for, in their words where possible",
        "received_on": "The date it was received must be today or in the past",
    }


def test_a_request_about_a_person_of_another_council_is_refused(dpo, other_council):
    stranger = Person.objects.create(council=other_council, given_name="Far", family_name="Away")
    with pytest.raises(ValidationFailed) as exc:
        _request(dpo, stranger)
    assert exc.value.errors == {"person": "Choose a person of your council"}


def test_a_refusal_needs_a_reason(dpo, mum):
    rq = _request(dpo, mum, kind=RequestKind.ERASURE, asked="Delete everything about me")
    with pytest.raises(ValidationFailed) as exc:
        rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.REFUSED,
                              reason="  ")
    assert exc.value.errors == {"reason": "Say why the request is refused: the person will be told"}
    rq.refresh_from_db()
    assert rq.decision == ""
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.REFUSED,
                          reason=rights.ERASURE_PUBLIC_TASK_REASON)
    assert rq.status_text == "Refused" and "Article 17(3)(b)" in rq.decision_reason


def test_an_acceptance_needs_no_reason_and_a_request_is_decided_once(dpo, mum):
    rq = _request(dpo, mum)
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="")
    assert rq.status_text == "Accepted: to do"
    with pytest.raises(Conflict):
        rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.REFUSED,
                              reason="No")


def test_only_the_councils_dpo_logs_or_decides(make, dpo, mum, far_dpo):
    manager = make("mo.manager@example.test", Role.MANAGER)
    with pytest.raises(NotPermitted):
        _request(manager, mum)
    rq = _request(dpo, mum)
    with pytest.raises(NotPermitted):
        rights.request_decide(actor=far_dpo, rights_request=rq, version=rq.version,
                              decision=RequestDecision.ACCEPTED, reason="")


# Correcting the record ------------------------------------------------------------------------------------------


def test_correcting_changes_the_record_and_keeps_the_old_value(dpo, mum):
    rq = _accepted(dpo, mum)
    changes = _correct(dpo, rq, mum, date_of_birth=datetime.date(1988, 3, 14), phone="07700 900111")
    mum.refresh_from_db()
    assert mum.date_of_birth == datetime.date(1988, 3, 14)
    assert [(c.label, c.before, c.after) for c in changes] == [("Date of birth", "14 February 1988", "14 March 1988")]
    assert RectificationChange.objects.get().changed_by == dpo
    rq.refresh_from_db()
    assert rq.applied_by == dpo and rq.applied_at and rq.status_text == "Done"
    event = AuditEvent.objects.filter(object_type="people.person", action=AuditAction.UPDATE, actor=dpo).get()
    assert event.detail == {"fields": ["date_of_birth"], "rectification": rq.pk}


def test_correcting_a_name_keeps_the_old_name_and_updates_the_search_index(dpo, mum):
    rq = _accepted(dpo, mum)
    _correct(dpo, rq, mum, family_name="Testfamilie")
    assert RectificationChange.objects.get().before == "Testfamily"
    assert PersonName.objects.get(person=mum, kind="current").family_name == "Testfamilie"


def test_a_correction_uses_the_people_rules(dpo, mum):
    rq = _accepted(dpo, mum)
    with pytest.raises(ValidationFailed) as exc:
        _correct(dpo, rq, mum, given_name="", nhs_number="123")
    assert set(exc.value.errors) == {"given_name", "nhs_number"}
    with pytest.raises(ValidationFailed):
        _correct(dpo, rq, mum, phone="07700 900111")  # nothing changes
    assert not RectificationChange.objects.exists()


def test_a_correction_needs_an_accepted_rectification_and_is_made_once(dpo, mum):
    rq = _request(dpo, mum)
    with pytest.raises(ValidationFailed):
        _correct(dpo, rq, mum, phone="07700 900222")
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="")
    _correct(dpo, rq, mum, phone="07700 900222")
    with pytest.raises(Conflict):
        _correct(dpo, rq, mum, phone="07700 900333")
    erasure = _request(dpo, mum, kind=RequestKind.ERASURE)
    rights.request_decide(actor=dpo, rights_request=erasure, version=erasure.version,
                          decision=RequestDecision.ACCEPTED, reason="")
    with pytest.raises(ValidationFailed):
        _correct(dpo, erasure, mum, phone="07700 900444")


def test_a_correction_on_a_stale_person_is_refused_and_nothing_is_saved(dpo, mum, practitioner):
    rq = _accepted(dpo, mum)
    stale = mum.version
    people_services.person_update(actor=practitioner, person=mum, version=stale, data={"phone": "01865 000000"})
    with pytest.raises(Conflict):
        rights.rectification_apply(actor=dpo, rights_request=rq, version=rq.version, person_version=stale,
                                   data={"date_of_birth": datetime.date(1988, 3, 14)})
    mum.refresh_from_db()
    assert mum.date_of_birth == datetime.date(1988, 2, 14) and not RectificationChange.objects.exists()


# Telling the recipients -----------------------------------------------------------------------------------------


@pytest.fixture
def shared(practitioner, family, mum, surgery, housing):
    """The family's assessment went to the surgery; a note about Jo went to housing; a note about someone else in
    the family went to the police; and the family had their own copy."""
    common = dict(actor=practitioner, family=family, purpose="Planning", basis="Consent")
    sharing.disclosure_record(kind=DisclosureKind.ASSESSMENT_COPY, what="The assessment", recipient="Dr Shah",
                              recipient_agency=surgery, **common)
    sharing.disclosure_record(kind=DisclosureKind.OTHER, what="Tenancy letter", recipient="District Housing",
                              recipient_agency=housing, person=mum, **common)
    sharing.disclosure_record(kind=DisclosureKind.TAF_NOTES, what="TAF notes", recipient="youth@example.test",
                              **common)
    sibling = people_services.person_create(actor=practitioner, family=family, role="child",
                                            data={"given_name": "Max", "family_name": "Testfamily"})
    sharing.disclosure_record(kind=DisclosureKind.OTHER, what="About Max", recipient="Police", person=sibling,
                              **common)
    sharing.transparency_copy_record(actor=practitioner, family=family, recipient="Jo Testfamily")


def test_the_recipients_are_listed_from_the_sharing_register(dpo, mum, shared, surgery, housing):
    rq = _accepted(dpo, mum)
    recipients = selectors.correction_recipients(rq)
    assert [(r.name, r.email) for r in recipients] == [
        ("Bridge Surgery", "practice@bridge.example.test"), ("District Housing", ""),
        ("youth@example.test", "youth@example.test")]


def test_the_recipients_are_told_by_email_and_each_notice_is_recorded(dpo, mum, shared, family, surgery):
    rq = _accepted(dpo, mum)
    _correct(dpo, rq, mum, date_of_birth=datetime.date(1988, 3, 14))
    recipients = {r.name: r for r in selectors.correction_recipients(rq)}
    with pytest.raises(ValidationFailed):
        rights.tell_recipients(actor=dpo, rights_request=rq,
                                               keys=[recipients["District Housing"].key])
    mail.outbox.clear()
    told = rights.tell_recipients(
        actor=dpo, rights_request=rq, keys=[recipients["Bridge Surgery"].key, recipients["youth@example.test"].key])
    assert len(told) == 2
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == ["practice@bridge.example.test", "youth@example.test"]
    body = mail.outbox[0].body
    assert "date of birth" in body and "Jo" not in body and "Testfamily" not in body and "1988" not in body
    notices = Disclosure.objects.filter(object_type="rights.rightsrequest", object_id=str(rq.pk))
    assert notices.count() == 2
    surgery_notice = notices.get(recipient_agency=surgery)
    assert surgery_notice.what.startswith("Correction of date of birth")
    assert surgery_notice.family == family and surgery_notice.person == mum and surgery_notice.disclosed_by == dpo
    recipients = {r.name: r for r in selectors.correction_recipients(rq)}
    assert recipients["Bridge Surgery"].told and not recipients["District Housing"].told


def test_a_recipient_without_an_email_is_recorded_as_told_another_way(dpo, mum, shared, housing):
    rq = _accepted(dpo, mum)
    _correct(dpo, rq, mum, phone="07700 900999")
    key = next(r.key for r in selectors.correction_recipients(rq) if r.name == "District Housing")
    with pytest.raises(ValidationFailed) as exc:
        rights.record_told(actor=dpo, rights_request=rq, key=key, how="")
    assert "how" in exc.value.errors
    rights.record_told(actor=dpo, rights_request=rq, key=key, how="by phone to the housing officer")
    entry = Disclosure.objects.get(object_type="rights.rightsrequest", recipient_agency=housing)
    assert entry.what == (f"Correction of phone number (request for rectification {rq.pk}), told by phone to the "
                          "housing officer")


def test_a_notice_recorded_while_requests_were_in_the_dpo_app_still_counts(dpo, mum, shared, housing):
    """Register entries written before the requests moved to the rights app name them by the old label."""
    rq = _accepted(dpo, mum)
    _correct(dpo, rq, mum, phone="07700 900999")
    key = next(r.key for r in selectors.correction_recipients(rq) if r.name == "District Housing")
    rights.record_told(actor=dpo, rights_request=rq, key=key, how="by phone to the housing officer")
    old = Disclosure.objects.filter(object_type="rights.rightsrequest", object_id=str(rq.pk))
    assert old.update(object_type="dpo.rightsrequest") == 1
    housing_entry = next(r for r in selectors.correction_recipients(rq) if r.name == "District Housing")
    assert housing_entry.count == 1 and housing_entry.told == [
        f"{timezone.localdate():%-d %B %Y}: Correction of phone number (request for rectification {rq.pk}), told by "
        "phone to the housing officer"]


def test_recipients_cannot_be_told_before_the_correction(dpo, mum, shared):
    rq = _accepted(dpo, mum)
    keys = [r.key for r in selectors.correction_recipients(rq)]
    with pytest.raises(ValidationFailed):
        rights.tell_recipients(actor=dpo, rights_request=rq, keys=keys)


def test_shares_after_the_correction_are_not_listed(dpo, mum, practitioner, family, surgery):
    rq = _accepted(dpo, mum)
    _correct(dpo, rq, mum, phone="07700 900999")
    sharing.disclosure_record(actor=practitioner, family=family, kind=DisclosureKind.PLAN_COPY, what="The plan",
                              recipient="Dr Shah", recipient_agency=surgery, purpose="Planning", basis="Consent")
    assert selectors.correction_recipients(rq) == []


# The pages ------------------------------------------------------------------------------------------------------


def test_the_dpo_finds_the_person_logs_a_request_and_refuses_erasure_with_the_standard_reason(dpo, mum, client_for):
    client = client_for(dpo)
    page = client.get(reverse("rights:request_find"), {"family_name": "testfam"}).content.decode()
    assert "Jo Testfamily" in page and "1 person found" in page
    response = client.post(f"{reverse('rights:request_new')}?person={mum.pk}", {
        "kind": "erasure", "asked": "Please delete my family's record", **_date("received_on", TODAY())})
    rq = RightsRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("rights:request", args=[rq.pk])
    decide = reverse("rights:request_decide", args=[rq.pk])
    page = client.get(decide).content.decode()
    assert "The standard reason for refusing erasure" in page and "Article 17(3)(b)" in page
    response = client.post(decide, {"decision": "refused", "reason": "", "version": rq.version})
    assert "Say why the request is refused" in response.content.decode()
    response = client.post(decide, {"decision": "refused", "use_standard_reason": "on", "reason": "",
                                    "version": rq.version})
    assert response.status_code == 302
    rq.refresh_from_db()
    assert rq.decision_reason == rights.ERASURE_PUBLIC_TASK_REASON
    assert "Refused" in client.get(reverse("rights:request", args=[rq.pk])).content.decode()


def test_correcting_through_the_page_shows_before_and_after_and_lists_the_recipients(dpo, mum, shared, client_for):
    rq = _accepted(dpo, mum)
    client = client_for(dpo)
    url = reverse("rights:request_apply", args=[rq.pk])
    page = client.get(url).content.decode()
    assert 'value="Testfamily"' in page and "My date of birth is 14 March 1988" in page
    mum.refresh_from_db()
    form = {"given_name": "Jo", "family_name": "Testfamily", **_date("date_of_birth", datetime.date(1988, 3, 14)),
            "sex": "female", "ethnicity": mum.ethnicity, "disability": mum.disability, "phone": mum.phone,
            "version": mum.version, "request_version": rq.version}
    response = client.post(url, form)
    assert response.status_code == 302
    page = client.get(reverse("rights:request", args=[rq.pk])).content.decode()
    assert "14 February 1988" in page and "14 March 1988" in page
    recipients_page = client.get(reverse("rights:request_recipients", args=[rq.pk])).content.decode()
    assert "Bridge Surgery" in recipients_page and "No email address known" in recipients_page
    key = next(r.key for r in selectors.correction_recipients(rq) if r.name == "Bridge Surgery")
    mail.outbox.clear()
    response = client.post(reverse("rights:request_recipients", args=[rq.pk]), {"action": "email", "recipients": [key]})
    run_jobs()
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_a_correction_form_with_nothing_changed_says_so(dpo, mum, client_for):
    rq = _accepted(dpo, mum)
    mum.refresh_from_db()
    response = client_for(dpo).post(reverse("rights:request_apply", args=[rq.pk]), {
        "given_name": "Jo", "family_name": "Testfamily", **_date("date_of_birth", mum.date_of_birth),
        "sex": "female", "ethnicity": mum.ethnicity, "disability": mum.disability, "phone": mum.phone,
        "version": mum.version, "request_version": rq.version})
    assert "Change at least one of the person" in response.content.decode()


def test_request_pages_are_for_the_dpo_only(practitioner, dpo, mum, client_for, far_dpo):
    rq = _request(dpo, mum)
    one_request = (reverse("rights:request", args=[rq.pk]), reverse("rights:request_apply", args=[rq.pk]),
                   f"{reverse('rights:request_new')}?person={mum.pk}")
    lists = (reverse("rights:requests"), f"{reverse('rights:request_find')}?family_name=Testfamily")
    for user in (practitioner, far_dpo):
        client = client_for(user)
        for url in one_request + lists:
            response = client.get(url)
            # The other council's DPO has their own (empty) lists; nothing of this council reaches them.
            assert response.status_code == (200 if user == far_dpo and url in lists else 403), url
            assert "Jo Testfamily" not in response.content.decode()


def test_viewing_a_request_is_audited(dpo, mum, client_for):
    rq = _request(dpo, mum)
    client_for(dpo).get(reverse("rights:request", args=[rq.pk]))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="rights.rightsrequest", actor=dpo,
                                     person_id=mum.pk).exists()


def _date(prefix: str, value) -> dict:
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}
