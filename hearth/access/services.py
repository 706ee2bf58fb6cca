"""Break-glass access: opening a family outside the access policy in an emergency, with a reason.

Every use is time-limited (settings.HEARTH_BREAK_GLASS_MINUTES, 240 unless set), audited, shown on the
family's record to everyone who can see it, and raised at once with the council's data protection officers
and the user's manager, who review it. The alert says who, when and until when; never a family's name or
anything else about the family.

The writes are `break_glass_open` and `break_glass_review`. The few reads that go with them (the family
page's banner, the reviewers' list) are here too, each scoped by `hearth.access.policy`.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from hearth.access import grants, policy
from hearth.access.models import BreakGlass, Involvement
from hearth.accounts.models import Role, User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.outbox import services as outbox
from hearth.people.models import Family

DEFAULT_MINUTES = 240
MIN_REASON_LENGTH = 20
REASON_TOO_SHORT = "Give the reason in full: it is reviewed by the data protection officer"
NOTE_REQUIRED = "Write your review: what you checked and what you concluded"
ALREADY_VISIBLE = "You already have access to this family"
OWN_USE = "You cannot review your own use of break-glass access"


def break_glass_minutes() -> int:
    """How long break-glass access lasts, in minutes (settings.HEARTH_BREAK_GLASS_MINUTES, default 240)."""
    return int(getattr(settings, "HEARTH_BREAK_GLASS_MINUTES", DEFAULT_MINUTES))


def duration_text(minutes: int | None = None) -> str:
    """'4 hours', '90 minutes', '1 hour': for pages and emails."""
    minutes = break_glass_minutes() if minutes is None else minutes
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _when(value) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


# Writes


def involvement_start(*, actor, family: Family, user, relationship: str) -> Involvement:
    """Give a practitioner an active involvement with the family, and store the access it gives. Every write of
    an involvement goes through here or `involvement_end`, so the stored grants follow in the same transaction."""
    involvement, created = Involvement.objects.get_or_create(
        family=family, user=user, relationship=relationship, ended_at__isnull=True, defaults={"added_by": actor})
    if created:
        grants.refresh_family(family)
    return involvement


def involvement_end(*, family: Family, user, relationship: str) -> None:
    """End a practitioner's involvement; the access it gave ends with it."""
    if Involvement.objects.filter(family=family, user=user, relationship=relationship,
                                  ended_at__isnull=True).update(ended_at=timezone.now()):
        grants.refresh_family(family)


def break_glass_open(*, actor, family: Family, reason: str) -> BreakGlass:
    """Open a family the actor cannot otherwise see, for a limited time, with a reason that is reviewed."""
    if not policy.can_break_glass(actor, family):
        raise NotPermitted("Only MASH screeners and social workers of the family's council can use break-glass "
                           "access.", object_type="people.family", object_id=family.pk)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed({"reason": REASON_TOO_SHORT})
    if policy.can_view_family(actor, family):
        raise Conflict(ALREADY_VISIBLE)
    now = timezone.now()
    break_glass = BreakGlass.objects.create(family=family, user=actor, reason=reason, started_at=now,
                                            expires_at=now + timedelta(minutes=break_glass_minutes()))
    grants.refresh_family(family)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=break_glass, family_id=family.pk,
                 detail={"break_glass": True})
    _alert(break_glass)
    return break_glass


def break_glass_alert_recipients(break_glass: BreakGlass) -> list[str]:
    """The council's data protection officers (users with the role, and the council's DPO mailbox) and the
    user's manager. Never the user themselves."""
    actor = break_glass.user
    council_id = break_glass.family.council_id
    dpos = User.objects.filter(agency__council_id=council_id, roles__role=Role.DPO, is_active=True).order_by("pk")
    addresses = list(dpos.values_list("email", flat=True))
    addresses.append(break_glass.family.council.contact("dpo_email"))
    manager = actor.team.manager if actor.team_id else None
    if manager is not None and manager.is_active:
        addresses.append(manager.email)
    seen, recipients = {actor.email.lower()}, []
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(address)
    return recipients


def _alert(break_glass: BreakGlass) -> None:
    """Tell the reviewers at once: who, when, until when, that a review is needed. No family names, no
    personal data about the family, not even the reason (which may name people): the reviewers read it in
    Hearth."""
    actor = break_glass.user
    council = break_glass.family.council
    role = " and ".join(label for value, label in Role.choices if value in policy.BREAK_GLASS_ROLES
                        and actor.has_role(value))
    who = f"{actor.full_name}{f', {actor.job_title}' if actor.job_title else ''} ({role}, {actor.agency.name})"
    body = (
        "Break-glass access has been used to open a family's record outside the usual access rules.\n\n"
        f"Who: {who}\n"
        f"When: {_when(break_glass.started_at)}\n"
        f"Access ends: {_when(break_glass.expires_at)}\n"
        f"Break-glass reference: {break_glass.pk}\n\n"
        "A review is needed: check the reason given and record your review.\n"
        f"Sign in to {council.service_name} and go to {reverse('access:break_glass_reviews')}"
    )
    outbox.send(to=break_glass_alert_recipients(break_glass), subject="Break-glass access used: review needed",
                body=body, kind="break_glass.alert")


def break_glass_review(*, actor, break_glass: BreakGlass, note: str) -> BreakGlass:
    """Record the review of a use by the data protection officer or the user's manager."""
    if break_glass.user_id == actor.pk:
        raise NotPermitted(OWN_USE, object_type="access.breakglass", object_id=break_glass.pk)
    if not policy.can_review_break_glass(actor, break_glass):
        raise NotPermitted("Only the data protection officer or the user's manager can review this use.",
                           object_type="access.breakglass", object_id=break_glass.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": NOTE_REQUIRED})
    current = BreakGlass.objects.select_for_update(of=("self",)).select_related("reviewed_by").get(pk=break_glass.pk)
    if current.reviewed_at is not None:
        raise Conflict(f"{current.reviewed_by} reviewed this use on {_when(current.reviewed_at)}. "
                       "Your note has not been saved; it is still in the box below.")
    current.reviewed_by = actor
    current.reviewed_at = timezone.now()
    current.review_note = note
    current.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=current, family_id=current.family_id,
                 detail={"break_glass_review": True})
    return current


# Reads


def family_for_break_glass(user, family_id: int) -> Family:
    """The family a user is about to open by break-glass: only its id and council are loaded, and only within
    the user's council. Nothing else about the family is read."""
    if not policy.can_break_glass(user):
        raise NotPermitted("Only MASH screeners and social workers can use break-glass access.",
                           object_type="people.family", object_id=family_id)
    family = Family.objects.filter(pk=family_id, council_id=user.agency.council_id).only("pk", "council_id").first()
    if family is None:
        raise NotPermitted(object_type="people.family", object_id=family_id)
    return family


def break_glass_panel(user, family: Family) -> dict:
    """The family page's break-glass banner: every active use on the family, for anyone who can see the
    family (the request's access decision). One query."""
    if not policy.can_view_family(user, family):
        return {"active": [], "any": False, "mine": None}
    uses = list(BreakGlass.objects.filter(family_id=family.pk, expires_at__gt=timezone.now())
                .select_related("user__agency").order_by("expires_at", "pk"))
    return {"active": uses, "any": bool(uses), "mine": next((u for u in uses if u.user_id == user.pk), None)}


def break_glass_uses_for_review(user) -> QuerySet[BreakGlass]:
    """The uses the user oversees, unreviewed first, newest first."""
    if not policy.can_oversee_break_glass(user):
        raise NotPermitted("Only the data protection officer and managers review break-glass access.",
                           object_type="access.breakglass")
    return (
        BreakGlass.objects.filter(policy.break_glass_overseen_by(user))
        .select_related("user__agency", "reviewed_by")
        .annotate(unreviewed=Case(When(reviewed_at__isnull=True, then=Value(0)), default=Value(1),
                                  output_field=IntegerField()))
        .order_by("unreviewed", "-started_at", "-pk")
    )


def record_reviews_viewed(user, uses: list[BreakGlass]) -> None:
    """The reasons can name people: looking at the list is audited."""
    trail.record(actor=user, action=AuditAction.VIEW, object_type="access.breakglass",
                 detail={"break_glass_reviews": [u.pk for u in uses]})


def break_glass_for_review(user, break_glass_id: int) -> BreakGlass:
    """One use the user oversees (their own uses are shown, but `break_glass_review` refuses them)."""
    use = break_glass_uses_for_review(user).filter(pk=break_glass_id).first()
    if use is None:
        raise NotPermitted(object_type="access.breakglass", object_id=break_glass_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=use, family_id=use.family_id,
                 detail={"break_glass_review": True})
    return use
