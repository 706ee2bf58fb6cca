"""The data protection officer's pages, used the way the officer uses them: the dashboard, finding the subject and
recording a request, identity, extension, withholding, release and downloads, closing; and everyone else refused."""

import datetime
import io
import json
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.subject_access import services
from hearth.subject_access.forms import EditRequestForm, ExtendForm, NewRequestForm, VerifyForm
from hearth.subject_access.models import SarStatus, SubjectAccessRequest, Withholding, due_date
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


def _urls(sar, withholding_id=1):
    ids = {"sar_id": sar.pk}
    return [reverse("subject_access:dashboard"), reverse("subject_access:new"),
            *[reverse(f"subject_access:{name}", kwargs=ids) for name in
              ("workbench", "edit", "verify", "extend", "close", "withhold", "release", "bundle_pdf", "bundle_json")],
            reverse("subject_access:withholding_remove", kwargs={**ids, "withholding_id": withholding_id})]


# Access ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COORDINATOR, Role.MANAGER, Role.MASH_SCREENER,
                                  Role.SOCIAL_WORKER, Role.ANALYST, Role.SYSADMIN])
def test_every_page_is_refused_to_anyone_but_the_data_protection_officer(make, client_for, sar, role):
    client = client_for(make(f"{role}@example.test", role))
    for url in _urls(sar):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 405), (method, url, response.status_code)
            if response.status_code == 403:
                assert "Jo Testfamily" not in response.content.decode()


def test_the_dpo_of_another_council_is_refused_this_councils_requests(other_dpo, client_for, sar):
    client = client_for(other_dpo)
    for url in _urls(sar)[2:]:
        assert client.get(url).status_code in (403, 405), url
    assert "Jo Testfamily" not in client.get(reverse("subject_access:dashboard")).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, sar):
    response = client.get(reverse("subject_access:workbench", kwargs={"sar_id": sar.pk}))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")


# The dashboard ---------------------------------------------------------------------------------------------


def _sar(dpo, subject, received, **kwargs):
    return services.sar_create(actor=dpo, subject=subject, requester_name=kwargs.pop("name", "Jo Testfamily"),
                               requester_relationship=kwargs.pop("relationship", "self"), received_on=received,
                               **kwargs)


def test_the_dashboard_lists_open_requests_overdue_first_then_due_soonest(dpo, client_for, mum, child):
    soon = _sar(dpo, mum, TODAY() - datetime.timedelta(days=20))
    later = _sar(dpo, mum, TODAY() - datetime.timedelta(days=2))
    overdue = _sar(dpo, child, TODAY() - datetime.timedelta(days=45), name="Max Testfamily",
                   relationship="young_person")
    closed = _sar(dpo, mum, TODAY() - datetime.timedelta(days=5))
    services.sar_close(actor=dpo, sar=closed, version=closed.version, outcome="withdrawn", reason="By phone")
    body = client_for(dpo).get(reverse("subject_access:dashboard")).content.decode()
    table = body[body.index('id="open-requests"'):body.index('id="recent-requests"')]
    assert table.index(overdue.reference) < table.index(soon.reference) < table.index(later.reference)
    assert closed.reference not in table
    days_over = (TODAY() - overdue.due_on).days
    assert f'govuk-tag--red">Overdue by {days_over} day' in table
    assert f"{(later.due_on - TODAY()).days} days left" in table
    assert "1 overdue" in table and "Not verified" in table
    assert "Withdrawn by the requester" in body[body.index('id="recent-requests"'):]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="subject_access.dashboard").exists()


def test_the_dashboard_says_when_there_is_nothing_open(dpo, client_for):
    response = client_for(dpo).get(reverse("subject_access:dashboard"))
    assert response.status_code == 200 and "There are no open subject access requests." in response.content.decode()


# A new request ---------------------------------------------------------------------------------------------


def test_the_dpo_finds_anyone_in_the_council_and_every_lookup_is_audited(dpo, client_for, mum, child):
    client = client_for(dpo)
    response = client.get(reverse("subject_access:new"), {"given_name": "Jo", "family_name": "Testfamily"})
    body = response.content.decode()
    assert response.status_code == 200 and "Jo Testfamily" in body and f"?person={mum.pk}" in body
    search = AuditEvent.objects.get(action=AuditAction.SEARCH, actor=dpo)
    assert search.detail["purpose"] == "subject_access" and mum.pk in search.detail["results"]
    response = client.get(reverse("subject_access:new"), {"person": mum.pk})
    assert response.status_code == 200 and "New subject access request about Jo Testfamily" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="people.person", person_id=mum.pk,
                                     actor=dpo, detail__purpose="subject_access").exists()


def test_the_search_is_limited_to_the_dpos_own_council(other_dpo, client_for, mum):
    response = client_for(other_dpo).get(reverse("subject_access:new"), {"given_name": "Jo",
                                                                          "family_name": "Testfamily"})
    assert "0 people found" in response.content.decode()
    assert client_for(other_dpo).get(reverse("subject_access:new"), {"person": mum.pk}).status_code == 403


def test_an_empty_search_shows_an_error(dpo, client_for):
    response = client_for(dpo).get(reverse("subject_access:new"), {"given_name": ""})
    assert "Enter a name, date of birth, NHS number or postcode to search for" in response.content.decode()


def test_recording_a_request_leads_to_its_workbench(dpo, client_for, mum, history):
    client = client_for(dpo)
    received = TODAY() - datetime.timedelta(days=1)
    response = client.post(f"{reverse('subject_access:new')}?person={mum.pk}", {
        "person": mum.pk, "requester_relationship": "self", "requester_name": "Jo Testfamily",
        "requester_contact": "jo@example.test", **_date("received_on", received)})
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("subject_access:workbench",
                                                                            kwargs={"sar_id": sar.pk})
    assert sar.due_on == due_date(received)
    page = client.get(response["Location"]).content.decode()
    assert f"It is due on {sar.due_on.day} {sar.due_on:%B %Y}" in page
    assert "Not verified" in page and "Note details Nt2" in page and "Background facts Bq1" in page


def test_a_request_without_a_date_shows_the_error_and_keeps_what_was_typed(dpo, client_for, mum):
    response = client_for(dpo).post(f"{reverse('subject_access:new')}?person={mum.pk}", {
        "person": mum.pk, "requester_relationship": "representative", "requester_name": "A. Solicitor"})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Enter the date the request was received" in body and "A. Solicitor" in body
    assert not SubjectAccessRequest.objects.exists()


def test_a_service_refusal_is_shown_on_the_form(dpo, client_for, mum):
    response = client_for(dpo).post(f"{reverse('subject_access:new')}?person={mum.pk}", {
        "person": mum.pk, "requester_relationship": "representative", "requester_name": "A. Solicitor",
        **_date("received_on", TODAY())})
    body = response.content.decode()
    assert "Say on whose behalf the request is made, and how the requester may act for them" in body
    assert not SubjectAccessRequest.objects.exists()


def test_no_form_has_a_field_for_the_due_date():
    for form in (NewRequestForm, EditRequestForm, VerifyForm, ExtendForm):
        assert "due_on" not in form.base_fields


# Identity, extension, closing ------------------------------------------------------------------------------


def test_recording_the_identity_check(dpo, client_for, sar):
    client = client_for(dpo)
    url = reverse("subject_access:verify", kwargs={"sar_id": sar.pk})
    response = client.post(url, {"version": sar.version, "method": "other", "note": ""})
    assert "Describe how the requester&#39;s identity was checked" in response.content.decode()
    response = client.post(url, {"version": sar.version, "method": "photo_id", "note": "Passport seen"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.is_verified and sar.verified_by == dpo
    page = client.get(response["Location"]).content.decode()
    assert "Verified: Photo identification seen" in page


def test_extending_the_deadline_shows_the_new_dates_and_can_happen_once(dpo, client_for, sar):
    client = client_for(dpo)
    url = reverse("subject_access:extend", kwargs={"sar_id": sar.pk})
    form_page = client.get(url).content.decode()
    two = due_date(sar.received_on, 2)
    assert f"Two more months: due {two.day} {two:%B %Y}" in form_page
    response = client.post(url, {"version": sar.version, "months": "2", "reason": "Many records to check"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.due_on == two and sar.extension_months == 2
    response = client.post(url, {"version": sar.version, "months": "1", "reason": "Again"})
    assert "It can only be extended once" in response.content.decode()


def test_an_extension_posted_from_an_old_page_is_a_conflict_and_keeps_the_reason(dpo, client_for, sar):
    client = client_for(dpo)
    services.sar_update(actor=dpo, sar=sar, version=sar.version, changes={"requester_contact": "new"})
    response = client.post(reverse("subject_access:extend", kwargs={"sar_id": sar.pk}),
                           {"version": sar.version, "months": "1", "reason": "My careful reason"})
    body = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this request" in body
    assert "My careful reason" in body


def test_withdrawing_a_request(dpo, client_for, sar):
    client = client_for(dpo)
    url = reverse("subject_access:close", kwargs={"sar_id": sar.pk})
    assert "Say why the request is ending" in client.post(url, {"version": sar.version, "outcome": "withdrawn"}
                                                          ).content.decode()
    response = client.post(url, {"version": sar.version, "outcome": "withdrawn", "reason": "Emailed to withdraw"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == SarStatus.WITHDRAWN
    page = client.get(response["Location"]).content.decode()
    assert "Withdrawn by the requester" in page and "Release the bundle" not in page


def test_changing_the_requesters_details(dpo, client_for, sar):
    client = client_for(dpo)
    url = reverse("subject_access:edit", kwargs={"sar_id": sar.pk})
    assert "cannot be changed here" in client.get(url).content.decode()
    response = client.post(url, {"version": sar.version, "requester_relationship": "self",
                                 "requester_name": "Joanne Testfamily", "on_behalf_of": "", "requester_contact": ""})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.requester_name == "Joanne Testfamily"


# Withholding and release -----------------------------------------------------------------------------------


def test_withholding_an_item_from_the_workbench(dpo, client_for, sar, history):
    client = client_for(dpo)
    key = f"casenote:{history.other_note.pk}"
    url = reverse("subject_access:withhold", kwargs={"sar_id": sar.pk})
    page = client.get(url, {"item": key}).content.decode()
    assert "Neighbour said Nt4" in page and "The whole item: Telephone call" in page
    response = client.post(url, {"item": key, "item_key": key, "reason": ""})
    assert "Choose why this is being withheld" in response.content.decode()
    response = client.post(url, {"item": key, "item_key": key, "reason": "third_party_source",
                                 "note": "The neighbour has not agreed"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-casenote-{history.other_note.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "Withheld</strong> Information given by someone else who has not agreed to its release" in page
    assert "The neighbour has not agreed" in page


def test_withholding_one_field_and_releasing_it_after_all(dpo, client_for, sar, history):
    client = client_for(dpo)
    key = f"contribution:{history.contribution.pk}/opinions"
    url = reverse("subject_access:withhold", kwargs={"sar_id": sar.pk})
    assert "Only “Views and opinions”" in client.get(url, {"item": key}).content.decode()
    client.post(url, {"item": key, "item_key": key, "reason": "third_party"})
    withholding = Withholding.objects.get()
    assert withholding.item_key == key
    remove = reverse("subject_access:withholding_remove", kwargs={"sar_id": sar.pk, "withholding_id": withholding.pk})
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Withholding.objects.exists()


def test_withholding_an_item_no_longer_in_the_record_goes_back_to_the_workbench(dpo, client_for, sar):
    response = client_for(dpo).get(reverse("subject_access:withhold", kwargs={"sar_id": sar.pk}),
                                   {"item": "casenote:99999"}, follow=True)
    assert "That item is no longer in the record" in response.content.decode()


def test_releasing_an_unverified_request_is_refused_on_the_page(dpo, client_for, sar, history):
    client = client_for(dpo)
    url = reverse("subject_access:release", kwargs={"sar_id": sar.pk})
    assert "The requester's identity has not been verified" in unescape(client.get(url).content.decode())
    response = client.post(url, {"version": sar.version, "checked": "on"})
    body = unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in body
    assert body.count("The requester's identity has not been verified") >= 2  # the warning and the error summary
    sar.refresh_from_db()
    assert sar.status == SarStatus.OPEN


def test_release_needs_the_check_confirmed(dpo, client_for, verified):
    response = client_for(dpo).post(reverse("subject_access:release", kwargs={"sar_id": verified.pk}),
                                    {"version": verified.version})
    assert "Confirm you have checked the bundle before releasing it" in response.content.decode()


def test_releasing_then_downloading_the_pdf_and_json_without_what_was_withheld(dpo, client_for, verified, history):
    client = client_for(dpo)
    for key in (f"casenote:{history.other_note.pk}", f"contribution:{history.contribution.pk}/opinions"):
        services.withholding_add(actor=dpo, sar=verified, item_key=key, reason="third_party")
    assert client.get(reverse("subject_access:bundle_pdf", kwargs={"sar_id": verified.pk})).status_code == 403
    response = client.post(reverse("subject_access:release", kwargs={"sar_id": verified.pk}),
                           {"version": verified.version, "checked": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "has been released" in page and "Preparing the bundle" in page and "Download the PDF" not in page
    assert client.get(reverse("subject_access:bundle_pdf", kwargs={"sar_id": verified.pk})).status_code == 403
    assert run_jobs() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Preparing the bundle" not in page and "Download the PDF" in page
    pdf = client.get(reverse("subject_access:bundle_pdf", kwargs={"sar_id": verified.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "no-store"
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Note details Nt2" in text
    for secret in ("Neighbour said Nt4", "Phone call Nt3", "Health views Hv2"):
        assert secret not in text
    data = client.get(reverse("subject_access:bundle_json", kwargs={"sar_id": verified.pk}))
    assert data["Content-Type"].startswith("application/json")
    parsed = json.loads(data.content)
    assert parsed["reference"] == verified.reference
    for secret in ("Neighbour said Nt4", "Phone call Nt3", "Health views Hv2"):
        assert secret not in data.content.decode()
    downloads = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="subject_access.subjectaccessrequest")
    assert {e.detail["document"] for e in downloads} == {"subject_access_bundle", "subject_access_pdf",
                                                          "subject_access_json"}


def test_opening_the_workbench_records_a_view_of_the_person_and_of_each_of_their_families(dpo, client_for, sar,
                                                                                          family, history):
    client_for(dpo).get(reverse("subject_access:workbench", kwargs={"sar_id": sar.pk}))
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=dpo, detail__subject_access=sar.pk)
    assert {(e.object_type, e.person_id, e.family_id) for e in views} == {
        ("people.person", sar.subject_id, None), ("people.family", sar.subject_id, family.pk)}
