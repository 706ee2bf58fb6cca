"""Disposal: which families go (due before or on the as-of date), which stay (due after it, under a legal hold,
open), that a person shared with a kept family stays, that nothing of a disposed family is left behind, and
that the audit log and the certificate name no one and lose nothing."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hearth.assessments.models import SectionKey
from hearth.audit.models import AuditAction, AuditEvent
from hearth.audit.trail import verify_chain
from hearth.cases.models import CaseNote, Episode
from hearth.consent.models import Agreement, LawfulBasis, ShareConsent
from hearth.core.errors import NotPermitted
from hearth.outcomes.models import Score
from hearth.people.models import Address, Family, FamilyMember, Person, PersonName, Relationship
from hearth.plans.models import Action, Invitation, Meeting
from hearth.referrals.models import Referral, ReferralStatus
from hearth.retention import collector, services, sweep
from hearth.retention.models import DisposalCertificate, RunStatus
from hearth.retention.rules import add_years
from hearth.sharing.models import Disclosure
from tests.retention.helpers import person, rich_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(council, lead, dpo, today):
    """Families due before, on and after today (six years from the close of the latest episode), one due long
    ago but under a legal hold, one with an open episode, and one with a request for support not yet screened.
    Sam belongs to the family due before today and to the one due after it."""
    six_years_ago = add_years(today, -6)
    sam = person(council, "Samira", "Shared", timezone.localdate().replace(year=1979))
    families = {
        "before": rich_family(council, lead, surname="Before", closed_on=six_years_ago - timedelta(days=400),
                              members=[sam]),
        "on": rich_family(council, lead, surname="Ontheday", closed_on=six_years_ago),
        "after": rich_family(council, lead, surname="After", closed_on=six_years_ago + timedelta(days=1),
                             members=[sam]),
        "held": rich_family(council, lead, surname="Held", closed_on=six_years_ago - timedelta(days=900)),
        "open": rich_family(council, lead, surname="Stillopen", closed_on=None, open_episode=True),
    }
    waiting = Family.objects.create(council=council, name="The Waiting family")
    Family.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=365 * 9),
                                                updated_at=timezone.now() - timedelta(days=365 * 9))
    Referral.objects.create(council=council, reference="RFS-2020-000001", family=waiting, requester_kind="parent",
                            requester_name="A parent", concerns="Help", status=ReferralStatus.AWAITING_SCREENING,
                            received_at=timezone.now() - timedelta(days=365 * 9))
    families["waiting"] = waiting
    services.legal_hold_place(actor=dpo, name="Public inquiry", reason="The inquiry asked us to keep them",
                              family_ids=[families["held"].pk])
    return {"families": families, "sam": sam}


def _people_of(family):
    return list(Person.objects.filter(memberships__family=family).values_list("pk", flat=True))


def test_a_run_disposes_of_families_due_before_and_on_the_date_and_keeps_the_rest(world, dpo, second_dpo, today):
    f = world["families"]
    gone_people = {name: _people_of(f[name]) for name in ("before", "on")}
    audit_before = AuditEvent.objects.count()

    run = services.disposal_prepare(actor=dpo, as_of=today)
    run = services.disposal_approve(actor=second_dpo, run=run)
    certificate = services.disposal_run(actor=second_dpo, run=run)

    remaining = set(Family.objects.values_list("pk", flat=True))
    assert f["before"].pk not in remaining and f["on"].pk not in remaining
    assert {f[n].pk for n in ("after", "held", "open", "waiting")} <= remaining
    # Their people are gone, except Sam, who also belongs to a family that is kept.
    sam = world["sam"]
    for name, people in gone_people.items():
        left = set(Person.objects.filter(pk__in=people).values_list("pk", flat=True))
        assert left == ({sam.pk} if name == "before" else set()), name
    assert list(FamilyMember.objects.filter(person=sam).values_list("family_id", flat=True)) == [f["after"].pk]
    assert PersonName.objects.filter(person=sam).exists() and Address.objects.filter(person=sam).exists()
    # Nothing of the disposed families is left behind, and kept families keep everything.
    for model in (Episode, CaseNote, Agreement, ShareConsent, LawfulBasis, Disclosure):
        assert not model.objects.filter(family_id__in=[f["before"].pk, f["on"].pk]).exists(), model
        assert model.objects.filter(family_id=f["after"].pk).exists(), model
    assert Meeting.objects.filter(episode__family=f["after"]).count() == 1
    assert Relationship.objects.filter(from_person_id__in=gone_people["on"]).count() == 0
    assert Score.objects.count() == 3 * 20  # two readings of ten scores for each kept family with an episode
    connection.check_constraints()  # no row points at a deleted one
    # The run's counts.
    assert run.refresh_from_db() is None and run.status == RunStatus.COMPLETED
    assert run.results["families"]["disposed"] == 2 and run.results["families"]["held"] == 1
    assert run.results["people"] == {"disposed": 6, "kept": 1}
    assert certificate.totals["families"] == 2 and certificate.totals["people"] == 6
    # Audit rows are never deleted; each batch that deleted something adds one with counts only.
    assert AuditEvent.objects.count() > audit_before
    batches = AuditEvent.objects.filter(action=AuditAction.ADMIN, object_type="retention.disposalrun",
                                        detail__step="batch")
    assert batches.count() == 1
    assert batches.get().detail == {"step": "batch", "batch": 1, "families": 2, "people": 6,
                                    "records": sum(run.results["records"].values())}
    assert batches.get().family_id is None and batches.get().person_id is None


def test_the_dry_run_counts_exactly_what_the_run_deletes(world, dpo, second_dpo, today):
    run = services.disposal_prepare(actor=dpo, as_of=today)
    assert Family.objects.filter(pk=world["families"]["before"].pk).exists()  # a dry run deletes nothing
    counts = run.counts
    assert counts["families"]["by_state"] == {"due": 2, "held": 1, "not_yet_due": 1, "open": 2, "undetermined": 0}
    assert counts["governs"] == {"early_help_assessment": 2}
    services.disposal_approve(actor=second_dpo, run=run)
    services.disposal_run(actor=dpo, run=run)
    run.refresh_from_db()
    assert run.results["records"] == counts["records"]
    assert run.results["people"] == counts["people"]
    by_type = counts["by_record_type"]
    sections = len(SectionKey.values)
    assert by_type["early_help_assessment"] == 2 * (2 + 2 * sections + 2 + 1)  # assessments, sections, views, a part
    assert by_type["case_notes"] == 2 and by_type["sharing_register"] == 4
    assert counts["records"]["people.person"] == 6


def test_a_hold_placed_after_approval_is_respected_at_run_time(world, dpo, second_dpo, today):
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    services.legal_hold_place(actor=dpo, name="Complaint", reason="Ombudsman", family_ids=[world["families"]["on"].pk])
    services.disposal_run(actor=dpo, run=run)
    assert Family.objects.filter(pk=world["families"]["on"].pk).exists()
    assert not Family.objects.filter(pk=world["families"]["before"].pk).exists()


def test_a_hold_on_every_family_keeps_them_all(world, dpo, second_dpo, today):
    services.legal_hold_place(actor=dpo, name="Public inquiry", reason="Everything", all_families=True)
    run = services.disposal_prepare(actor=dpo, as_of=today)
    assert run.counts["families"]["by_state"]["due"] == 0 and run.counts["families"]["held"] == 3


def test_a_lifted_hold_no_longer_keeps_the_family(world, dpo, second_dpo, today):
    hold = world["families"]["held"].legal_holds.get()
    services.legal_hold_lift(actor=second_dpo, hold=hold, reason="The inquiry reported")
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    services.disposal_run(actor=dpo, run=run)
    assert not Family.objects.filter(pk=world["families"]["held"].pk).exists()
    hold.refresh_from_db()
    assert hold.families.count() == 0 and hold.families_named == 1


def test_a_person_referred_to_by_a_kept_familys_record_is_kept(council, lead, dpo, second_dpo, today):
    gone = rich_family(council, lead, surname="Gone", closed_on=add_years(today, -7))
    kept = rich_family(council, lead, surname="Kept", closed_on=today)
    grandma = FamilyMember.objects.get(family=gone, person__given_name="Alice").person
    Invitation.objects.create(meeting=Meeting.objects.get(episode__family=kept), person=grandma)
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    services.disposal_run(actor=dpo, run=run)
    assert not Family.objects.filter(pk=gone.pk).exists()
    assert Person.objects.filter(pk=grandma.pk).exists()
    assert Person.objects.filter(memberships__family=gone).count() == 0
    run.refresh_from_db()
    assert run.results["people"] == {"disposed": 2, "kept": 1}
    connection.check_constraints()


def test_a_person_in_two_due_families_goes_once_with_the_later_one(council, lead, dpo, second_dpo, today):
    both = person(council, "Dana", "Twice", today.replace(year=1980))
    first = rich_family(council, lead, surname="First", closed_on=add_years(today, -8), members=[both])
    second = rich_family(council, lead, surname="Second", closed_on=add_years(today, -7), members=[both])
    Agreement.objects.create(family=first, given_by=both, giver_kind="parent_pr", given_on=today, method="verbal")
    run = services.disposal_prepare(actor=dpo, as_of=today, batch=1)  # one family a batch
    assert run.counts["people"] == {"disposed": 7, "kept": 1}
    services.disposal_approve(actor=second_dpo, run=run)
    services.disposal_run(actor=dpo, run=run, batch=1)
    run.refresh_from_db()
    assert not Family.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not Person.objects.filter(pk=both.pk).exists()
    assert run.results["people"] == run.counts["people"]
    assert run.results["records"] == run.counts["records"]


def test_records_about_special_needs_keep_the_family_until_the_child_is_25(council, lead, dpo, today):
    young = rich_family(council, lead, surname="Young", closed_on=add_years(today, -7), child_disabled=True,
                        child_born=add_years(today, -20))
    grown = rich_family(council, lead, surname="Grown", closed_on=add_years(today, -7), child_disabled=True,
                        child_born=add_years(today, -26))
    run = services.disposal_prepare(actor=dpo, as_of=today)
    assert run.counts["families"]["by_state"]["due"] == 1 and run.counts["families"]["by_state"]["not_yet_due"] == 1
    assert run.counts["governs"] == {"early_help_assessment": 1}
    assert young.pk and grown.pk


def test_a_run_as_of_a_future_date_can_be_prepared_but_not_run(world, dpo, second_dpo, today):
    run = services.disposal_prepare(actor=dpo, as_of=today + timedelta(days=1))
    assert run.counts["families"]["by_state"]["due"] == 3  # the "after" family falls due tomorrow
    services.disposal_approve(actor=second_dpo, run=run)
    with pytest.raises(services.DisposalRefused, match="cannot be run before that date"):
        services.disposal_run(actor=dpo, run=run)
    assert Family.objects.filter(pk=world["families"]["before"].pk).exists()


def test_approval_by_the_person_who_prepared_it_is_refused(world, dpo):
    run = services.disposal_prepare(actor=dpo)
    with pytest.raises(services.DisposalRefused, match="A disposal cannot be approved by the person who prepared it"):
        services.disposal_approve(actor=dpo, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.PREPARED and run.approved_by is None


def test_an_unapproved_run_cannot_be_run(world, dpo):
    run = services.disposal_prepare(actor=dpo)
    with pytest.raises(services.DisposalRefused, match="approved by a second person"):
        services.disposal_run(actor=dpo, run=run)
    assert Family.objects.filter(pk=world["families"]["before"].pk).exists()


def test_a_completed_run_cannot_be_run_or_approved_again(world, dpo, second_dpo):
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo))
    services.disposal_run(actor=dpo, run=run)
    with pytest.raises(services.DisposalRefused, match="completed"):
        services.disposal_run(actor=dpo, run=run)
    with pytest.raises(services.DisposalRefused, match="completed"):
        services.disposal_approve(actor=second_dpo, run=run)


def test_a_cancelled_run_cannot_be_approved(world, dpo, second_dpo):
    run = services.disposal_cancel(actor=dpo, run=services.disposal_prepare(actor=dpo))
    with pytest.raises(services.DisposalRefused, match="cancelled"):
        services.disposal_approve(actor=second_dpo, run=run)


def test_only_a_data_protection_officer_of_the_council_manages_disposal(world, lead, dpo, other_council, today):
    from conftest import make_user
    from hearth.accounts.models import Role

    with pytest.raises(NotPermitted):
        services.disposal_prepare(actor=lead)
    elsewhere = make_user(other_council, "gina.glos@example.test", [Role.DPO])
    with pytest.raises(NotPermitted):
        services.disposal_prepare(actor=elsewhere, council=world["families"]["before"].council)
    run = services.disposal_prepare(actor=dpo)
    with pytest.raises(NotPermitted):
        services.disposal_approve(actor=elsewhere, run=run)
    with pytest.raises(NotPermitted):
        services.legal_hold_place(actor=lead, name="Inquiry", reason="Keep", all_families=True)


def test_the_certificate_identifies_no_one(world, dpo, second_dpo, today):
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    certificate = services.disposal_run(actor=dpo, run=run)
    text = json.dumps([certificate.lines, certificate.totals])
    for name in ("Before", "Ontheday", "Alice", "Bob", "Cara", "Samira", "Shared", "OX1"):
        assert name not in text
    for family in world["families"].values():
        assert f'"family_id": {family.pk}' not in text
    lines = {line["record_type"]: line for line in certificate.lines}
    assert lines["families"]["count"] == 2 and lines["people"]["count"] == 6
    assert lines["early_help_assessment"]["rule"] == "6 years from the close of the family's latest episode"
    assert lines["case_notes"]["count"] == 2
    assert "audit_log" not in lines
    assert certificate.prepared_by_name == dpo.full_name and certificate.approved_by_name == second_dpo.full_name
    assert DisposalCertificate.objects.get(run=run).reference == f"DC-{run.pk}"


def test_audit_rows_about_disposed_families_remain_and_the_chain_still_verifies(world, dpo, second_dpo, today):
    before = world["families"]["before"]
    AuditEvent.objects.create(action=AuditAction.VIEW, object_type="people.family", object_id=str(before.pk),
                              family_id=before.pk)
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    services.disposal_run(actor=dpo, run=run)
    assert AuditEvent.objects.filter(family_id=before.pk).exists()
    from hearth.audit.trail import seal_pending

    seal_pending()
    assert verify_chain().ok


def test_a_stopped_run_resumes_after_its_last_committed_batch(world, dpo, second_dpo, today, monkeypatch):
    run = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    calls = []
    real = sweep.dispose_families

    def failing(*args, **kwargs):
        if kwargs.get("apply") and args[3] and not calls:
            calls.append(args[3])
            return real(*args, **kwargs)
        if kwargs.get("apply") and args[3]:
            raise RuntimeError("the machine stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep, "dispose_families", failing)
    with pytest.raises(RuntimeError):
        services.disposal_run(actor=dpo, run=run, batch=1)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.results["batches"] == 1
    with pytest.raises(services.DisposalRefused, match="already running"):
        services.disposal_run(actor=dpo, run=run)
    monkeypatch.setattr(sweep, "dispose_families", real)
    certificate = services.disposal_run(actor=dpo, run=run, resume=True, batch=1)
    assert certificate.totals["families"] == 2
    assert not Family.objects.filter(pk__in=[world["families"]["before"].pk, world["families"]["on"].pk]).exists()


def test_the_scheduled_job_runs_approved_disposals_whose_date_has_come(world, dpo, second_dpo, today):
    waiting = services.disposal_prepare(actor=dpo, as_of=today)
    approved = services.disposal_approve(actor=second_dpo, run=services.disposal_prepare(actor=dpo, as_of=today))
    future = services.disposal_approve(actor=second_dpo,
                                       run=services.disposal_prepare(actor=dpo, as_of=today + timedelta(days=3)))
    certificates = services.run_due_disposals()
    assert [c.run_id for c in certificates] == [approved.pk]
    for run, status in ((waiting, RunStatus.PREPARED), (approved, RunStatus.COMPLETED), (future, RunStatus.APPROVED)):
        run.refresh_from_db()
        assert run.status == status
    assert approved.run_by == second_dpo  # on the approver's authority


def test_the_graph_reaches_every_kind_of_record_of_a_family():
    reached = {m._meta.label_lower for m in collector.reachable()}
    for label in ("cases.episode", "cases.casenote", "assessments.section", "plans.action", "outcomes.score",
                  "consent.consentscope", "sharing.disclosure", "referrals.referral", "access.involvement",
                  "people.address", "people.personname", "people.relationship"):
        assert label in reached
    assert "governance.auditevent" not in reached and "retention.disposalcertificate" not in reached
    assert Action in collector.reachable()
