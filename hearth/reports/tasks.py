"""Extracts made in the worker, kept for the person who asked to download from the job's page (hearth.jobs): only
they, while they still hold the role that may have it, for a day. Making one records an EXPORT in the audit log with
what it holds (row counts, who was left out and why: never a person); each download records another."""

import tempfile
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from hearth.access import governance
from hearth.accounts.models import User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.models import Council
from hearth.jobs import queue
from hearth.reports import extract_files, ssd

SSD_SOURCE = ("data-to-insight/ssd-data-model, deployment_extracts/systemc/live/ssd_deployment_individual_files/"
              "systemc_sqlserver_v1.4.9_1_20260914.sql at 2d4bd6939aa86e1b4abf53933c7f190657cba9e2")


def about(kind: str, council_id: int) -> str:
    return f"reports:{kind}:{council_id}"


@queue.job("Make a Standard Safeguarding Dataset extract", retries=2, atomic=False)
def ssd_extract(council_id: int, user_id: int) -> str:
    """Made once: a job run again after it finished keeps the first file and records nothing more."""
    if queue.kept_already():
        return "made already"
    council = Council.objects.get(pk=council_id)
    user = User.objects.select_related("agency").get(pk=user_id)
    governance.require_officer(user, council_id, object_type="reports.ssd")
    left_out = ssd.left_out(council)
    made_at = timezone.localtime()
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "extract.zip"
        counts = extract_files.write(
            path, ssd.OBJECTS, {name: (lambda fn=fn: fn(council)) for name, fn in ssd.ROWS.items()},
            about={"dataset": "Standard Safeguarding Dataset (Data to Insight): Early Help objects",
                   "field_list": SSD_SOURCE, "council": council.name, "made_at": made_at.isoformat(),
                   "left_out": {"erased": left_out.erased, "restricted": left_out.restricted},
                   "item_refs": {name: {f.name: f.item_ref for f in fields}
                                 for name, fields in ssd.OBJECTS.items()}},
            progress=lambda done, total, stage: queue.report(done, total, stage))
        data = path.read_bytes()
    queue.keep_file(data, filename=f"ssd-early-help-{council.code}-{made_at:%Y-%m-%d}.zip",
                    content_type="application/zip")
    trail.record(actor=user, action=AuditAction.EXPORT, object_type="reports.ssd", object_id=council_id,
                 detail={"extract": "ssd", "rows": counts,
                         "left_out": {"erased": left_out.erased, "restricted": left_out.restricted}})
    queue.report(len(ssd.OBJECTS), len(ssd.OBJECTS), "Ready to download")
    return "made"


def start_ssd(user) -> str:
    """Queue the extract for the council's data protection officer (refused for anyone else): its page's id."""
    council_id = user.agency.council_id
    governance.require_officer(user, council_id, object_type="reports.ssd", to="make an extract that names people")
    return queue.start(ssd_extract, council_id, user.pk, owner=user, about=about("ssd", council_id),
                       title="Standard Safeguarding Dataset extract (Early Help)",
                       result_url=reverse("reports:extracts"))


def may_download(user, result) -> bool:
    """The extract's owner may download it while they are still the council's data protection officer; each
    download is audited."""
    _, kind, council_id = result.about.split(":")
    if not governance.can_do_governance(user, int(council_id)):
        return False
    trail.record(actor=user, action=AuditAction.EXPORT, object_type=f"reports.{kind}", object_id=council_id,
                 detail={"extract": kind, "downloaded": True, "sha256": result.sha256})
    return True
