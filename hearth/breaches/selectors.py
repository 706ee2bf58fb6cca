"""Every read of the breach log, scoped to the data protection officer's council (`governance.can_do_governance`)
and audited. Every function loads what it returns in a fixed number of queries."""

from datetime import datetime, timedelta

from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.breaches.models import Incident
from hearth.core.errors import NotPermitted


def require_governance(user) -> None:
    governance.require_officer(user, object_type="breaches", to="see this page")


def _council_id(user) -> int:
    return user.agency.council_id


def open_incidents_summary(user, *, now: datetime) -> dict:
    """For the DPO's start page: the council's open incidents and their clocks (one query). The caller checks the
    user."""
    open_incidents = list(Incident.objects.filter(council_id=_council_id(user), status="open")
                          .only("discovered_at", "decision", "decided_at", "reported_at"))
    clocks = [i.clock(now) for i in open_incidents]
    return {"open_incidents": len(open_incidents), "overdue_incidents": sum(1 for c in clocks if c.overdue),
            "running_incidents": sum(1 for c in clocks if c.running)}


def incidents_dashboard(user, *, now: datetime | None = None) -> dict:
    """The council's incidents with their 72-hour clocks: open ones first, the most urgent first (one query)."""
    require_governance(user)
    now = now or timezone.now()
    incidents = list(Incident.objects.filter(council_id=_council_id(user)).select_related("decided_by"))
    rows = [(i, i.clock(now)) for i in incidents]
    open_rows = sorted([r for r in rows if r[0].is_open], key=lambda r: (not r[1].running, r[1].deadline))
    closed_rows = [r for r in rows if not r[0].is_open]
    trail.record(actor=user, action=AuditAction.VIEW, object_type="breaches.incident",
                 detail={"incidents": len(incidents)})
    return {
        "open": open_rows, "closed": closed_rows, "now": now,
        "overdue": sum(1 for _, c in open_rows if c.overdue),
        "due_soon": sum(1 for _, c in open_rows if c.running and not c.overdue and c.remaining <= timedelta(hours=24)),
    }


def incident_detail(user, incident_id: int, *, audited: bool = True) -> Incident:
    """One incident of the user's council, with who was told and the numbers of the families involved."""
    require_governance(user)
    incident = (Incident.objects.filter(council_id=_council_id(user), pk=incident_id)
                .select_related("created_by", "decided_by").prefetch_related("notices__recorded_by").first())
    if incident is None:
        raise NotPermitted(object_type="breaches.incident", object_id=incident_id)
    incident.family_ids = sorted(incident.families.values_list("pk", flat=True))
    if audited:
        trail.record(actor=user, action=AuditAction.VIEW, obj=incident)
    return incident

