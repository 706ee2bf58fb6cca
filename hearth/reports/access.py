"""Who reads the council's management information: analysts, managers, Early Help coordinators and the data
protection officer. Every figure they see is a count over the whole council (or a locality, team, agency or level of
it; or another council that shares its Early Help service: `reportable_councils`), protected by small-number
suppression (`hearth.reports.suppression`), so reading one needs no sight of any family. Extracts that name people
are the data protection officer's alone (`hearth.reports.tasks`)."""

from hearth.accounts.models import Role
from hearth.core.errors import NotPermitted
from hearth.core.models import Council

REPORT_ROLES = (Role.ANALYST, Role.MANAGER, Role.COORDINATOR, Role.DPO)


def can_read_reports(user) -> bool:
    return user.is_authenticated and user.has_role(*REPORT_ROLES)


# Roles whose users may see the families behind a count, where the access policy lets them see each family.
DRILL_ROLES = (Role.MANAGER, Role.COORDINATOR)


def can_drill_down(user) -> bool:
    return can_read_reports(user) and user.has_role(*DRILL_ROLES)


def require_drill_down(user) -> None:
    if not can_drill_down(user):
        raise NotPermitted("Only managers and Early Help coordinators can see the families behind a count, and "
                           "then only those they may see.", object_type="reports")


def reportable_councils(user) -> list:
    """The councils whose figures the user may read: their own, and the others that share its Early Help service (as
    Cambridgeshire and Peterborough do), their own first."""
    own = user.agency.council
    if not own.service_name:
        return [own]
    others = Council.objects.filter(service_name=own.service_name).exclude(pk=own.pk).order_by("name")
    return [own, *others]


def require_reports(user) -> None:
    if not can_read_reports(user):
        raise NotPermitted("Only analysts, managers, Early Help coordinators and the data protection officer can "
                           "see the council's reports.", object_type="reports")
