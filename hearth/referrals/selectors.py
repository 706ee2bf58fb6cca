"""Every read for referrals, step down and MASH contacts, scoped by the access policy and audited."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from hearth.access import policy
from hearth.accounts.models import Role, User
from hearth.assessments.models import Assessment, SectionKey
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import Episode
from hearth.cases.services import TRANSITIONS, open_episode_for
from hearth.core.dates import age_on
from hearth.core.errors import NotPermitted
from hearth.core.models import Council
from hearth.families import selectors as people_selectors
from hearth.people.models import Family, FamilyMember, MemberRole
from hearth.referrals import urgency
from hearth.referrals.models import (
    ImmediateRiskContact,
    Referral,
    ReferralKind,
    ReferralStatus,
    ScreeningTool,
    StepDown,
)

RECENTLY_DECIDED_DAYS = 30
RECENTLY_DECIDED_LIMIT = 25
PANEL_REFERRALS = 5
PANEL_CONTACTS = 3
CONTACTS_LIMIT = 50
QUEUE_PAGE_SIZE = 50
SUMMARY_CHARS = 160  # how much of the concerns the queue shows
WHO_CHARS = 120  # how much of who is in the family, as the referral gives it


# ---------------------------------------------------------------------------------------------------
# The public page


def public_council(code: str | None = None) -> Council | None:
    """The council a public request is for: the one named, else HEARTH_DEFAULT_COUNCIL, else the only one."""
    if code:
        return Council.objects.filter(code=code).first()
    default = settings.HEARTH_DEFAULT_COUNCIL
    councils = list((Council.objects.filter(code=default) if default else Council.objects.all())[:2])
    return councils[0] if len(councils) == 1 else None


def all_councils() -> list[Council]:
    return list(Council.objects.order_by("name").only("code", "name"))


# ---------------------------------------------------------------------------------------------------
# The screening queue


def _require_screening(user) -> None:
    if not policy.can_screen_referrals(user):
        raise NotPermitted("Only MASH screeners and Early Help coordinators can see the screening queue.",
                           object_type="referrals.referral", object_id="queue")


def _screenable(user) -> QuerySet[Referral]:
    """Referrals the user may screen: those of their own council."""
    _require_screening(user)
    return Referral.objects.filter(council_id=user.agency.council_id)


@dataclass
class QueueItem:
    """One referral waiting for screening, as the queue shows it."""

    referral: Referral
    summary: str  # the start of the concerns, on one line
    children: list[str] | None  # from the family record; None when the user may not see the family's record
    who: str  # the start of who is in the family, as the referral gives it (for a family the user may not see)
    waiting: urgency.Waiting


def _start(text: str, limit: int) -> str:
    """`text` on one line, or its first `limit` characters, cut at a word and ended with an ellipsis, when it is
    longer (`text` is read from the database as its first `limit` + 1 characters)."""
    longer = len(text or "") > limit
    text = " ".join((text or "")[:limit].split())
    if not longer:
        return text
    cut = text.rsplit(" ", 1)[0] or text
    return cut.rstrip(",.;:") + "…"


def _children(user, family_ids: set[int], today, shown: list[int]) -> dict[int, list[str]]:
    """The current children of the families the user may see (the access policy), eldest first, with their ages:
    one statement for the whole page. Their person ids are added to `shown`, for the audit."""
    found: dict[int, list[str]] = {}
    members = (FamilyMember.objects.filter(policy.visible_through(user, "family_id"), family_id__in=family_ids,
                                           role=MemberRole.CHILD, left_on__isnull=True)
               .select_related("person").only("family_id", "person__given_name", "person__family_name",
                                               "person__date_of_birth")
               .order_by("family_id", "person__date_of_birth", "person__pk"))
    for member in members:
        person = member.person
        age = age_on(person.date_of_birth, today)
        shown.append(member.person_id)
        found.setdefault(member.family_id, []).append(
            person.full_name + (f" ({_plural_years(age)})" if age is not None else ""))
    return found


def _plural_years(age: int) -> str:
    return "1 year" if age == 1 else f"{age} years"


def screening_queue(user, page_number=None) -> dict:
    """Referrals waiting for screening, most urgent first, then oldest first (`referrals.urgency`), a page at a
    time, and those decided recently. Each waiting referral shows its family's name (the referral's own, as its
    detail page shows it), the family's children where the access policy lets the user see the family's record
    (otherwise who is in the family as the referral gives it), the start of the concerns, its urgency with the
    same-working-day situations, and how long it has waited. A fixed number of statements whatever the number of
    referrals; audited, naming the referrals, families and children shown."""
    now = timezone.now()
    base = _screenable(user)
    awaiting = (base.filter(status=ReferralStatus.AWAITING_SCREENING)
                .select_related("family")
                .only("pk", "reference", "kind", "status", "requester_kind", "received_at", "urgency",
                      "same_day_triggers", "family_id", "council_id", "family__name", "family__council_id")
                .annotate(concerns_start=Substr("concerns", 1, SUMMARY_CHARS + 1),
                          who_start=Substr("family_details", 1, WHO_CHARS + 1),
                          family_visible=ExpressionWrapper(policy.visible_through(user, "family_id"),
                                                           output_field=BooleanField()))
                .order_by("urgency", "received_at", "pk"))
    page = Paginator(awaiting, QUEUE_PAGE_SIZE).get_page(page_number)
    referrals = list(page.object_list)
    today = timezone.localdate(now)
    shown: list[int] = []
    # Every family on the page is asked for, so the statement runs whatever the page holds; the access policy, in
    # the statement, keeps only the families the user may see.
    children = _children(user, {r.family_id for r in referrals if r.family_id}, today, shown)
    items = [QueueItem(referral=r, summary=_start(r.concerns_start, SUMMARY_CHARS),
                       children=children.get(r.family_id, []) if r.family_id and r.family_visible else None,
                       who=_start(r.who_start, WHO_CHARS), waiting=urgency.waiting(r.received_at, r.urgency, now))
             for r in referrals]
    page.object_list = items
    since = now - timedelta(days=RECENTLY_DECIDED_DAYS)
    recent = list(base.filter(status=ReferralStatus.DECIDED, screened_at__gte=since)
                  .only("pk", "reference", "kind", "status", "requester_kind", "received_at", "screened_at",
                        "decision", "level", "family_id", "council_id")
                  .order_by("-screened_at", "-pk")[:RECENTLY_DECIDED_LIMIT])
    if items:
        trail.record(actor=user, action=AuditAction.VIEW, object_type="referrals.referral",
                     detail={"queue": [r.pk for r in referrals],
                             "families": sorted({r.family_id for r in referrals if r.family_id}),
                             "children": shown})
    return {"page": page, "recent": recent, "today": today}


def referral_detail(user, referral_id: int) -> Referral:
    """One referral, for the screeners of its council, with the screening tools sent with it. Audited."""
    referral = (
        _screenable(user)
        .select_related("council", "family", "episode__lead_professional__agency", "requester_user__agency",
                        "named_lead__agency", "screened_by")
        .prefetch_related(Prefetch("screening_tools", queryset=ScreeningTool.objects.order_by("position")))
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotPermitted(object_type="referrals.referral", object_id=referral_id)
    tools = [t.pk for t in referral.screening_tools.all()]
    trail.record(actor=user, action=AuditAction.VIEW, obj=referral, family_id=referral.family_id,
                 detail={"screening_tools": tools} if tools else None)
    return referral


def referral_for_bundle(user, referral_id: int) -> Referral:
    """A step-up referral whose document bundle the user may have: its council's screeners, or whoever
    manages the episode it came from."""
    referral = (Referral.objects.select_related("council", "family", "episode__family",
                                                "episode__lead_professional__team")
                .filter(pk=referral_id, kind=ReferralKind.STEP_UP).first())
    if referral is None:
        raise NotPermitted(object_type="referrals.referral", object_id=referral_id)
    if not policy.can_have_step_up_bundle(user, referral):
        raise NotPermitted(object_type="referrals.referral", object_id=referral_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=referral, family_id=referral.family_id,
                 detail={"bundle": True})
    return referral


def lead_candidates(council) -> QuerySet[User]:
    """Active practitioners of the council's agencies, who may be named lead professional."""
    return (User.objects.filter(agency__council=council, is_active=True, roles__role=Role.PRACTITIONER)
            .select_related("agency").order_by("full_name", "pk").distinct())


def family_for_link(user, family_id: int, council_id: int) -> Family:
    """A family record the screener can see, to link a request to."""
    family = policy.families_visible_to(user).filter(pk=family_id, council_id=council_id).first()
    if family is None:
        raise NotPermitted(object_type="people.family", object_id=family_id)
    return family


# ---------------------------------------------------------------------------------------------------
# Pages about one family


def family_for_request(user, family_id: int) -> Family:
    """The family a practitioner asks support for: they must be able to edit it. Audited (family_detail)."""
    family = people_selectors.family_detail(user, family_id)
    if not policy.can_edit_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family_id)
    family.open_episode = open_episode_for(family)
    family.waiting_referral = (Referral.objects.filter(family=family, status=ReferralStatus.AWAITING_SCREENING)
                               .only("pk", "reference", "received_at").first())
    return family


def family_for_step_down(user, family_id: int) -> Family:
    """The family a social worker steps down: they must be a social worker who can see it."""
    if not policy.can_step_down(user):
        raise NotPermitted("Only a social worker can step a family down to Early Help.",
                           object_type="people.family", object_id=family_id)
    family = people_selectors.family_detail(user, family_id)
    family.open_episode = open_episode_for(family)
    return family


def mash_contacts(user, family: Family) -> list[ImmediateRiskContact]:
    """The family's contacts with MASH, most recent first. Audited."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    contacts = list(ImmediateRiskContact.objects.filter(family=family).select_related("recorded_by")
                    .order_by("-contacted_at", "-pk")[:CONTACTS_LIMIT])
    trail.record(actor=user, action=AuditAction.VIEW, object_type="referrals.immediateriskcontact",
                 family_id=family.pk, detail={"contacts": [c.pk for c in contacts]})
    return contacts


def step_up_context(user, episode_id: int) -> tuple[Episode, dict]:
    """The episode being stepped up and what the referral is pre-filled from: the latest assessment's
    needs, the family's members, the current level and lead. Audited."""
    episode = (Episode.objects.select_related("family__council", "family__locality", "lead_professional__agency",
                                              "lead_professional__team").filter(pk=episode_id).first())
    if episode is None or not policy.can_manage_episode(user, episode):
        raise NotPermitted("Only the lead professional, the locality's coordinator or the lead's manager can step "
                           "a family up to MASH.", object_type="cases.episode", object_id=episode_id)
    members = list(FamilyMember.objects.filter(family=episode.family, left_on__isnull=True).select_related("person")
                   .order_by("role", "person__date_of_birth", "person__pk"))
    latest = Assessment.objects.filter(episode=episode).order_by("-number").first()
    needs = latest.sections.filter(key=SectionKey.NEEDS).first() if latest else None
    concerns = ""
    if needs:
        concerns = "\n\n".join(part for part in (needs.facts.strip(),
                                                 f"Opinion: {needs.opinions.strip()}" if needs.opinions.strip() else "")
                               if part)
    trail.record(actor=user, action=AuditAction.VIEW, obj=episode, family_id=episode.family_id,
                 detail={"step_up_form": True, "members": [m.person_id for m in members]})
    return episode, {
        "members": members,
        "assessment": latest,
        "concerns": concerns,
        "can_step_up": episode.status in TRANSITIONS["step_up_sent"].sources,
    }


# ---------------------------------------------------------------------------------------------------
# The episode page's panel


def episode_panel(user, episode: Episode) -> dict:
    """Referrals and step-ups of this episode, its step-down history, and the family's latest contacts with
    MASH. A fixed number of queries whatever the history."""
    if not policy.can_view_family(user, episode.family):
        raise NotPermitted(object_type="cases.episode", object_id=episode.pk)
    referrals = list(Referral.objects.filter(episode=episode).select_related("named_lead")
                     .only("pk", "reference", "kind", "status", "received_at", "screened_at", "decision", "level",
                           "episode_id", "council_id", "named_lead__full_name")
                     .order_by("-received_at", "-pk")[:PANEL_REFERRALS])
    step_down = (StepDown.objects.filter(episode=episode).select_related("social_worker", "new_lead")
                 .defer("single_assessment", "cin_plan").first())
    contacts = list(ImmediateRiskContact.objects.filter(family_id=episode.family_id)
                    .only("pk", "contacted_at", "method", "spoke_to", "mash_reference", "family_id")
                    .order_by("-contacted_at", "-pk")[:PANEL_CONTACTS])
    can_step_up = (episode.status in TRANSITIONS["step_up_sent"].sources
                   and policy.can_manage_episode(user, episode))
    return {
        "referrals": referrals,
        "step_down": step_down,
        "contacts": contacts,
        "can_step_up": can_step_up,
        "can_screen": policy.can_screen_referrals(user) and user.agency.council_id == episode.family.council_id,
    }
