"""A family's last activity moves on with every audited change to its record, and with nothing else."""

from datetime import timedelta

from django.utils import timezone

from hearth.audit import trail
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases import notes as case_notes
from hearth.families import activity, selectors, services
from hearth.people.models import Family


def _long_ago(family) -> None:
    Family.objects.filter(pk=family.pk).update(updated_at=timezone.now() - timedelta(days=40))


def _moved(family) -> bool:
    return Family.objects.get(pk=family.pk).updated_at > timezone.now() - timedelta(minutes=1)


def test_a_change_to_the_familys_work_moves_its_last_activity(practitioner, family, episode):
    _long_ago(family)
    case_notes.note_add(actor=practitioner, family=family, note_type="phone",
                        occurred_on=timezone.localdate(), summary="Phoned mum")
    assert _moved(family)


def test_a_change_to_a_members_details_moves_their_familys(practitioner, family, mum):
    _long_ago(family)
    services.person_add_name(actor=practitioner, person=mum, kind="previous", given_name="Jo", family_name="Smith")
    assert _moved(family)


def test_looking_at_the_family_does_not(practitioner, family):
    _long_ago(family)
    selectors.family_detail(practitioner, family.pk)
    assert not _moved(family)


def test_governance_work_on_the_record_does_not(dpo, family):
    _long_ago(family)
    trail.record(actor=dpo, action=AuditAction.CREATE, object_type="retention.legalhold", object_id=1,
                 family_id=family.pk)
    assert not _moved(family)


def test_what_counts_as_activity():
    def event(action, object_type, family_id=1, person_id=None):
        return AuditEvent(action=action, object_type=object_type, family_id=family_id, person_id=person_id)

    assert activity.counts(event(AuditAction.UPDATE, "plans.action"))
    assert activity.counts(event(AuditAction.CREATE, "consent.shareconsent"))
    assert activity.counts(event(AuditAction.UPDATE, "people.person", family_id=None, person_id=3))
    assert not activity.counts(event(AuditAction.VIEW, "people.family"))
    assert not activity.counts(event(AuditAction.EXPORT, "documents.copy"))
    assert not activity.counts(event(AuditAction.UPDATE, "subject_access.subjectaccessrequest"))
    assert not activity.counts(event(AuditAction.UPDATE, "cases.casenote", family_id=None))
