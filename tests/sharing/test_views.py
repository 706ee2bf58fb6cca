"""The register pages, recording a decision, sharing with an agency, the CSV export and what the family is shown,
used the way a practitioner uses them."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import AgencyKind, Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.sharing import services
from hearth.sharing.models import Decision, Disclosure, DisclosureKind, Origin
from tests.documents.helpers import assert_accessible, read_pdf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def outsider(make):
    return make("ola.outsider@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Far School")


def _auto(practitioner, family, **kwargs):
    defaults = dict(kind=DisclosureKind.TAF_NOTES, what="Notes of the meeting on 7 March 2025, with the plan",
                    recipient="gp@example.test", purpose="Notes go to everyone invited to the meeting",
                    basis="Consent to share")
    return services.disclosure_record(actor=practitioner, family=family, **{**defaults, **kwargs})


def _hand(practitioner, family, **kwargs):
    defaults = dict(decision=Decision.SHARED, what="Max's attendance this term", purpose="To plan support",
                    occurred_on=TODAY() - datetime.timedelta(days=2), recipient="Dr Shah, GP", basis_text="Public task")
    return services.entry_record(actor=practitioner, family=family, **{**defaults, **kwargs})


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


# The register ----------------------------------------------------------------------------------------------


def test_automatic_entries_appear_in_the_family_register_newest_first(practitioner, family, client_for):
    _auto(practitioner, family, what="Invitation to the meeting on 7 March", kind="taf_invitation")
    _auto(practitioner, family, what="The family's closure letter", kind="closure_notice")
    response = client_for(practitioner).get(reverse("sharing:family", args=[family.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Information sharing register" in body and "2 entries" in body
    assert body.index("The family&#39;s closure letter") < body.index("Invitation to the meeting on 7 March")
    assert "Recorded automatically" in body and "Shared" in body
    assert 'class="hearth-no-print"' in body  # filters and links are left off the printout
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="sharing.register",
                                     family_id=family.pk).exists()


def test_the_register_filters_by_decision_and_dates_from_the_query_string(practitioner, family, client_for):
    _hand(practitioner, family, what="Shared recently")
    _hand(practitioner, family, what="Refused long ago", decision=Decision.NOT_SHARED, basis_text="",
          not_shared_reason="The school did not need it", occurred_on=TODAY() - datetime.timedelta(days=60))
    client = client_for(practitioner)
    url = reverse("sharing:family", args=[family.pk])
    body = client.get(url, {"decision": "not_shared"}).content.decode()
    assert "Refused long ago" in body and "Shared recently" not in body and "1 entry matching the filters" in body
    body = client.get(url, _date("date_from", TODAY() - datetime.timedelta(days=7))).content.decode()
    assert "Shared recently" in body and "Refused long ago" not in body


def test_a_from_date_after_the_to_date_is_explained(practitioner, family, client_for):
    response = client_for(practitioner).get(reverse("sharing:family", args=[family.pk]), {
        **_date("date_from", TODAY()), **_date("date_to", TODAY() - datetime.timedelta(days=3))})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "The &#39;to&#39; date must be the same as or after the" in body


def test_a_persons_register_shows_entries_about_them(practitioner, family, mum, child, client_for):
    _hand(practitioner, family, what="Jo's phone number", person=mum)
    _hand(practitioner, family, what="Max's school report", person=child)
    response = client_for(practitioner).get(reverse("sharing:person", args=[mum.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Jo&#39;s phone number" in body and "Max&#39;s school report" not in body


@pytest.mark.parametrize("name", ["family", "family_csv", "entry_new", "share", "for_family", "for_family_pdf"])
def test_someone_who_cannot_see_the_family_is_refused(name, outsider, family, client_for):
    _hand(family.created_by, family, what="Max's attendance")
    response = client_for(outsider).get(reverse(f"sharing:{name}", args=[family.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Max&#39;s attendance" not in body and "Max's attendance" not in body
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=outsider).exists()


@pytest.mark.parametrize("name", ["person", "person_csv"])
def test_someone_who_cannot_see_the_person_is_refused(name, outsider, mum, client_for):
    assert client_for(outsider).get(reverse(f"sharing:{name}", args=[mum.pk])).status_code == 403


# Recording by hand -----------------------------------------------------------------------------------------


def test_a_decision_recorded_by_hand_is_saved_and_shown(practitioner, family, mum, surgery, client_for):
    client = client_for(practitioner)
    url = reverse("sharing:entry_new", args=[family.pk])
    assert "Record a decision to share or not to share" in client.get(url).content.decode()
    response = client.post(url, {
        "decision": "shared", "what": "Jo's new address", "person": str(mum.pk), "recipient_agency": str(surgery.pk),
        "recipient": "", "purpose": "So the GP can write to Jo", "basis": "other",
        "basis_text": "Jo asked us to tell the GP", **_date("occurred_on", TODAY() - datetime.timedelta(days=1))})
    assert response.status_code == 302 and response["Location"] == reverse("sharing:family", args=[family.pk])
    entry = Disclosure.objects.get()
    assert (entry.origin, entry.decision, entry.recipient_agency, entry.person) == (Origin.BY_HAND, Decision.SHARED,
                                                                                    surgery, mum)
    assert entry.basis == "Jo asked us to tell the GP"
    body = client.get(response["Location"]).content.decode()
    assert "Jo&#39;s new address" in body and "Recorded by hand" in body


def test_a_hand_entry_with_missing_answers_shows_plain_english_errors_and_saves_nothing(practitioner, family,
                                                                                        client_for):
    response = client_for(practitioner).post(reverse("sharing:entry_new", args=[family.pk]), {
        "decision": "not_shared", "what": "", "recipient": "", "purpose": "", "basis": "other", "basis_text": "",
        "unsafe_to_disclose": "on", "unsafe_reason": "", **_date("occurred_on", TODAY())})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    for message in ["Say what information this decision is about", "Say what the information was for",
                    "Describe the basis for sharing"]:
        assert message in body, message
    assert not Disclosure.objects.exists()


def test_service_rules_on_a_hand_entry_are_shown_on_the_form(practitioner, family, client_for):
    response = client_for(practitioner).post(reverse("sharing:entry_new", args=[family.pk]), {
        "decision": "not_shared", "what": "Max's health records", "recipient": "The school nurse",
        "purpose": "They asked for them", "basis": "", "not_shared_reason": "", "unsafe_to_disclose": "on",
        "unsafe_reason": "", **_date("occurred_on", TODAY())})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Say why the information was not shared" in body
    assert "Say why telling the family about this could be unsafe" in body
    assert not Disclosure.objects.exists()


def test_a_hand_entry_can_rely_on_the_familys_consent(practitioner, family, mum, surgery, consent_for, client_for):
    consent = consent_for(mum, agencies=[surgery])
    client = client_for(practitioner)
    url = reverse("sharing:entry_new", args=[family.pk])
    assert f"consent:{consent.pk}" in client.get(url).content.decode()
    client.post(url, {"decision": "shared", "what": "Jo's address", "recipient_agency": str(surgery.pk),
                      "purpose": "A home visit", "basis": f"consent:{consent.pk}", **_date("occurred_on", TODAY())})
    assert Disclosure.objects.get().basis_consent == consent


# Sharing with an agency ------------------------------------------------------------------------------------


def test_sharing_with_a_consented_agency_through_the_page_records_it(practitioner, family, mum, surgery,
                                                                     consent_for, client_for):
    consent = consent_for(mum, agencies=[surgery])
    response = client_for(practitioner).post(reverse("sharing:share", args=[family.pk]), {
        "agency": str(surgery.pk), "person": str(mum.pk), "what": "Jo's phone number", "purpose": "A GP review"})
    assert response.status_code == 302
    entry = Disclosure.objects.get()
    assert entry.decision == Decision.SHARED and entry.basis_consent == consent


@pytest.mark.django_db(transaction=True)
def test_a_refused_share_is_recorded_as_a_decision_not_to_share_and_kept(practitioner, family, housing,
                                                                         client_for):
    """Through the view, each request in its own transaction (ATOMIC_REQUESTS): the refusal commits."""
    assert connection.settings_dict["ATOMIC_REQUESTS"]
    response = client_for(practitioner).post(reverse("sharing:share", args=[family.pk]), {
        "agency": str(housing.pk), "person": "", "what": "The family's address", "purpose": "A home safety check"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "No consent or lawful basis covers District Housing for this purpose" in body
    assert "This decision not to share has been recorded in the register" in body
    entry = Disclosure.objects.get()  # committed: the request's transaction was not rolled back
    assert entry.decision == Decision.NOT_SHARED and entry.recipient_agency == housing
    assert entry.not_shared_reason == "No consent or lawful basis covers District Housing for this purpose"


def test_sharing_without_choosing_an_agency_is_explained(practitioner, family, client_for):
    response = client_for(practitioner).post(reverse("sharing:share", args=[family.pk]), {
        "agency": "", "what": "", "purpose": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the agency to share with" in body and "Say what information you want to share" in body
    assert not Disclosure.objects.exists()


# Marking an entry unsafe -----------------------------------------------------------------------------------


def test_an_entry_is_marked_unsafe_to_disclose_with_a_reason(practitioner, family, client_for):
    entry = _auto(practitioner, family, kind=DisclosureKind.STEP_UP_BUNDLE, what="Step-up referral to MASH")
    client = client_for(practitioner)
    url = reverse("sharing:entry_unsafe", args=[entry.pk])
    response = client.post(url, {"unsafe_to_disclose": "on", "unsafe_reason": ""})
    assert response.status_code == 200
    assert "Say why telling the family about this could be unsafe" in response.content.decode()
    response = client.post(url, {"unsafe_to_disclose": "on", "unsafe_reason": "Seeking consent would raise the risk"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.unsafe_to_disclose and entry.unsafe_reason == "Seeking consent would raise the risk"


# The CSV export --------------------------------------------------------------------------------------------


def test_the_csv_export_escapes_formulas_and_is_itself_recorded(practitioner, family, client_for):
    _hand(practitioner, family, what="=cmd()", purpose="@SUM(A1)")
    response = client_for(practitioner).get(reverse("sharing:family_csv", args=[family.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="information-sharing-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Date", "Decision", "What"]
    assert rows[1][2] == "'=cmd()" and rows[1][6] == "'@SUM(A1)"
    assert "=cmd()" not in [cell for row in rows for cell in row]
    export = Disclosure.objects.get(kind=DisclosureKind.REGISTER_EXPORT)
    assert export.recipient_agency == practitioner.agency and export.disclosed_by == practitioner
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, family_id=family.pk,
                                     detail__document="sharing_register").exists()


def test_the_csv_export_follows_the_filters(practitioner, family, client_for):
    _hand(practitioner, family, what="Shared one")
    _hand(practitioner, family, what="Refused one", decision=Decision.NOT_SHARED, not_shared_reason="Not needed")
    response = client_for(practitioner).get(reverse("sharing:family_csv", args=[family.pk]), {"decision": "shared"})
    whats = [row[2] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert whats == ["Shared one"]


# What the family is shown ----------------------------------------------------------------------------------


@pytest.fixture
def mixed_register(practitioner, family, mum):
    _hand(practitioner, family, what="Max's attendance this term", recipient="Hill School")
    _hand(practitioner, family, what="Referral to MASH about Dad", recipient="MASH", unsafe_to_disclose=True,
          unsafe_reason="Dad must not learn of it")
    _hand(practitioner, family, what="Health records asked for by the school", decision=Decision.NOT_SHARED,
          basis_text="", not_shared_reason="Not needed")


def test_the_family_page_leaves_out_unsafe_entries_and_tells_practitioners_how_many(practitioner, family,
                                                                                    mixed_register, client_for):
    response = client_for(practitioner).get(reverse("sharing:for_family", args=[family.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "What we have shared about your family, with whom and why" in body
    assert "Max&#39;s attendance this term" in body
    assert "Referral to MASH about Dad" not in body and "Dad must not learn" not in body
    assert "Health records asked for by the school" not in body
    assert "1 entry is not shown because it is marked unsafe to disclose" in body


def test_the_familys_pdf_leaves_out_unsafe_entries_and_is_recorded_as_given_to_the_family(
        practitioner, family, mum, mixed_register, client_for):
    response = client_for(practitioner).post(reverse("sharing:for_family_pdf", args=[family.pk]),
                                             {"recipient": str(mum.pk)})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = read_pdf(response.content)
    assert_accessible(pdf, "What we have shared about your family, with whom and why")
    assert "Max's attendance this term" in pdf.text
    for hidden in ["Referral to MASH", "Dad must not learn", "unsafe", "not shown", "Health records asked for"]:
        assert hidden not in pdf.text, hidden
    given = Disclosure.objects.get(kind=DisclosureKind.TRANSPARENCY_COPY)
    assert given.person == mum and given.recipient.startswith("Jo Testfamily")
    assert given.decision == Decision.SHARED and given.origin == Origin.AUTOMATIC
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, family_id=family.pk,
                                     detail__document="sharing_for_family").exists()


def test_the_familys_copy_needs_to_say_who_it_is_for(practitioner, family, mum, client_for):
    response = client_for(practitioner).post(reverse("sharing:for_family_pdf", args=[family.pk]), {})
    assert response.status_code == 200
    assert "Select who the copy is for" in response.content.decode()
    assert not Disclosure.objects.filter(kind=DisclosureKind.TRANSPARENCY_COPY).exists()


# The family page's panel -----------------------------------------------------------------------------------


def test_the_family_panel_renders_the_latest_entries_and_links(practitioner, family, rf):
    from django.template.loader import render_to_string

    from hearth.sharing.selectors import family_panel

    _auto(practitioner, family, what="Notes of the review")
    request = rf.get("/")
    request.user = practitioner
    html = render_to_string("sharing/_family_panel.html", {
        "panel": family_panel(practitioner, family), "family": family, "request": request})
    assert "Notes of the review" in html
    assert reverse("sharing:family", args=[family.pk]) in html
    assert reverse("sharing:share", args=[family.pk]) in html


def test_the_register_page_loads_in_a_fixed_number_of_queries(practitioner, family, mum, client_for,
                                                              django_assert_max_num_queries):
    for n in range(30):
        _auto(practitioner, family, what=f"Item {n}", person=mum if n % 2 else None)
    client = client_for(practitioner)
    with django_assert_max_num_queries(16):
        body = client.get(reverse("sharing:family", args=[family.pk])).content.decode()
    assert "30 entries" in body
