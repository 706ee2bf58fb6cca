"""Preparing a released subject access bundle, in the worker (`services.sar_release` records the decision and
queues this).

The job compiles everything held about the subject, section by section, removes what the officer withheld, makes
the tagged PDF and the JSON export and keeps them (`ReleasedBundle`); in the same transaction it records the
release in each of the subject's families' information-sharing registers and an EXPORT in the audit log, on behalf
of the officer who released it. It does this once: a job run again (after a worker was stopped) finds the bundle
kept and does nothing.
"""

import hashlib

from django.db import transaction

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.jobs import queue
from hearth.people.models import FamilyMember
from hearth.sharing.models import DisclosureKind
from hearth.sharing.services import disclosure_record
from hearth.subject_access import compile as compiler
from hearth.subject_access.models import ReleasedBundle, SarStatus, SubjectAccessRequest

RELEASE_WHAT = "Subject access release"
RELEASE_BASIS = "The right of access (UK GDPR Article 15 and the Data Protection Act 2018)"
# The steps the job's page counts: one for each section, then the PDF, then the data file.
STEPS = len(compiler.SECTIONS) + 2


def about(sar_id: int) -> str:
    """How the job's page names the request it works for (hearth.jobs.access)."""
    return f"subject_access:sar:{sar_id}"


def _recipient(sar: SubjectAccessRequest) -> str:
    return f"{sar.requester_name} ({sar.get_requester_relationship_display().lower()})"[:300]


@queue.job("Prepare a released subject access bundle", retries=3, atomic=False)
def prepare_bundle(sar_id: int) -> str:
    sar = (SubjectAccessRequest.objects.select_related("council", "subject", "released_by__agency")
           .filter(pk=sar_id).first())
    if sar is None or sar.status != SarStatus.RELEASED or ReleasedBundle.objects.filter(sar_id=sar_id).exists():
        return "nothing to prepare"
    queue.report(0, STEPS, "Reading the record")
    bundle = compiler.compile_bundle(
        sar, progress=lambda done, title: queue.report(done, STEPS, f"Read: {title}")).for_release()
    queue.report(STEPS - 2, STEPS, "Making the PDF")
    pdf = compiler.bundle_pdf(bundle, printed_by=sar.released_by)
    queue.report(STEPS - 1, STEPS, "Making the data file")
    data = compiler.bundle_json(bundle)
    with transaction.atomic():
        SubjectAccessRequest.objects.select_for_update().filter(pk=sar_id).values_list("pk").first()
        if ReleasedBundle.objects.filter(sar_id=sar_id).exists():
            return "prepared already"
        released = ReleasedBundle.objects.create(
            sar=sar, pdf=pdf, json=data, items=bundle.item_count, withheld=len(bundle.withholdings),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(), json_sha256=hashlib.sha256(data.encode()).hexdigest(),
            released_at=bundle.compiled_at)
        _record(sar, released)
    queue.report(STEPS, STEPS, "Ready to download")
    return "prepared"


def _record(sar: SubjectAccessRequest, released: ReleasedBundle) -> None:
    """The release in each family's information-sharing register, and the EXPORT in the audit log."""
    actor = sar.released_by
    families = [m.family for m in FamilyMember.objects.filter(person_id=sar.subject_id)
                .select_related("family").order_by("family_id")]
    for family in families:
        disclosure_record(
            actor=actor, family=family, kind=DisclosureKind.SUBJECT_ACCESS, what=RELEASE_WHAT, person=sar.subject,
            recipient=_recipient(sar), obj=sar, basis=RELEASE_BASIS,
            purpose=f"A copy of the information held about {sar.subject.full_name}, in answer to subject "
                    f"access request {sar.reference}")
    trail.record(actor=actor, action=AuditAction.EXPORT, obj=sar, person_id=sar.subject_id,
                 detail={"document": "subject_access_bundle", "items": released.items,
                         "withheld": released.withheld, "families": [f.pk for f in families]})
