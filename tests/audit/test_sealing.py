"""Sealing the audit log away from requests (decision record 0004): a request writes its row unsealed, the sealer
(`hearth audit-seal`) chains rows in batches and keeps the record-view summary equal to them, two sealers at once
make one valid chain, a row committed late is chained after the rows committed before it, and verification still
names the first changed row."""

import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.urls import reverse

from hearth.accounts.models import Role
from hearth.audit import beside_server, sealer, summary, trail
from hearth.audit.models import AuditAction, AuditChainHead, AuditEvent, RecordViewDay, ViewerDay
from hearth.families import services as people_services


def _rows(user, n, **extra):
    return [trail.record(actor=user, action=AuditAction.VIEW, object_type="people.family", object_id=i,
                         family_id=extra.get("family_id", i), person_id=extra.get("person_id"))
            for i in range(1, n + 1)]


def _chain_is_whole():
    seqs = list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True))
    return seqs == list(range(1, len(seqs) + 1)) and AuditChainHead.objects.get(pk=1).last_seq == len(seqs)


@pytest.mark.django_db(transaction=True)
def test_a_request_leaves_its_audit_row_unsealed_after_it_commits(client_for, practitioner, family):
    client_for(practitioner).get(reverse("families:family", args=[family.pk]))
    event = AuditEvent.objects.get(action=AuditAction.VIEW, family_id=family.pk)
    assert event.seq is None and event.hash == ""
    assert not AuditChainHead.objects.filter(last_seq__gt=0).exists()


@pytest.mark.django_db
def test_the_sealer_chains_committed_rows_in_batches_and_verification_accepts_them(practitioner):
    events = _rows(practitioner, 7)
    assert "Sealed 7 audit rows." in _call("audit_seal", "--batch", "3")
    sealed = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))
    assert [e.pk for e in sealed] == [e.pk for e in events]
    links = zip([None, *sealed[:-1]], sealed, strict=True)
    assert all(e.hash and e.prev_hash == (p.hash if p else "") for p, e in links)
    assert _chain_is_whole()
    assert "Audit chain intact: 7 rows verified (0 newly sealed)" in _call("audit_verify")
    assert "Sealed 0 audit rows" in _call("audit_seal")  # idempotent


def _call(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_verification_seals_pending_rows_first_and_names_a_row_changed_after_sealing(practitioner):
    events = _rows(practitioner, 5)
    assert "(5 newly sealed)" in _call("audit_verify")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off, as a superuser could
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
        cursor.execute("UPDATE governance_auditevent SET family_id = 999 WHERE id = %s", [events[3].pk])
    with pytest.raises(CommandError, match=f"row id {events[3].pk}:"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_the_summary_counts_each_users_looks_at_each_record_per_day_and_equals_the_sealed_rows(practitioner, make):
    dpo = make("dee.dpo@example.test", Role.DPO, agency_name="Information governance")
    _rows(practitioner, 3)
    _rows(practitioner, 2, family_id=1)
    _rows(practitioner, 2, family_id=None, person_id=5)
    trail.record(actor=dpo, action=AuditAction.VIEW, object_type="dpo.access_review", object_id=1, family_id=1)
    trail.record(actor=None, action=AuditAction.VIEW, object_type="people.family", object_id=1, family_id=1)
    trail.record(actor=practitioner, action=AuditAction.SEARCH, object_type="people.person")
    assert not RecordViewDay.objects.exists()  # nothing is summarised before it is sealed
    trail.seal_pending(batch=2)
    rows = {(r.family_id, r.person_id): r.views for r in RecordViewDay.objects.filter(actor=practitioner)}
    assert rows == {(1, 0): 3, (2, 0): 1, (3, 0): 1, (0, 5): 2}
    assert not RecordViewDay.objects.filter(actor=dpo).exists()  # the DPO's access reviews are not looks
    assert summary.differences() == []
    assert summary.rebuild() == 4 and summary.differences() == []
    assert ViewerDay.objects.get(actor=practitioner).records == 4


@pytest.mark.django_db
def test_the_summary_marks_looks_at_a_colleagues_record_and_at_a_record_with_the_viewers_family_name(practitioner,
                                                                                                  family, make):
    colleague = make("olu.other@example.test", Role.PRACTITIONER, agency_name="Health visiting")
    people_services.person_create(actor=practitioner, family=family, role="parent_pr",
                                  data={"given_name": "Olu", "family_name": "Other", "sex": "female"})
    named = people_services.family_create(actor=practitioner, name="Another family")
    people_services.person_create(actor=practitioner, family=named, role="parent_pr",
                                  data={"given_name": "Ann", "family_name": "Practitioner", "sex": "female"})
    plain = people_services.family_create(actor=practitioner, name="A third family")
    for f in (family, named, plain):
        trail.record(actor=practitioner, action=AuditAction.VIEW, obj=f, family_id=f.pk)
    trail.record(actor=colleague, action=AuditAction.VIEW, obj=named, family_id=named.pk)
    trail.seal_pending()
    marks = {(r.actor_id, r.family_id): (r.colleague, r.same_surname) for r in RecordViewDay.objects.all()}
    assert marks == {(practitioner.pk, family.pk): (True, False), (practitioner.pk, named.pk): (False, True),
                     (practitioner.pk, plain.pk): (False, False), (colleague.pk, named.pk): (False, False)}
    summary.rebuild()  # the same rules, from the whole log
    assert {(r.actor_id, r.family_id): (r.colleague, r.same_surname) for r in RecordViewDay.objects.all()} == marks


@pytest.mark.django_db
def test_the_sealer_loop_runs_until_its_rounds_are_done_and_can_be_switched_off_beside_the_server(practitioner,
                                                                                                 monkeypatch):
    _rows(practitioner, 4)
    assert sealer.run(every=0.01, batch=3, rounds=2) == 4
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    started = []
    monkeypatch.setattr(beside_server.subprocess, "Popen", lambda command: started.append(command) or None)
    monkeypatch.setenv("HEARTH_AUDIT_SEALER", "off")
    assert beside_server.start_beside_server() is None and not started
    monkeypatch.setenv("HEARTH_AUDIT_SEALER", "on")
    monkeypatch.setenv("HEARTH_AUDIT_SEAL_EVERY", "2")
    beside_server.start_beside_server()
    assert started[0][1:] == ["-m", "hearth.cli", "audit-seal", "--every", "2.0", "--exit-with-parent"]


@pytest.mark.django_db
def test_the_command_refuses_a_batch_or_interval_that_is_not_positive():
    with pytest.raises(CommandError, match="--batch"):
        call_command("audit_seal", "--batch", "0")
    with pytest.raises(CommandError, match="--every"):
        call_command("audit_seal", "--every", "0")


# PostgreSQL: real concurrency, one connection per thread ---------------------------------------------------------


def _in_thread(target, *args):
    """Run target on its own database connection; re-raise its error here."""
    errors = []

    def run():
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 (re-raised in the test)
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_sealer_skips_the_head_another_sealer_holds_instead_of_waiting(practitioner):
    _rows(practitioner, 3)
    trail.seal_pending()
    _rows(practitioner, 2)
    held, release = threading.Event(), threading.Event()

    def hold_head():
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(pk=1)
            held.set()
            release.wait(10)

    thread, errors = _in_thread(hold_head)
    assert held.wait(10)
    started = time.monotonic()
    assert trail.seal_batch(wait=False) is None
    assert sealer.seal_round().skipped
    assert time.monotonic() - started < 2
    release.set()
    thread.join()
    assert not errors
    assert trail.seal_batch(wait=False) == 2 and _chain_is_whole()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_while_requests_write_make_one_valid_chain_and_summary(practitioner):
    writing_done = threading.Event()

    def write():
        for _ in range(60):
            with transaction.atomic():
                _rows(practitioner, 5)

    def seal():
        while not writing_done.is_set() or AuditEvent.objects.filter(seq__isnull=True).exists():
            trail.seal_batch(7, wait=False)

    writer, writer_errors = _in_thread(write)
    sealers = [_in_thread(seal) for _ in range(2)]
    writer.join()
    writing_done.set()
    for thread, _ in sealers:
        thread.join(60)
    assert not writer_errors and not any(errors for _, errors in sealers)
    trail.seal_pending()
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0
    assert AuditEvent.objects.filter(seq__isnull=False).count() >= 300
    assert _chain_is_whole()
    assert trail.verify_chain().ok
    assert summary.differences() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_committed_after_rows_with_higher_ids_is_chained_after_them_and_never_skipped(practitioner):
    inserted, commit = threading.Event(), threading.Event()
    late = {}

    def long_transaction():
        with transaction.atomic():
            late["event"] = _rows(practitioner, 1)[0]  # takes an id now, commits later
            inserted.set()
            commit.wait(10)

    thread, errors = _in_thread(long_transaction)
    assert inserted.wait(10)
    early = _rows(practitioner, 3)  # higher ids, committed first
    assert trail.seal_pending() == 3
    commit.set()
    thread.join()
    assert not errors
    assert late["event"].pk < early[0].pk
    assert trail.seal_pending() == 1
    chained = list(AuditEvent.objects.order_by("seq").values_list("id", flat=True))
    assert chained == [e.pk for e in early] + [late["event"].pk]
    assert trail.verify_chain().ok and _chain_is_whole()
