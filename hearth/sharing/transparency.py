"""The family's copy of what has been shared about them, with whom and why (the information-sharing register,
in plain English).

Only shares are listed; entries marked "unsafe to disclose to the family" are left out, and nothing in the
document says that any were left out. Recording who the copy was given to is the caller's job
(`hearth.sharing.services.transparency_copy_record`), as for the other copies.
"""

from django.utils import timezone

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.people.models import Family
from hearth.sharing import selectors
from hearth.web.pdf import render_pdf

TITLE = "What we have shared about your family, with whom and why"


def transparency_pdf(user, family: Family) -> bytes:
    """A tagged PDF for the family. Checks the access policy (NotPermitted) and records an EXPORT."""
    shown = selectors.transparency(user, family)
    trail.record(actor=user, action=AuditAction.EXPORT, obj=family, family_id=family.pk,
                 detail={"document": "sharing_for_family", "entries": len(shown.entries)})
    context = {"family": family, "council": family.council, "entries": shown.entries,
               "printed_on": timezone.localdate(), "printed_by": user}
    return render_pdf("sharing/for_family_pdf.html", context, title=f"{TITLE}: {family.name}")
