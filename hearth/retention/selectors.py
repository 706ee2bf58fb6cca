"""Every read of retention and disposal, for the council's data protection officer.

These pages hold counts, rules and record numbers only: no family's or person's record. Listing the families a
legal hold covers (by record number) is audited as a view.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.jobs import selectors as job_selectors
from hearth.retention import rules
from hearth.retention.models import DisposalCertificate, DisposalRun, LegalHold

HOLD_FAMILIES_SHOWN = 500


def _council(user):
    if not governance.can_manage_retention(user):
        raise NotPermitted("Only the data protection officer can see retention and disposal.",
                           object_type="retention", object_id="")
    return user.agency.council


def council_rules(user) -> list[rules.Rule]:
    """The user's council's retention rules, as its profile gives them."""
    return rules.council_rules(_council(user))


def holds(user) -> QuerySet[LegalHold]:
    """The council's legal holds, active ones first."""
    council = _council(user)
    return (LegalHold.objects.filter(council=council).select_related("placed_by", "lifted_by")
            .annotate(family_count=Count("families")).order_by("lifted_at", "-placed_at", "-pk"))


def active_hold_count(user) -> int:
    return LegalHold.objects.filter(council=_council(user), lifted_at__isnull=True).count()


def hold_detail(user, hold_id: int) -> tuple[LegalHold, list[int], int]:
    """A hold, the record numbers of (up to HOLD_FAMILIES_SHOWN of) the families it covers, and how many."""
    council = _council(user)
    hold = LegalHold.objects.select_related("placed_by", "lifted_by").filter(council=council, pk=hold_id).first()
    if hold is None:
        raise NotPermitted(object_type="retention.legalhold", object_id=hold_id)
    families = hold.families.order_by("pk").values_list("pk", flat=True)
    shown = list(families[:HOLD_FAMILIES_SHOWN])
    total = families.count() if len(shown) == HOLD_FAMILIES_SHOWN else len(shown)
    trail.record(actor=user, action=AuditAction.VIEW, obj=hold, detail={"families": total})
    return hold, shown, total


def runs(user) -> QuerySet[DisposalRun]:
    council = _council(user)
    return (DisposalRun.objects.filter(council=council)
            .select_related("prepared_by", "approved_by", "run_by", "cancelled_by").order_by("-prepared_at", "-pk"))


def run_detail(user, run_id: int) -> DisposalRun:
    run = runs(user).filter(pk=run_id).first()
    if run is None:
        raise NotPermitted(object_type="retention.disposalrun", object_id=run_id)
    return run


def run_job(user, run: DisposalRun) -> dict | None:
    """The latest job counting or running this disposal, with how far it has got (its page is `jobs:job`)."""
    _council(user)
    return job_selectors.latest_about(f"retention:run:{run.pk}")


def may_see_job(user, about: str) -> bool:
    """The council's data protection officers may see the page of a job counting or running its disposal."""
    run = DisposalRun.objects.filter(pk=int(about.rsplit(":", 1)[-1])).select_related("council").first()
    return run is not None and governance.can_manage_retention(user, run.council)


def certificate(user, run_id: int) -> DisposalCertificate:
    cert = (DisposalCertificate.objects.filter(council=_council(user), run_id=run_id).select_related("run").first())
    if cert is None:
        raise NotPermitted(object_type="retention.disposalcertificate", object_id=run_id)
    return cert


@dataclass
class RuleRow:
    record_type: str
    label: str
    period: str
    note: str
    forecast: int | None
    deleted: int | None
    governs: int
    own_records: bool = True


def rule_rows(run: DisposalRun) -> list[RuleRow]:
    """One row per rule the run was prepared with, and one for the family record itself: how many records the dry
    run found due, how many the run deleted, and for how many families the rule set the date."""
    rule_list = rules.rules_from(run.rules)
    forecast = (run.counts or {}).get("by_record_type") or {}
    deleted = (run.results or {}).get("by_record_type") if run.results else None
    governs = (run.counts or {}).get("governs") or {}
    rows = [RuleRow(r.record_type, r.label, r.period, r.disposal_note,
                    forecast.get(r.record_type, 0) if r.applied_by_disposal else None,
                    (deleted or {}).get(r.record_type, 0) if deleted is not None and r.applied_by_disposal else None,
                    governs.get(r.record_type, 0), rules.has_own_records(r.record_type)) for r in rule_list]
    rows.append(RuleRow(rules.FAMILY_RECORD, rules.record_type_label(rules.FAMILY_RECORD),
                        "with the family, once every rule above is due for it",
                        "Has no rule of its own.", forecast.get(rules.FAMILY_RECORD, 0),
                        (deleted or {}).get(rules.FAMILY_RECORD, 0) if deleted is not None else None, 0))
    return rows


def state_rows(counts: dict) -> list[tuple[str, str, int]]:
    by_state = ((counts or {}).get("families") or {}).get("by_state") or {}
    return [(state, rules.STATE_LABELS[state], by_state.get(state, 0)) for state in rules.STATES]
