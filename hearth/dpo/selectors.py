"""The data protection officer's start page: where the breach log and the requests to correct, erase or restrict
stand (the audit review and unusual-access reports are `hearth.dpo.audit_review` and `hearth.dpo.unusual_access`).

The DPO's pages cross the family policy by design (see `governance.can_do_governance`); each look at a record is
itself recorded in the audit log.
"""

from datetime import datetime

from django.utils import timezone

from hearth.access import governance
from hearth.breaches import selectors as breaches
from hearth.rights import selectors as rights


def require_governance(user) -> None:
    governance.require_officer(user, object_type="dpo", to="see this page")


def home_summary(user, *, now: datetime | None = None) -> dict:
    """Counts for the DPO's start page: open incidents and their clocks, requests waiting (two queries)."""
    require_governance(user)
    now = now or timezone.now()
    return {**breaches.open_incidents_summary(user, now=now),
            **rights.waiting_summary(user, today=timezone.localdate(now))}
