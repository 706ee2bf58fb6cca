"""Extracts made in the worker, kept for the person who asked to download from the job's page (hearth.jobs): only
they, while they still hold a role that may have it, for a day. Making one records an EXPORT in the audit log with
what it holds (row counts, who was left out and why: never a person); each download records another.

Who may make each (`EXTRACTS`): the Standard Safeguarding Dataset names children and their families, so it is the
data protection officer's alone; the pseudonymised extract holds no direct identifier, so the analyst may make it
too."""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from hearth.access import governance
from hearth.accounts.models import Role, User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.core.models import Council
from hearth.jobs import queue
from hearth.reports import extract_files, pseudonymised, ssd
from hearth.reports.left_out import left_out as leaving_out

SSD_SOURCE = ("data-to-insight/ssd-data-model, deployment_extracts/systemc/live/ssd_deployment_individual_files/"
              "systemc_sqlserver_v1.4.9_1_20260914.sql at 2d4bd6939aa86e1b4abf53933c7f190657cba9e2")


def _officer(user, council_id) -> bool:
    return governance.can_do_governance(user, council_id)


def _analyst_or_officer(user, council_id) -> bool:
    return _officer(user, council_id) or (user.is_active and user.has_role(Role.ANALYST)
                                          and user.agency.council_id == council_id)


@dataclass(frozen=True)
class Extract:
    kind: str
    title: str
    filename: str  # before "-<council>-<date>.zip"
    objects: dict
    rows: Callable  # rows(council) -> {object: function giving its rows}
    may_make: Callable  # may_make(user, council_id) -> bool
    refusal: str
    about: dict


EXTRACTS = {
    "ssd": Extract(
        kind="ssd", title="Standard Safeguarding Dataset extract (Early Help)", filename="ssd-early-help",
        objects=ssd.OBJECTS, rows=lambda council: {n: (lambda fn=fn: fn(council)) for n, fn in ssd.ROWS.items()},
        may_make=_officer, refusal="Only the council's data protection officer can make an extract that names "
                                   "people.",
        about={"dataset": "Standard Safeguarding Dataset (Data to Insight): Early Help objects",
               "field_list": SSD_SOURCE,
               "item_refs": {name: {f.name: f.item_ref for f in fields} for name, fields in ssd.OBJECTS.items()}}),
    "pseudonymised": Extract(
        kind="pseudonymised", title="Pseudonymised analysis extract", filename="pseudonymised-early-help",
        objects=pseudonymised.OBJECTS, rows=pseudonymised.rows, may_make=_analyst_or_officer,
        refusal="Only analysts and the data protection officer can make the pseudonymised extract.",
        about={"dataset": "Hearth pseudonymised analysis extract",
               "pseudonyms": "HMAC-SHA256 under the council's pseudonym key: the same record has the same "
                             "pseudonym in every extract while the key is kept"}),
}


def about(kind: str, council_id: int) -> str:
    return f"reports:{kind}:{council_id}"


@queue.job("Make an extract", retries=2, atomic=False)
def make_extract(kind: str, council_id: int, user_id: int) -> str:
    """Made once: a job run again after it finished keeps the first file and records nothing more."""
    if queue.kept_already():
        return "made already"
    extract = EXTRACTS[kind]
    council = Council.objects.get(pk=council_id)
    user = User.objects.select_related("agency").get(pk=user_id)
    if not extract.may_make(user, council_id):
        raise queue.GiveUp("The person who asked for this extract may no longer make it.")
    left_out = leaving_out(council)
    made_at = timezone.localtime()
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "extract.zip"
        counts = extract_files.write(
            path, extract.objects, extract.rows(council),
            about={**extract.about, "council": council.name, "made_at": made_at.isoformat(),
                   "left_out": left_out.as_dict()},
            progress=lambda done, total, stage: queue.report(done, total, stage))
        data = path.read_bytes()
    queue.keep_file(data, filename=f"{extract.filename}-{council.code}-{made_at:%Y-%m-%d}.zip",
                    content_type="application/zip")
    trail.record(actor=user, action=AuditAction.EXPORT, object_type=f"reports.{kind}", object_id=council_id,
                 detail={"extract": kind, "rows": counts, "left_out": left_out.as_dict()})
    queue.report(len(extract.objects), len(extract.objects), "Ready to download")
    return "made"


def may_make(user, kind: str) -> bool:
    return EXTRACTS[kind].may_make(user, user.agency.council_id)


def start(user, kind: str) -> str:
    """Queue the extract for someone who may make it (refused for anyone else): its page's id."""
    extract = EXTRACTS[kind]
    council_id = user.agency.council_id
    if not extract.may_make(user, council_id):
        raise NotPermitted(extract.refusal, object_type=f"reports.{kind}")
    return queue.start(make_extract, kind, council_id, user.pk, owner=user, about=about(kind, council_id),
                       title=extract.title, result_url=reverse("reports:extracts"))


def may_download(user, result) -> bool:
    """The extract's owner may download it while they may still make it; each download is audited."""
    _, kind, council_id = result.about.split(":")
    if kind not in EXTRACTS or not EXTRACTS[kind].may_make(user, int(council_id)):
        return False
    trail.record(actor=user, action=AuditAction.EXPORT, object_type=f"reports.{kind}", object_id=council_id,
                 detail={"extract": kind, "downloaded": True, "sha256": result.sha256})
    return True
