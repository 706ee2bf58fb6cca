"""The rules of a subject access request, each allowed and refused: who may work on it, the due date and its one
extension, identity, withholding, release and closing."""

import datetime
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.sharing.models import Disclosure, DisclosureKind
from hearth.subject_access import services
from hearth.subject_access.models import (
    DUE_DATE_MESSAGE,
    ReleasedBundle,
    SarStatus,
    SubjectAccessRequest,
    Withholding,
    due_date,
)
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _release(dpo, sar) -> ReleasedBundle:
    """Release, then run the job that prepares the bundle, as the worker does."""
    services.sar_release(actor=dpo, sar=sar, version=sar.version)
    run_jobs()
    return ReleasedBundle.objects.get(sar=sar)


def _create(actor, subject, **kwargs):
    defaults = dict(requester_name="Jo Testfamily", requester_relationship="self",
                    received_on=TODAY() - datetime.timedelta(days=3))
    return services.sar_create(actor=actor, subject=subject, **{**defaults, **kwargs})


# Recording a request ---------------------------------------------------------------------------------------


def test_the_dpo_records_a_request_due_one_calendar_month_after_receipt(dpo, mum):
    received = TODAY() - datetime.timedelta(days=3)
    sar = _create(dpo, mum, received_on=received)
    assert sar.due_on == due_date(received)
    assert sar.status == SarStatus.OPEN and not sar.is_verified
    assert sar.reference == f"SAR-{received:%Y}-{sar.pk:05d}"
    assert SubjectAccessRequest.objects.get(pk=sar.pk).reference == sar.reference
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="subject_access.subjectaccessrequest")
    assert event.person_id == mum.pk and event.actor == dpo


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COORDINATOR, Role.MANAGER, Role.MASH_SCREENER,
                                  Role.ANALYST, Role.SYSADMIN])
def test_only_the_data_protection_officer_may_record_a_request(make, mum, role):
    user = make(f"{role}@example.test", role)
    with pytest.raises(NotPermitted):
        _create(user, mum)
    assert not SubjectAccessRequest.objects.exists()


def test_the_dpo_of_another_council_may_not_record_a_request_about_this_councils_person(other_dpo, mum):
    with pytest.raises(NotPermitted):
        _create(other_dpo, mum)


def test_a_request_received_in_the_future_is_refused(dpo, mum):
    with pytest.raises(ValidationFailed) as exc:
        _create(dpo, mum, received_on=TODAY() + datetime.timedelta(days=1))
    assert exc.value.errors == {"received_on": "The date the request was received must be today or in the past"}


def test_the_requester_name_and_date_are_required(dpo, mum):
    with pytest.raises(ValidationFailed) as exc:
        _create(dpo, mum, requester_name="  ", received_on=None)
    assert exc.value.errors["requester_name"] == "Enter the name of the person asking"
    assert exc.value.errors["received_on"] == "Enter the date the request was received"


def test_a_parent_may_ask_for_a_young_childs_information_saying_for_whom(dpo, child):
    sar = _create(dpo, child, requester_name="Jo Testfamily", requester_relationship="parent",
                  on_behalf_of="Her son Max, aged 8")
    assert sar.subject == child and sar.on_behalf_of == "Her son Max, aged 8"


def test_a_parent_must_say_on_whose_behalf_they_ask(dpo, child):
    with pytest.raises(ValidationFailed) as exc:
        _create(dpo, child, requester_relationship="parent")
    assert "on_behalf_of" in exc.value.errors


def test_a_parent_cannot_ask_for_an_adults_information(dpo, mum):
    with pytest.raises(ValidationFailed) as exc:
        _create(dpo, mum, requester_relationship="parent", on_behalf_of="My daughter")
    assert "Jo Testfamily is an adult" in exc.value.errors["requester_relationship"]


def test_a_young_person_asks_for_themselves_and_an_adult_is_not_a_young_person(dpo, child, mum):
    assert _create(dpo, child, requester_name="Max Testfamily", requester_relationship="young_person").pk
    with pytest.raises(ValidationFailed):
        _create(dpo, mum, requester_relationship="young_person")


def test_a_child_is_not_recorded_as_asking_as_an_adult_for_themselves(dpo, child):
    with pytest.raises(ValidationFailed) as exc:
        _create(dpo, child, requester_name="Max Testfamily", requester_relationship="self")
    assert "under 18" in exc.value.errors["requester_relationship"]


# The due date ---------------------------------------------------------------------------------------------


def test_the_due_date_cannot_be_changed_except_by_an_extension(dpo, sar):
    for changes in ({"due_on": sar.due_on + datetime.timedelta(days=30)}, {"extension_months": 2}):
        with pytest.raises(ValidationFailed) as exc:
            services.sar_update(actor=dpo, sar=sar, version=sar.version, changes=changes)
        assert exc.value.errors == {"due_on": DUE_DATE_MESSAGE}
    with pytest.raises(ValidationFailed) as exc:
        services.sar_update(actor=dpo, sar=sar, version=sar.version,
                            changes={"received_on": sar.received_on - datetime.timedelta(days=40)})
    assert DUE_DATE_MESSAGE in exc.value.errors["received_on"]
    sar.refresh_from_db()
    assert sar.due_on == due_date(sar.received_on)


def test_saving_a_request_with_a_moved_due_date_is_refused_by_the_model(sar):
    sar.due_on = sar.due_on + datetime.timedelta(days=10)
    with pytest.raises(ValueError, match=DUE_DATE_MESSAGE):
        sar.save()


def test_the_requesters_details_can_be_corrected(dpo, sar):
    updated = services.sar_update(actor=dpo, sar=sar, version=sar.version,
                                  changes={"requester_name": "Joanne Testfamily", "requester_contact": "jo@x.test"})
    assert updated.requester_name == "Joanne Testfamily" and updated.version == sar.version + 1
    assert updated.due_on == sar.due_on


def test_a_change_based_on_an_old_version_is_a_conflict(dpo, sar):
    services.sar_update(actor=dpo, sar=sar, version=sar.version, changes={"requester_name": "Jo T"})
    with pytest.raises(Conflict):
        services.sar_update(actor=dpo, sar=sar, version=sar.version, changes={"requester_name": "Jo Other"})


def test_an_extension_adds_months_counted_from_receipt_and_records_who_and_why(dpo, mum):
    sar = _create(dpo, mum, received_on=TODAY() - datetime.timedelta(days=2))
    extended = services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=2, reason="Complex request",
                                   today=sar.received_on)
    assert extended.due_on == due_date(sar.received_on, 2) > sar.due_on
    assert extended.extension_months == 2 and extended.extended_by == dpo and extended.extension_reason
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, detail__extension_months=2).exists()


def test_an_extension_can_be_recorded_only_once(dpo, sar):
    sar = services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=1, reason="Complex")
    with pytest.raises(ValidationFailed) as exc:
        services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=1, reason="Still complex")
    assert "only be extended once" in exc.value.errors["months"]
    sar.refresh_from_db()
    assert sar.due_on == due_date(sar.received_on, 1)


@pytest.mark.parametrize("months", [None, 0, 3, 6])
def test_an_extension_is_one_or_two_months(dpo, sar, months):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=months, reason="Complex")
    assert exc.value.errors == {"months": "Choose an extension of 1 or 2 months"}


def test_an_extension_needs_a_reason(dpo, sar):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=1, reason=" ")
    assert "reason" in exc.value.errors


def test_an_extension_after_the_due_date_has_passed_is_refused(dpo, sar):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=2, reason="Complex",
                            today=sar.due_on + datetime.timedelta(days=1))
    assert "before it passes" in exc.value.errors["months"]


def test_the_due_date_of_a_request_received_on_31_january_is_the_end_of_february(dpo, mum):
    sar = SubjectAccessRequest(council=mum.council, reference="SAR-X", subject=mum, requester_name="Jo",
                               requester_relationship="self", received_on=datetime.date(2024, 1, 31),
                               due_on=datetime.date(2024, 2, 29))
    sar.save()
    assert sar.due_on == datetime.date(2024, 2, 29)
    extended = services.sar_extend(actor=dpo, sar=sar, version=sar.version, months=1, reason="Complex",
                                   today=datetime.date(2024, 2, 20))
    # 31 March 2024 is Easter Sunday and 1 April Easter Monday: the deadline is the next working day
    assert extended.due_on == datetime.date(2024, 4, 2)


# Identity --------------------------------------------------------------------------------------------------


def test_identity_verification_records_method_note_who_and_when(dpo, sar):
    verified = services.sar_verify(actor=dpo, sar=sar, version=sar.version, method="photo_id", note="Passport")
    assert verified.is_verified and verified.verified_by == dpo and verified.verification_method == "photo_id"
    assert verified.verified_at is not None


def test_another_way_of_checking_identity_needs_a_note(dpo, sar):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_verify(actor=dpo, sar=sar, version=sar.version, method="other", note="")
    assert exc.value.errors == {"note": "Describe how the requester's identity was checked"}


def test_identity_is_recorded_once(dpo, verified):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_verify(actor=dpo, sar=verified, version=verified.version, method="documents")
    assert "already been verified" in exc.value.errors["method"]


# Withholding -----------------------------------------------------------------------------------------------


def test_an_item_or_one_field_can_be_withheld_with_a_reason(dpo, sar, history):
    whole = services.withholding_add(actor=dpo, sar=sar, item_key=f"casenote:{history.other_note.pk}",
                                     reason="third_party_source", note="The neighbour has not agreed")
    field = services.withholding_add(actor=dpo, sar=sar, item_key=f"contribution:{history.contribution.pk}/opinions",
                                     reason="third_party")
    assert {w.item_key for w in Withholding.objects.filter(sar=sar)} == {whole.item_key, field.item_key}
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="subject_access.withholding").count() == 2


def test_withholding_something_that_is_not_in_the_bundle_is_refused(dpo, sar, history):
    with pytest.raises(ValidationFailed) as exc:
        services.withholding_add(actor=dpo, sar=sar, item_key="casenote:999999", reason="third_party")
    assert exc.value.errors == {"item_key": "Choose what to withhold"}


def test_withholding_the_same_thing_twice_is_a_conflict(dpo, sar, history):
    key = f"casenote:{history.note.pk}"
    services.withholding_add(actor=dpo, sar=sar, item_key=key, reason="third_party")
    with pytest.raises(Conflict):
        services.withholding_add(actor=dpo, sar=sar, item_key=key, reason="third_party")
    with pytest.raises(Conflict, match="whole of this item"):
        services.withholding_add(actor=dpo, sar=sar, item_key=f"{key}/body", reason="third_party")


def test_another_exemption_needs_a_note_and_a_reason_is_required(dpo, sar, history):
    with pytest.raises(ValidationFailed) as exc:
        services.withholding_add(actor=dpo, sar=sar, item_key=f"casenote:{history.note.pk}", reason="other_exemption")
    assert exc.value.errors == {"note": "Say which exemption applies, and why"}
    with pytest.raises(ValidationFailed):
        services.withholding_add(actor=dpo, sar=sar, item_key=f"casenote:{history.note.pk}", reason="")


def test_a_withholding_can_be_removed_while_the_request_is_open(dpo, sar, history):
    w = services.withholding_add(actor=dpo, sar=sar, item_key=f"casenote:{history.note.pk}", reason="third_party")
    services.withholding_remove(actor=dpo, sar=sar, withholding=w)
    assert not Withholding.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="subject_access.withholding").exists()


def test_someone_else_cannot_withhold(practitioner, sar, history):
    with pytest.raises(NotPermitted):
        services.withholding_add(actor=practitioner, sar=sar, item_key=f"casenote:{history.note.pk}",
                                 reason="third_party")


# Release ---------------------------------------------------------------------------------------------------


def test_an_unverified_request_cannot_be_released(dpo, sar, history):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_release(actor=dpo, sar=sar, version=sar.version)
    assert exc.value.errors == {"verification": "The requester's identity has not been verified"}
    sar.refresh_from_db()
    assert sar.status == SarStatus.OPEN and not ReleasedBundle.objects.exists()
    assert not Disclosure.objects.filter(kind=DisclosureKind.SUBJECT_ACCESS).exists()


def test_release_records_the_status_a_register_entry_in_each_family_and_an_export(dpo, verified, history, family):
    released = _release(dpo, verified)
    verified.refresh_from_db()
    assert verified.status == SarStatus.RELEASED and verified.released_by == dpo and verified.released_at
    assert bytes(released.pdf).startswith(b"%PDF-") and json.loads(released.json)["reference"] == verified.reference
    entry = Disclosure.objects.get(kind=DisclosureKind.SUBJECT_ACCESS)
    assert entry.what == "Subject access release" and entry.family == family and entry.person == verified.subject
    assert entry.recipient == "Jo Testfamily (the person themselves)" and entry.disclosed_by == dpo
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="subject_access.subjectaccessrequest")
    assert export.person_id == verified.subject_id and export.detail["document"] == "subject_access_bundle"


def test_a_released_request_cannot_be_released_or_changed_again(dpo, verified, history):
    services.sar_release(actor=dpo, sar=verified, version=verified.version)
    verified.refresh_from_db()
    with pytest.raises(DomainError, match="no longer open"):
        services.sar_release(actor=dpo, sar=verified, version=verified.version)
    with pytest.raises(DomainError, match="no longer open"):
        services.sar_extend(actor=dpo, sar=verified, version=verified.version, months=1, reason="Late")
    with pytest.raises(DomainError, match="no longer open"):
        services.withholding_add(actor=dpo, sar=verified, item_key=f"casenote:{history.note.pk}",
                                 reason="third_party")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bytes(data))).pages)


def test_withheld_items_and_fields_appear_nowhere_in_the_released_pdf_or_json(dpo, verified, history):
    withheld = {
        f"casenote:{history.other_note.pk}": ("Phone call Nt3", "Neighbour said Nt4"),  # a whole note
        f"contribution:{history.contribution.pk}/opinions": ("Health views Hv2",),  # one field
        f"disclosure:{history.disclosure.pk}": ("Notes sent Ds1",),  # a register entry
        f"referral:{history.referral.pk}/requester": ("Rita Referrer",),  # who made the referral
        f"meeting:{history.meeting.pk}/minutes": ("Meeting minutes Mm1",),
    }
    for key in withheld:
        services.withholding_add(actor=dpo, sar=verified, item_key=key, reason="third_party")
    released = _release(dpo, verified)
    text, data = _pdf_text(released.pdf), released.json
    parsed = json.loads(data)
    for key, strings in withheld.items():
        for s in strings:
            assert s not in text, (key, s)
            assert s not in data, (key, s)
        assert key not in data  # not even the key: nothing shows where it was
    # What was not withheld is there, in both.
    for kept in ("Note details Nt2", "Health facts Hv1", "Referral concerns Rf1", "Background facts Bq1"):
        assert kept in " ".join(text.split()) and kept in data
    assert parsed["withheld"]["reasons"] == ["Information about another person"]
    assert "Some information has been left out of this copy" in " ".join(text.split())
    assert released.withheld == 5


def test_an_item_whose_every_field_is_withheld_goes_entirely(dpo, verified, history):
    note = history.note
    for name in ("summary", "body", "author"):
        services.withholding_add(actor=dpo, sar=verified, item_key=f"casenote:{note.pk}/{name}", reason="third_party")
    released = _release(dpo, verified)
    assert f"casenote:{note.pk}" not in released.json
    assert "Home visit Nt1" not in _pdf_text(released.pdf)


# Closing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [SarStatus.WITHDRAWN, SarStatus.CLOSED])
def test_a_request_can_be_withdrawn_or_closed_with_a_reason(dpo, sar, outcome):
    closed = services.sar_close(actor=dpo, sar=sar, version=sar.version, outcome=outcome, reason="By email")
    assert closed.status == outcome and closed.closed_by == dpo and closed.close_reason == "By email"
    with pytest.raises(DomainError, match="no longer open"):
        services.sar_verify(actor=dpo, sar=closed, version=closed.version, method="photo_id")


def test_closing_needs_an_outcome_and_a_reason(dpo, sar):
    with pytest.raises(ValidationFailed) as exc:
        services.sar_close(actor=dpo, sar=sar, version=sar.version, outcome="released", reason="")
    assert set(exc.value.errors) == {"outcome", "reason"}


def test_a_withholding_cannot_be_removed_after_release(dpo, verified, history):
    w = services.withholding_add(actor=dpo, sar=verified, item_key=f"casenote:{history.note.pk}",
                                 reason="third_party")
    services.sar_release(actor=dpo, sar=verified, version=verified.version)
    with pytest.raises(DomainError, match="no longer open"):
        services.withholding_remove(actor=dpo, sar=verified, withholding=w)
    assert Withholding.objects.filter(pk=w.pk).exists()


def test_the_dpo_of_another_council_cannot_change_a_request(other_dpo, sar):
    with pytest.raises(NotPermitted):
        services.sar_verify(actor=other_dpo, sar=sar, version=sar.version, method="photo_id")
    with pytest.raises(NotPermitted):
        services.sar_release(actor=other_dpo, sar=sar, version=sar.version)
