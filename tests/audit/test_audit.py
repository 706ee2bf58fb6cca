import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from hearth.audit import trail
from hearth.audit.models import AuditAction, AuditEvent
from tests.tampering import lift_audit_triggers


@pytest.mark.django_db
def test_viewing_a_family_writes_an_audit_row_with_who_what_and_where(client_for, practitioner, family):
    client = client_for(practitioner)
    client.get(reverse("families:family", args=[family.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, family_id=family.pk).get()
    assert event.actor == practitioner
    assert event.object_type == "people.family"
    assert event.ip_address == "10.1.2.3"


@pytest.mark.django_db
def test_refused_access_is_audited(client_for, other_practitioner, family):
    client_for(other_practitioner).get(reverse("families:family", args=[family.pk]))
    assert AuditEvent.objects.filter(actor=other_practitioner, action=AuditAction.DENIED,
                                     object_id=str(family.pk)).exists()


@pytest.mark.django_db
def test_when_the_audit_row_cannot_be_written_the_record_is_not_shown(client_for, practitioner, family, monkeypatch):
    def broken(*args, **kwargs):
        raise trail.AuditUnavailable("down")

    monkeypatch.setattr("hearth.families.selectors.trail.record", broken)
    response = client_for(practitioner).get(reverse("families:family", args=[family.pk]))
    assert response.status_code == 503
    assert family.name not in response.content.decode()


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_through_the_application(practitioner):
    event = trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="test", object_id=1)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_changes_to_sealed_audit_rows(practitioner):
    event = trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="test", object_id=1)
    trail.seal_pending()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditevent SET action = 'search' WHERE id = %s", [event.pk])
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_auditevent WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_verify_command_names_the_first_tampered_row(practitioner):
    events = [trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="test", object_id=i)
              for i in range(5)]
    trail.seal_pending()
    call_command("audit_verify")
    lift_audit_triggers()  # someone with direct database access edits a row
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditevent SET object_id = '99' WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=f"row id {events[2].pk}"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_verify_command_notices_a_deleted_row(practitioner):
    events = [trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="test", object_id=i)
              for i in range(4)]
    trail.seal_pending()
    lift_audit_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"row id {events[2].pk}"):
        call_command("audit_verify")
