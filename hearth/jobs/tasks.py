"""The jobs app's own jobs: deleting the files long jobs made once they have expired, and writing the audit
chain's latest hash outside the database (hearth.audit.anchors) on a schedule."""

from django.utils import timezone

from hearth.audit import anchors
from hearth.jobs import queue
from hearth.jobs.models import ResultFile


@queue.job("Delete expired files made by jobs")
def clear_expired_files(slot: str = "") -> int:
    deleted, _ = ResultFile.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@queue.job("Write the audit log's latest hash outside the database")
def write_audit_anchor(slot: str = "") -> dict:
    return anchors.write_anchor()
