"""Who does the council's information-governance work, and over which records: the data protection officer's
reach across the family policy (by design, and audited by the apps that use it) and the retention pages.
The family policy itself is `hearth.access.policy`."""

from django.db.models import Q, QuerySet

from hearth.accounts.models import Role
from hearth.core.errors import NotPermitted
from hearth.people.models import Family, Person

# Information governance (hearth.subject_access, hearth.rights, hearth.breaches, hearth.dpo, hearth.retention): the
# data protection officer's work crosses the family policy by design. The DPO of a council may find any person of
# the council to log a subject access request or a request to correct, erase or restrict, compile everything held
# about a person for a subject access release, correct or erase a person's details when such a request is accepted,
# and read the audit log (not the record) of any family or person of the council. Those apps audit every such look.
# Managers may see the unusual-access report for the members of their own teams.


def can_do_governance(user, council=None) -> bool:
    """Subject access requests, the breach log, rights requests and audit review of a council: its data protection
    officer. `council` (a Council or its id) defaults to the user's own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_role(Role.DPO):
        return False
    return council is None or getattr(council, "pk", council) == user.agency.council_id


def require_officer(user, council=None, *, object_type: str, object_id="", to: str = "do this") -> None:
    """The council's information-governance work (its pages, the breach log, rights requests): its data protection
    officer only (`can_do_governance`); anyone else is refused with NotPermitted, which the audit log records.
    `to` says what was refused ("see this page")."""
    if not can_do_governance(user, council):
        raise NotPermitted(f"Only the council's data protection officer can {to}.", object_type=object_type,
                           object_id=object_id)


def governance_people(user) -> QuerySet[Person]:
    """People the user may find as the subject of a subject access request or of a rectification, erasure or
    restriction request, or whose access log they may read: every person of the council, for its data protection
    officer; no one for anyone else."""
    if not can_do_governance(user):
        return Person.objects.none()
    return Person.objects.filter(council_id=user.agency.council_id)


def governance_families(user) -> QuerySet[Family]:
    """Families whose access log (not their record) the user may read: every family of the council, for its data
    protection officer; none for anyone else."""
    if not can_do_governance(user):
        return Family.objects.none()
    return Family.objects.filter(council_id=user.agency.council_id)


def can_rectify_person(user, person: Person) -> bool:
    """Correcting or erasing a person's details after an accepted request for rectification or erasure: the data
    protection officer of the person's council, whether or not the family policy lets them see the family."""
    return can_do_governance(user, person.council_id)


def can_review_unusual_access(user) -> bool:
    """The unusual-access report: the data protection officer (everyone in the council) and managers (their teams)."""
    return getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.DPO, Role.MANAGER)


def access_reviewed_users(user) -> Q:
    """A Q over accounts.User: whose access the user reviews in the unusual-access report. The data protection
    officer: every user of the council; a manager: the members of the teams they manage; anyone else: no one."""
    if not can_review_unusual_access(user):
        return Q(pk__in=[])
    council = Q(agency__council_id=user.agency.council_id)
    if user.has_role(Role.DPO):
        return council
    return council & Q(team__manager=user)


# Retention and disposal (hearth.retention): the council's retention rules, legal holds, and disposal runs. A
# disposal is prepared by one data protection officer and approved by another (the retention services refuse an
# approval by the preparer); the retention pages show counts only, never a family's record.


def can_manage_retention(user, council=None) -> bool:
    """Retention rules, legal holds and disposal runs of a council: its data protection officer. `council` (a
    Council or its id) defaults to the user's own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_role(Role.DPO):
        return False
    return council is None or getattr(council, "pk", council) == user.agency.council_id
