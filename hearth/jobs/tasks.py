"""The jobs app's own job: deleting the files long jobs made once they have expired."""

from django.utils import timezone

from hearth.jobs import queue
from hearth.jobs.models import ResultFile


@queue.job("Delete expired files made by jobs")
def clear_expired_files(slot: str = "") -> int:
    deleted, _ = ResultFile.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
