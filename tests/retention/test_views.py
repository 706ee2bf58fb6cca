"""The data protection officer's retention pages, used the way they would use them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.audit.models import AuditAction, AuditEvent
from hearth.people.models import Family
from hearth.retention import services
from hearth.retention.models import DisposalRun, LegalHold, RunStatus
from hearth.retention.rules import add_years
from tests.queue import run_jobs
from tests.retention.helpers import rich_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(council, lead):
    today = timezone.localdate()
    return {
        "due": rich_family(council, lead, surname="Duefamily", closed_on=add_years(today, -7)),
        "kept": rich_family(council, lead, surname="Keptfamily", closed_on=today - timedelta(days=30)),
    }


def _date(prefix, value):
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


def test_the_rules_page_states_each_rule_in_plain_english(council, dpo, client_for):
    response = client_for(dpo).get(reverse("retention:rules"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "How long Oxfordshire keeps records" in body
    assert "6 years from the close of the family&#39;s latest episode" in body
    assert "Until the youngest child is 25" in body
    assert "Not deleted by disposal" in body  # the audit log
    assert "Deleted with the family&#39;s other records. If this rule is longer" in body  # the sharing register


@pytest.mark.parametrize("name", ["retention:rules", "retention:holds", "retention:hold_new", "retention:runs",
                                  "retention:run_new"])
def test_the_retention_pages_are_refused_to_anyone_but_the_data_protection_officer(name, practitioner, make,
                                                                                    client_for):
    from hearth.accounts.models import Role

    for user in (practitioner, make("max.manager@example.test", Role.MANAGER)):
        assert client_for(user).get(reverse(name)).status_code == 403


def test_placing_a_hold_with_nothing_filled_in_shows_every_problem(dpo, client_for):
    response = client_for(dpo).post(reverse("retention:hold_new"), {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter a name for the hold, like Public inquiry" in body
    assert "Enter why the records must be kept" in body
    assert "Choose which families the hold covers" in body
    assert not LegalHold.objects.exists()


def test_a_hold_naming_unknown_or_malformed_record_numbers_is_refused(dpo, families, client_for):
    client = client_for(dpo)
    data = {"name": "Public inquiry", "reason": "The inquiry asked", "scope": "listed"}
    response = client.post(reverse("retention:hold_new"), {**data, "family_ids": "12a"})
    assert "Family record numbers must be whole numbers, like 1042" in response.content.decode()
    response = client.post(reverse("retention:hold_new"), {**data, "family_ids": f"{families['due'].pk}, 99999"})
    assert "There is no family record numbered 99999 in your council" in response.content.decode()
    response = client.post(reverse("retention:hold_new"), data)
    assert "Enter the record numbers of the families the hold covers" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_placing_and_lifting_a_hold(dpo, families, client_for):
    client = client_for(dpo)
    due = families["due"]
    response = client.post(reverse("retention:hold_new"), {
        "name": "Public inquiry", "reason": "The inquiry asked us to keep them", "scope": "listed",
        "family_ids": f"{due.pk}\n{families['kept'].pk}"})
    hold = LegalHold.objects.get()
    assert response.status_code == 302 and response.url == reverse("retention:hold", kwargs={"hold_id": hold.pk})
    body = client.get(response.url).content.decode()
    assert "In place" in body and f"{due.pk}, {families['kept'].pk}" in body and "2 family records" in body
    assert "Duefamily" not in body  # record numbers, never names
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="retention.legalhold").exists()
    listing = client.get(reverse("retention:holds")).content.decode()
    assert "Public inquiry" in listing and "2 families" in listing
    # Lifting needs a reason.
    response = client.post(reverse("retention:hold", kwargs={"hold_id": hold.pk}), {"version": hold.version})
    assert "Enter why the hold is being lifted" in response.content.decode()
    response = client.post(reverse("retention:hold", kwargs={"hold_id": hold.pk}),
                           {"version": hold.version, "reason": "The inquiry has reported"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert not hold.is_active and hold.lifted_by == dpo
    assert "Lifted" in client.get(reverse("retention:holds")).content.decode()


def test_lifting_a_hold_someone_else_changed_keeps_the_reason_typed(dpo, second_dpo, families, client_for):
    hold = services.legal_hold_place(actor=dpo, name="Inquiry", reason="Keep", all_families=True)
    services.legal_hold_lift(actor=second_dpo, hold=hold, reason="Done")
    response = client_for(dpo).post(reverse("retention:hold", kwargs={"hold_id": hold.pk}),
                                    {"version": 1, "reason": "My careful reason"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this hold" in body and "My careful reason" in body


def test_the_whole_disposal_through_the_pages(dpo, second_dpo, families, client_for):
    client = client_for(dpo)
    response = client.post(reverse("retention:run_new"), _date("as_of", timezone.localdate()))
    run = DisposalRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("retention:run", kwargs={"run_id": run.pk})
    body = client.get(response.url).content.decode()
    assert "Counting what is due" in body and "See the job's progress" in body
    assert run_jobs() == 1
    run.refresh_from_db()
    body = client.get(response.url).content.decode()
    assert "Prepared: waiting for approval" in body
    assert "You prepared this disposal, so another data protection officer must approve it" in body
    assert "Records due, by retention rule" in body and "Due for disposal" in body
    # The preparer cannot approve it, even by posting the form.
    response = client.post(reverse("retention:run_approve", kwargs={"run_id": run.pk}),
                           {"version": run.version, "confirm": "on"})
    assert response.status_code == 200
    assert "A disposal cannot be approved by the person who prepared it" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.PREPARED

    other = client_for(second_dpo)
    response = other.post(reverse("retention:run_approve", kwargs={"run_id": run.pk}), {"version": run.version})
    assert "Confirm that you have checked the counts and approve this disposal" in response.content.decode()
    response = other.post(reverse("retention:run_approve", kwargs={"run_id": run.pk}),
                          {"version": run.version, "confirm": "on"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    body = other.get(reverse("retention:run", kwargs={"run_id": run.pk})).content.decode()
    assert "Run the disposal now" in body and "deleted permanently" in body

    response = other.post(reverse("retention:run_start", kwargs={"run_id": run.pk}), {"version": run.version})
    assert "Confirm that you understand the records will be deleted permanently" in response.content.decode()
    assert Family.objects.filter(pk=families["due"].pk).exists()
    response = other.post(reverse("retention:run_start", kwargs={"run_id": run.pk}),
                          {"version": run.version, "confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("retention:run", kwargs={"run_id": run.pk})
    assert "is running" in other.get(response.url).content.decode()
    assert Family.objects.filter(pk=families["due"].pk).exists()
    assert run_jobs() == 1
    assert not Family.objects.filter(pk=families["due"].pk).exists()
    body = other.get(reverse("retention:certificate", kwargs={"run_id": run.pk})).content.decode()
    assert f"Disposal certificate DC-{run.pk}" in body and "This certificate names no family or person" in body
    assert "Approved" in body and second_dpo.full_name in body and dpo.full_name in body
    for name in ("Duefamily", "Alice", "Cara", "OX1"):
        assert name not in body
    assert "Completed" in other.get(reverse("retention:run", kwargs={"run_id": run.pk})).content.decode()
    assert "DR-" in other.get(reverse("retention:runs")).content.decode()


def test_approving_an_out_of_date_page_is_refused_with_a_warning(dpo, second_dpo, families, client_for):
    run = services.disposal_prepare(actor=dpo)
    services.disposal_cancel(actor=dpo, run=run)
    response = client_for(second_dpo).post(reverse("retention:run_approve", kwargs={"run_id": run.pk}),
                                           {"version": 1, "confirm": "on"})
    assert response.status_code == 200
    assert "Someone else changed this disposal" in response.content.decode()


def test_cancelling_a_prepared_disposal(dpo, families, client_for):
    run = services.disposal_prepare(actor=dpo)
    response = client_for(dpo).post(reverse("retention:run_cancel", kwargs={"run_id": run.pk}),
                                    {"version": run.version})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert Family.objects.filter(pk=families["due"].pk).exists()


def test_actions_answer_only_posts(dpo, families, client_for):
    run = services.disposal_prepare(actor=dpo)
    for name in ("retention:run_approve", "retention:run_start", "retention:run_cancel"):
        assert client_for(dpo).get(reverse(name, kwargs={"run_id": run.pk})).status_code == 405


def test_a_disposal_of_another_council_is_not_found(dpo, other_council, families, client_for):
    from conftest import make_user
    from hearth.accounts.models import Role

    run = services.disposal_prepare(actor=dpo)
    elsewhere = make_user(other_council, "gina.glos@example.test", [Role.DPO])
    client = client_for(elsewhere)
    assert client.get(reverse("retention:run", kwargs={"run_id": run.pk})).status_code == 403
    assert client.post(reverse("retention:run_cancel", kwargs={"run_id": run.pk}),
                       {"version": run.version}).status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.PREPARED


def test_preparing_a_bad_date_shows_the_error(dpo, client_for):
    response = client_for(dpo).post(reverse("retention:run_new"), {"as_of-day": "31", "as_of-month": "2",
                                                                   "as_of-year": "2026"})
    assert response.status_code == 200
    assert "Records due by must be a real date" in response.content.decode()
    assert not DisposalRun.objects.exists()
