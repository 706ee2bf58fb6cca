"""Writes to council profiles."""

from django.db import transaction

from hearth.core.errors import Conflict, NotPermitted
from hearth.core.models import Council
from hearth.governance import audit
from hearth.governance.models import AuditAction

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
    locked = Council.objects.select_for_update().get(pk=council.pk)
    if locked.version != version:
        raise Conflict("Someone else changed this profile while you were editing. Your changes have not "
                       "been saved: check the latest profile and make your changes again.")
    locked.service_name = service_name.strip()
    locked.review_interval_weeks = review_interval_weeks
    locked.privacy_explanation = privacy_explanation.strip()
    locked.contacts = {**locked.contacts, **{k: (contacts.get(k) or "").strip() for k in EDITABLE_CONTACTS}}
    locked.version += 1
    locked.save()
    audit.record(actor=actor, action=AuditAction.ADMIN, obj=locked, detail={"profile_version": locked.version})
    return locked
