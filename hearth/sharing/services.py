"""Recording disclosures. Every action that sends or hands over information about a family calls this."""

from hearth.governance import audit
from hearth.governance.models import AuditAction
from hearth.sharing.models import Disclosure, DisclosureKind


def disclosure_record(*, actor, family, kind: str, what: str, recipient: str, purpose: str, basis: str,
                      person=None, recipient_agency=None, obj=None) -> Disclosure:
    if kind not in DisclosureKind.values:
        raise ValueError(f"Unknown disclosure kind {kind!r}")
    disclosure = Disclosure.objects.create(
        family=family, person=person, kind=kind, what=what, recipient=recipient[:300],
        recipient_agency=recipient_agency, purpose=purpose, basis=basis,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "", disclosed_by=actor)
    audit.record(actor=actor, action=AuditAction.DISCLOSE, obj=disclosure, family_id=family.pk,
                 person_id=person.pk if person else None, detail={"kind": kind})
    return disclosure
