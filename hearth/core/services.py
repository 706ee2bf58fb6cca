"""Writes to council profiles."""

from django.db import transaction

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.core.locking import locked
from hearth.core.models import Council

EDITABLE_CONTACTS = (
    "mash_phone",
    "mash_email",
    "referral_panel_email",
    "early_help_team_email",
    "dpo_email",
    "dpo_phone",
)


@transaction.atomic
def council_update_profile(*, actor, council: Council, version: int, service_name: str,
                           review_interval_weeks: int, privacy_explanation: str, **contacts) -> Council:
    if not actor.has_role("sysadmin") or actor.agency.council_id != council.pk:
        raise NotPermitted("Only a system administrator of this council can change its profile.")
    fresh = locked(Council.objects.all(), council.pk, version=version,
                   conflict="Someone else changed this profile while you were editing. Your changes have not "
                            "been saved: check the latest profile and make your changes again.")
    fresh.service_name = service_name.strip()
    fresh.review_interval_weeks = review_interval_weeks
    fresh.privacy_explanation = privacy_explanation.strip()
    fresh.contacts = {**fresh.contacts, **{k: (contacts.get(k) or "").strip() for k in EDITABLE_CONTACTS}}
    fresh.version += 1
    fresh.save()
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=fresh, detail={"profile_version": fresh.version})
    return fresh
