"""Who reads the council's management information: analysts, managers and Early Help coordinators. Every figure
they see is a count over the whole council (or a locality, team, agency or level of it), protected by small-number
suppression (`hearth.reports.suppression`), so reading one needs no sight of any family."""

from hearth.accounts.models import Role
from hearth.core.errors import NotPermitted

REPORT_ROLES = (Role.ANALYST, Role.MANAGER, Role.COORDINATOR)


def can_read_reports(user) -> bool:
    return user.is_authenticated and user.has_role(*REPORT_ROLES)


def require_reports(user) -> None:
    if not can_read_reports(user):
        raise NotPermitted("Only analysts, managers and Early Help coordinators can see the council's reports.",
                           object_type="reports")
