"""Tampering with the audit log as someone with database rights could, to test that the chain check finds it."""

from django.db import connection


def lift_audit_triggers() -> None:
    """Turn off the audit log's append-only triggers for this test's transaction (rolled back at its end)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a database superuser could: triggers off for this transaction only.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
