"""Who may see a long job's page and download what it made, besides the person who started it.

A job started with `about="<app>:<what>:<id>"` belongs to that app, which says, through these hooks:
- `viewers`: whether another user may see the job's page (another data protection officer of the council, say).
  The owner always may; an administrator may see every page (titles name no one).
- `downloads`: whether the owner may still download the file the job made (their access may have ended since),
  and recording the download in the audit log as the app's own downloads are. Only the owner ever downloads it.

Each entry is registered with the app's label as its key: `viewers.register("retention", fn, key="retention")`.
"""

from datetime import timedelta

from django.conf import settings

from hearth.core.hooks import Hook

viewers = Hook("who else may see a long job's page", expects=("subject_access", "retention"))
downloads = Hook("whether a job's file may be downloaded, and its audit",
                 expects=("documents", "reports", "supporting_families"))

# How long a job's file is kept for its owner to download.
RESULT_KEEP = timedelta(hours=float(getattr(settings, "HEARTH_JOB_RESULT_HOURS", 24)))


def _entry(hook: Hook, about: str):
    app = about.split(":", 1)[0]
    hook.items()  # refuses while an expected app has not registered
    return next((e.item for e in hook.entries if e.key == app), None)


def may_view(user, progress) -> bool:
    if progress.owner_id == user.pk or getattr(user, "is_administrator", False):
        return True
    check = _entry(viewers, progress.about) if progress.about else None
    return bool(check and check(user, progress.about))


def may_download(user, result) -> bool:
    """The owner, while the app that made the file allows them; the app records the download when it does."""
    if result.owner_id != user.pk:
        return False
    allow = _entry(downloads, result.about)
    return bool(allow and allow(user, result))
