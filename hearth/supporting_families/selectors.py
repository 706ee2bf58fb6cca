"""Reading the programme's records: one family's needs, progress and claim; the families ready to claim; who may
check a claim."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.core.programme import ELIGIBLE_WITH, HEADLINE_NEEDS
from hearth.people.models import Family, FamilyMember
from hearth.reports.access import can_drill_down
from hearth.supporting_families import rules
from hearth.supporting_families.models import Claim, ClaimDecision, Need, Progress

CLAIMS_SHOWN = 200


def may_check_claims(user) -> bool:
    """Managers and Early Help coordinators check claims (for the families the access policy lets them see)."""
    return can_drill_down(user)


def joined_on(needs: list[Need]):
    """The day the family joined the programme: the day its third current need was identified (None before)."""
    days = sorted(n.identified_on for n in needs if n.is_current)
    return days[ELIGIBLE_WITH - 1] if len(days) >= ELIGIBLE_WITH else None


@dataclass
class ClaimState:
    ready: bool
    not_ready: str  # why not, in plain English, when not ready
    needs: list[str] = field(default_factory=list)  # the headline needs a claim would cover
    judged_by: set[int] = field(default_factory=set)  # who recorded the latest judgements it rests on


def claim_state(family) -> ClaimState:
    """Whether the family is ready for the council's team to check its claim: three or more current needs, each with
    progress at closure and sustained, no claim accepted, and none rejected since the latest judgement."""
    needs = list(Need.objects.filter(family=family, removed_on__isnull=True))
    claims = list(Claim.objects.filter(family=family).order_by("-checked_at"))
    codes = [n.need for n in needs]
    if any(c.decision == ClaimDecision.ACCEPTED for c in claims):
        return ClaimState(False, "The council has already accepted this family's claim", codes)
    if len(needs) < ELIGIBLE_WITH:
        return ClaimState(False, f"The family has {len(needs)} of the {ELIGIBLE_WITH} headline needs that make it "
                                 "eligible", codes)
    short = [HEADLINE_NEEDS[n.need] for n in needs if not (n.progress_at_closure and n.progress_sustained)]
    if short:
        return ClaimState(False, "Progress is not yet shown at closure and sustained for: " + "; ".join(short), codes)
    latest = {}
    for p in Progress.objects.filter(need__in=needs).order_by("recorded_at", "pk"):
        latest[(p.need_id, p.stage)] = p
    rejected = next((c for c in claims if c.decision == ClaimDecision.REJECTED), None)
    if rejected and all(p.recorded_at < rejected.checked_at for p in latest.values()):
        return ClaimState(False, "The claim was rejected, and no progress has been judged since", codes)
    return ClaimState(True, "", codes, {p.recorded_by_id for p in latest.values() if p.recorded_by_id})


# --- one family ---------------------------------------------------------------------------------------------------


def _family(user, family_id: int) -> Family:
    family = get_object_or_404(Family.objects.select_related("council"), pk=family_id)
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    return family


@dataclass
class NeedRow:
    need: Need
    name: str
    descriptor: str
    progress: list  # its judgements, oldest first


def family_programme(user, family_id: int) -> dict:
    """The family's programme page: its needs with their evidence and judgements, whether it is eligible, and its
    claim. Audited as a view."""
    family = _family(user, family_id)
    council = family.council
    needs = list(Need.objects.filter(family=family).select_related("person", "recorded_by__agency",
                                                                      "removed_by__agency"))
    progress: dict[int, list] = {}
    for p in Progress.objects.filter(need__family=family).select_related("recorded_by__agency"):
        progress.setdefault(p.need_id, []).append(p)
    rows = [NeedRow(n, HEADLINE_NEEDS[n.need], rules.descriptor_text(council, n.need, n.descriptor),
                    progress.get(n.pk, [])) for n in needs]
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"page": "supporting families"})
    current = [r for r in rows if r.need.is_current]
    return {
        "family": family, "council": council, "programme_name": rules.programme_name(council),
        "takes_part": rules.takes_part(council), "current": current,
        "removed": [r for r in rows if not r.need.is_current], "eligible": len(current) >= ELIGIBLE_WITH,
        "joined_on": joined_on(needs), "eligible_with": ELIGIBLE_WITH,
        "claims": list(Claim.objects.filter(family=family).select_related("checked_by__agency")),
        "claim": claim_state(family), "can_record": policy.can_edit_family(user, family),
        "sustained_months": rules.sustained_months(council),
        "may_check": may_check_claims(user),
    }


def family_for_form(user, family_id: int) -> Family:
    """A family the user may see, with its current members, for the programme's forms (the services check what the
    user may record). Audited as a view: the forms name the family's members."""
    family = _family(user, family_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"page": "supporting families form"})
    family.current_members = [m.person for m in FamilyMember.objects.filter(family=family, left_on__isnull=True)
                              .select_related("person").order_by("person__date_of_birth", "person__pk")]
    return family


def need_for_form(user, family: Family, need_id: int) -> Need:
    return get_object_or_404(Need, pk=need_id, family=family)


def family_panel(user, family) -> dict | None:
    """The family page's line about the programme (one query), or None where the council does not take part."""
    if not rules.takes_part(family.council):
        return None
    needs = list(Need.objects.filter(family=family, removed_on__isnull=True).values_list("need", flat=True))
    return {"needs": [HEADLINE_NEEDS[n] for n in needs], "eligible": len(needs) >= ELIGIBLE_WITH,
            "eligible_with": ELIGIBLE_WITH, "programme_name": rules.programme_name(family.council)}


# --- the claims list -------------------------------------------------------------------------------------------------


def ready_families(council):
    """The council's families ready for their claim to be checked, in one statement: three or more current needs,
    none without progress at closure and sustained, no accepted claim, and no rejection since the latest
    judgement."""
    last_rejected = (Claim.objects.filter(family=OuterRef("pk"), decision=ClaimDecision.REJECTED)
                     .order_by("-checked_at").values("checked_at")[:1])
    # Joined to the current needs only (an inner join, before the counts): families with none are never read. The
    # latest judgement is the need's own copy (`Need.judged_at`), so no judgement is read.
    return (Family.objects.filter(council=council, programme_needs__removed_on__isnull=True)
            .exclude(Exists(Claim.objects.filter(family=OuterRef("pk"), decision=ClaimDecision.ACCEPTED)))
            .annotate(current_needs=Count("programme_needs"),
                      shown=Count("programme_needs", filter=Q(programme_needs__progress_at_closure=True,
                                                              programme_needs__progress_sustained=True)),
                      latest_judgement=Max("programme_needs__judged_at"))
            .filter(current_needs__gte=ELIGIBLE_WITH, shown=F("current_needs"))
            .annotate(last_rejected=Subquery(last_rejected))
            .filter(Q(last_rejected__isnull=True) | Q(last_rejected__lt=F("latest_judgement"))))


def claims_list(user) -> dict:
    """The claims for the council's team to check, of the families the user may see (the others are neither listed
    nor counted), and the latest decisions. Audited as a search with the families listed."""
    if not may_check_claims(user):
        raise NotPermitted("Only managers and Early Help coordinators can check Supporting Families claims.",
                           object_type="supporting_families.claim")
    council = user.agency.council
    ready = list(ready_families(council).filter(policy.visible_through(user, "pk"))
                 .order_by("latest_judgement", "pk")[:CLAIMS_SHOWN + 1])
    decided = list(Claim.objects.filter(family__council=council).filter(policy.visible_through(user, "family_id"))
                   .select_related("family", "checked_by").order_by("-checked_at")[:50])
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="supporting_families.claim",
                 detail={"purpose": "claims_list", "results": [f.pk for f in ready[:CLAIMS_SHOWN]]})
    return {"ready": ready[:CLAIMS_SHOWN], "more": len(ready) > CLAIMS_SHOWN, "decided": decided,
            "programme_name": rules.programme_name(council), "takes_part": rules.takes_part(council)}

