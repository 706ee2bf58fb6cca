"""`hearth disposal`: the dry run prints its counts and deletes nothing; approval by the preparer is refused;
an approved run deletes; the scheduled entry point runs what is due."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hearth.people.models import Family
from hearth.retention.models import DisposalRun, RunStatus
from hearth.retention.rules import add_years
from tests.retention.helpers import rich_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(council, lead):
    today = timezone.localdate()
    return {
        "due": rich_family(council, lead, surname="Due", closed_on=add_years(today, -7)),
        "kept": rich_family(council, lead, surname="Kept", closed_on=today - timedelta(days=30)),
    }


def _disposal(*args) -> str:
    out = io.StringIO()
    call_command("disposal", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_its_counts_and_deletes_nothing(council, families, dpo):
    out = _disposal("--council", council.code, "--prepare", "--user", dpo.email)
    run = DisposalRun.objects.get()
    assert f"Prepared disposal {run.pk}" in out and "Nothing has been deleted" in out
    assert "         1  Due for disposal" in out
    assert "         1  Not yet due" in out
    assert "         3  People due (members of no family that is kept)" in out
    assert "         1  Case notes: kept 6 years from the close of the family's latest episode" in out
    assert "(set the date for 1 families)" in out
    assert "The audit log: 6 years from when it was written (not deleted by disposal)" in out
    assert f"--approve {run.pk}" in out
    assert Family.objects.filter(pk=families["due"].pk).exists()


def test_the_dry_run_counts_what_is_due_by_a_later_date(council, families, dpo):
    later = add_years(timezone.localdate(), 6)
    out = _disposal("--council", council.code, "--prepare", "--user", dpo.email, "--as-of", later.isoformat())
    assert "         2  Due for disposal" in out
    assert DisposalRun.objects.get().as_of == later


def test_approval_by_the_preparer_is_refused(council, families, dpo):
    _disposal("--council", council.code, "--prepare", "--user", dpo.email)
    run = DisposalRun.objects.get()
    with pytest.raises(CommandError, match="A disposal cannot be approved by the person who prepared it"):
        _disposal("--council", council.code, "--approve", str(run.pk), "--user", dpo.email)
    run.refresh_from_db()
    assert run.status == RunStatus.PREPARED


def test_prepare_approve_and_run_from_the_command_line(council, families, dpo, second_dpo):
    _disposal("--council", council.code, "--prepare", "--user", dpo.email)
    run = DisposalRun.objects.get()
    with pytest.raises(CommandError, match="approved by a second person"):
        _disposal("--council", council.code, "--run", str(run.pk), "--user", dpo.email)
    out = _disposal("--council", council.code, "--approve", str(run.pk), "--user", second_dpo.email)
    assert "approved by Sam Second" in out
    out = _disposal("--council", council.code, "--run", str(run.pk))
    assert f"certificate DC-{run.pk}" in out and "Records deleted, by retention rule" in out
    assert not Family.objects.filter(pk=families["due"].pk).exists()
    assert Family.objects.filter(pk=families["kept"].pk).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.run_by == second_dpo  # the approver, by default


def test_the_scheduled_job_runs_approved_disposals(council, families, dpo, second_dpo):
    assert "No approved disposal is due to run" in _disposal("--run-due")
    _disposal("--council", council.code, "--prepare", "--user", dpo.email)
    run = DisposalRun.objects.get()
    _disposal("--council", council.code, "--approve", str(run.pk), "--user", second_dpo.email)
    out = _disposal("--run-due")
    assert f"Disposal {run.pk} completed; certificate DC-{run.pk}: 1 families, 3 people" in out
    assert not Family.objects.filter(pk=families["due"].pk).exists()


def test_mistakes_on_the_command_line_are_explained(council, families, dpo, lead):
    with pytest.raises(CommandError, match="no council with code 'nowhere'"):
        _disposal("--council", "nowhere", "--prepare", "--user", dpo.email)
    with pytest.raises(CommandError, match="--prepare needs --user"):
        _disposal("--council", council.code, "--prepare")
    with pytest.raises(CommandError, match="no user with the email address"):
        _disposal("--council", council.code, "--prepare", "--user", "nobody@example.test")
    with pytest.raises(CommandError, match="Only the data protection officer"):
        _disposal("--council", council.code, "--prepare", "--user", lead.email)
    with pytest.raises(CommandError, match="no disposal 999"):
        _disposal("--council", council.code, "--run", "999")
