"""The audit-log check page: an intact chain, and a row changed or removed directly in the database (bypassing the
append-only triggers, as someone with database access could), named by the page and by `audit_verify` alike.
(tests/governance covers the command on its own.)"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from hearth.audit import trail
from hearth.audit.models import AuditAction, AuditEvent
from tests.tampering import lift_audit_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(practitioner):
    rows = [trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="people.family", object_id=i,
                         family_id=i) for i in range(1, 6)]
    trail.seal_pending()
    return rows


def test_the_page_says_the_log_is_intact(dpo, events, client_for):
    client = client_for(dpo)
    assert "Check the audit log" in client.get(reverse("dpo:audit_verify")).content.decode()
    page = client.post(reverse("dpo:audit_verify")).content.decode()
    assert "The audit log is intact" in page
    checked = AuditEvent.objects.filter(seq__isnull=False).count()
    assert f"{checked} rows checked" in page
    assert AuditEvent.objects.filter(actor=dpo, action=AuditAction.ADMIN, object_type="governance.auditchain").exists()


def test_a_row_changed_in_the_database_is_named_by_the_page_and_by_the_command(dpo, events, client_for):
    tampered = events[2]
    lift_audit_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditevent SET family_id = 999 WHERE id = %s", [tampered.pk])
    page = client_for(dpo).post(reverse("dpo:audit_verify")).content.decode()
    assert "The audit log has been changed" in page
    assert f"row id {tampered.pk}</strong>: content or link does not match its hash" in page
    broken = page.split('id="broken"')[1].split("</dl>")[0]
    assert "Family 999" in broken and "Pat Practitioner" in broken and "Looked at the family&#39;s record" in broken
    with pytest.raises(CommandError, match=f"row id {tampered.pk}:"):
        call_command("audit_verify")
    event = AuditEvent.objects.filter(actor=dpo, object_type="governance.auditchain").get()
    assert event.detail["first_broken_id"] == tampered.pk


def test_a_removed_row_is_noticed_at_the_next_row(dpo, events, client_for):
    lift_audit_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_auditevent WHERE id = %s", [events[1].pk])
    page = client_for(dpo).post(reverse("dpo:audit_verify")).content.decode()
    assert f"row id {events[2].pk}</strong>: row(s) missing before sequence" in page


def test_only_the_dpo_runs_the_check(practitioner, client_for):
    assert client_for(practitioner).post(reverse("dpo:audit_verify")).status_code == 403
