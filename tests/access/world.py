"""One family with a record of every kind, and a user in every relationship and consent state the access policy
distinguishes. Shared by the permission-matrix and canary tests."""

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import make_user
from hearth.access import grants
from hearth.access.models import BreakGlass, InvolvedAs, Involvement
from hearth.accounts.models import Agency, AgencyKind, Role, Team
from hearth.assessments.models import Assessment, ChildView, Contribution, Section, SectionKey
from hearth.cases import services as cases
from hearth.cases.models import CaseNote, Handover
from hearth.consent import services as consent
from hearth.consent.models import Agreement
from hearth.core import profiles
from hearth.families import services as people
from hearth.jobs.models import Progress
from hearth.outcomes.models import Reading, Score
from hearth.plans.models import Action, Meeting, PlanOutcome, Review
from hearth.referrals.models import Referral, ReferralKind
from hearth.sharing.models import Disclosure
from hearth.supporting_families.models import Need


def url_patterns():
    """(name, pattern) for every named URL of the service."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p

    return list(walk(get_resolver().url_patterns))


@dataclass
class World:
    council: object
    family: object
    ids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


def _user(council, name, roles, kind, agency_name, team=None):
    return make_user(council, f"{name}@example.test", roles, kind=kind, agency_name=agency_name, team=team)


def build_world(marker: str = "") -> World:
    """`marker`, when given, is written into every free-text field of the family's records (canary test)."""

    def m(text: str) -> str:
        return f"{text} {marker}".strip()

    (council,) = profiles.load(only=["oxfordshire"])
    (elsewhere,) = profiles.load(only=["gloucestershire"])
    north, south = council.localities.get(code="north"), council.localities.get(code="south")
    eh = Agency.objects.create(council=council, name="Early Help North", kind=AgencyKind.EARLY_HELP_TEAM)
    team = Team.objects.create(agency=eh, name="North team", locality=north)
    other_team = Team.objects.create(agency=eh, name="South team", locality=south)
    P = Role.PRACTITIONER  # noqa: N806
    u = {
        "lead_professional": _user(council, "lead", [P], AgencyKind.EARLY_HELP_TEAM, "Early Help North", team),
        "team_member_with_consent": _user(council, "school", [P], AgencyKind.SCHOOL, "Hill School"),
        "team_member_consent_withdrawn": _user(council, "hv", [P], AgencyKind.HEALTH_VISITING, "Health visiting"),
        "team_member_consent_for_another_agency": _user(council, "police", [P], AgencyKind.POLICE, "Police"),
        "team_member_lawful_basis": _user(council, "youth", [P], AgencyKind.YOUTH_SERVICE, "Youth service"),
        "team_member_basis_not_confirmed": _user(council, "gp", [P], AgencyKind.GP, "Town GP"),
        "team_member_consent_not_sought": _user(council, "charity", [P], AgencyKind.VOLUNTARY, "Charity"),
        "contributor": _user(council, "nurse", [P], AgencyKind.SCHOOL_NURSING, "School nursing"),
        "locality_coordinator": _user(council, "coord", [Role.COORDINATOR], AgencyKind.EARLY_HELP_TEAM,
                                      "Early Help North", team),
        "coordinator_of_another_locality": _user(council, "coord.south", [Role.COORDINATOR],
                                                 AgencyKind.EARLY_HELP_TEAM, "Early Help North", other_team),
        "manager_of_the_lead": _user(council, "manager", [Role.MANAGER], AgencyKind.EARLY_HELP_TEAM,
                                     "Early Help North"),
        "manager_of_another_team": _user(council, "manager.south", [Role.MANAGER], AgencyKind.EARLY_HELP_TEAM,
                                         "Early Help North"),
        "mash_holding_a_referral": _user(council, "mash", [Role.MASH_SCREENER], AgencyKind.SOCIAL_CARE, "MASH"),
        "mash_break_glass_active": _user(council, "mash.bg", [Role.MASH_SCREENER], AgencyKind.SOCIAL_CARE, "MASH"),
        "mash_break_glass_expired": _user(council, "mash.old", [Role.MASH_SCREENER], AgencyKind.SOCIAL_CARE, "MASH"),
        "social_worker_involved": _user(council, "sw", [Role.SOCIAL_WORKER], AgencyKind.SOCIAL_CARE, "MASH"),
        "practitioner_not_involved": _user(council, "stranger", [P], AgencyKind.SCHOOL, "Far School"),
        "data_protection_officer": _user(council, "dpo", [Role.DPO], AgencyKind.EARLY_HELP_TEAM, "Early Help North"),
        "analyst": _user(council, "analyst", [Role.ANALYST], AgencyKind.EARLY_HELP_TEAM, "Early Help North"),
        "system_administrator": _user(council, "admin", [Role.SYSADMIN], AgencyKind.EARLY_HELP_TEAM,
                                      "Early Help North"),
        "practitioner_of_another_council": make_user(elsewhere, "outsider@example.test", [P], kind=AgencyKind.SCHOOL),
        "manager_of_the_contributor": _user(council, "manager.nursing", [Role.MANAGER], AgencyKind.SCHOOL_NURSING,
                                            "School nursing"),
        "manager_of_an_uncovered_team_member": _user(council, "manager.charity", [Role.MANAGER],
                                                     AgencyKind.VOLUNTARY, "Charity"),
    }
    team.manager = u["manager_of_the_lead"]
    team.save()
    other_team.manager = u["manager_of_another_team"]
    other_team.save()
    # Managers of a team member who reaches less than the family's record: a manager's route gives at most what
    # the involvement behind it gives.
    for member, manager, name in (("contributor", "manager_of_the_contributor", "Nursing team"),
                                  ("team_member_consent_not_sought", "manager_of_an_uncovered_team_member",
                                   "Charity team")):
        u[member].team = Team.objects.create(agency=u[member].agency, name=name, manager=u[manager])
        u[member].save(update_fields=["team"])
    lead = u["lead_professional"]
    family = people.family_create(actor=lead, name=m("The Matrix family"), locality=north)
    parent = people.person_create(actor=lead, family=family, role="parent_pr", data={
        "given_name": m("Alex"), "family_name": "Matrix", "phone": "07700 900123",
        "gender_identity": m(""), "disability_details": m(""), "first_language": m("English")})
    child = people.person_create(actor=lead, family=family, role="child", data={
        "given_name": m("Sky"), "family_name": "Matrix",
        "date_of_birth": timezone.localdate() - timedelta(days=365 * 8)})
    episode = cases.episode_open(actor=lead, family=family, reason="N4", level=3, lead=lead,
                                 level_reasons=m("Reasons"))
    # Consent states
    given = timezone.localdate() - timedelta(days=10)
    agreement = consent.agreement_record(actor=lead, family=family, given_by=parent, giver_kind="parent_pr",
                                         given_on=given, method="verbal")
    school = consent.share_consent_record(
        actor=lead, family=family, person=parent, given_by=parent, giver_kind="parent_pr", given_on=given,
        method="verbal", purposes={"for_assessment_planning"}, limits=m("Limits"),
        agencies=[u["team_member_with_consent"].agency, u["contributor"].agency])
    withdrawn = consent.share_consent_record(
        actor=lead, family=family, person=parent, given_by=parent, giver_kind="parent_pr", given_on=given,
        method="verbal", purposes={"for_assessment_planning"}, agencies=[u["team_member_consent_withdrawn"].agency])
    consent.share_consent_withdraw(actor=lead, consent=withdrawn, withdrawn_on=timezone.localdate(),
                                   how=m("Told us by phone"))
    basis = consent.lawful_basis_record(actor=lead, family=family, kind="safeguarding", reason=m("Risk"),
                                        agencies=[u["team_member_lawful_basis"].agency])
    consent.lawful_basis_confirm(actor=u["manager_of_the_lead"], basis=basis)
    consent.lawful_basis_record(actor=lead, family=family, kind="crime", reason=m("Unconfirmed"),
                                agencies=[u["team_member_basis_not_confirmed"].agency])
    consent.not_sought_record(actor=lead, family=family, reason=m("Would increase the risk"),
                              manager=u["manager_of_the_lead"], advised_on=timezone.localdate(),
                              advice=m("Agreed: do not ask"))
    for key in ("team_member_with_consent", "team_member_consent_withdrawn", "team_member_consent_for_another_agency",
                "team_member_lawful_basis", "team_member_basis_not_confirmed", "team_member_consent_not_sought"):
        Involvement.objects.create(family=family, user=u[key], relationship=InvolvedAs.TAF_MEMBER)
    Involvement.objects.create(family=family, user=u["contributor"], relationship=InvolvedAs.CONTRIBUTOR)
    Involvement.objects.create(family=family, user=u["mash_holding_a_referral"], relationship=InvolvedAs.MASH)
    Involvement.objects.create(family=family, user=u["social_worker_involved"], relationship=InvolvedAs.SOCIAL_WORK)
    now = timezone.now()
    BreakGlass.objects.create(family=family, user=u["mash_break_glass_active"], reason=m("Emergency at night"),
                              expires_at=now + timedelta(hours=2))
    BreakGlass.objects.create(family=family, user=u["mash_break_glass_expired"], reason=m("An old emergency"),
                              started_at=now - timedelta(days=1), expires_at=now - timedelta(hours=20))
    grants.refresh_family(family)  # the involvements and break-glass uses above were written directly
    # Records of every kind
    note = CaseNote.objects.create(family=family, episode=episode, note_type="home_visit",
                                   occurred_on=timezone.localdate(), summary=m("Visit"), body=m("Body"),
                                   significant=True, author=lead)
    handover = Handover.objects.create(episode=episode, from_user=lead, to_user=u["team_member_with_consent"],
                                       planned_for=timezone.localdate() + timedelta(days=5), notes=m("Handover"))
    assessment = Assessment.objects.create(episode=episode, family=family, started_by=lead)
    for key in SectionKey.values:
        Section.objects.create(assessment=assessment, key=key, facts=m("Facts"), opinions=m("Views"))
    child_view = ChildView.objects.create(assessment=assessment, child=child, method="three_houses",
                                          in_their_words=m("Words"), worker_reflection=m("Reflection"))
    contribution = Contribution.objects.create(assessment=assessment, author=u["contributor"],
                                               agency_name="School nursing", facts=m("Nurse facts"))
    meeting = Meeting.objects.create(episode=episode, scheduled_for=now, location=m("Hub"), minutes=m("Minutes"),
                                     family_views=m("Family views"))
    outcome = PlanOutcome.objects.create(episode=episode, description=m("An outcome"))
    action = Action.objects.create(episode=episode, what=m("Do a thing"), owner_user=lead,
                                   due_on=timezone.localdate() + timedelta(days=3))
    review = Review.objects.create(episode=episode, held_on=timezone.localdate(), summary=m("Review summary"),
                                   decision="continue")
    reading = Reading.objects.create(episode=episode, taken_on=timezone.localdate(), context="review", review=review)
    Score.objects.bulk_create([Score(reading=reading, area=a["code"], score=5) for a in council.outcome_areas])
    referral = Referral.objects.create(council=council, reference="RFS-2026-777777", kind=ReferralKind.STEP_UP,
                                       family=family, episode=episode, requester_kind="practitioner",
                                       requester_user=lead, requester_name=lead.full_name, concerns=m("Concerns"),
                                       consent_sought=False, consent_not_sought_reason=m("Risk"))
    entry = Disclosure.objects.create(family=family, kind="other", what=m("What was shared"), recipient=m("Someone"),
                                      purpose=m("Purpose"), basis="Consent", disclosed_by=lead)
    need = Need.objects.create(family=family, need="housing", person=parent, evidence=m("Rent arrears"),
                               identified_on=timezone.localdate(), recorded_by=lead)
    bg = BreakGlass.objects.filter(user=u["mash_break_glass_active"]).get()
    job = Progress.objects.create(task_id=uuid.UUID(int=1_000_000 - 1), owner=u["practitioner_not_involved"],
                                  title="A long job")
    ids = {
        "family_id": family.pk, "person_id": parent.pk, "episode_id": episode.pk, "note_id": note.pk,
        "handover_id": handover.pk, "action": "complete", "name": "social_work_concluded",
        "assessment_id": assessment.pk, "key": "background", "child_view_id": child_view.pk,
        "contribution_id": contribution.pk, "meeting_id": meeting.pk, "action_id": action.pk,
        "outcome_id": outcome.pk, "need_id": need.pk,
        "review_id": review.pk, "referral_id": referral.pk, "consent_id": school.pk, "agreement_id": agreement.pk,
        "basis_id": basis.pk, "entry_id": entry.pk, "break_glass_id": bg.pk, "user_id": lead.pk,
        "agency_id": lead.agency_id,
        "uidb64": "MQ", "token": "set-password", "code": council.code, "kind": "pseudonymised",
        # Governance records that do not exist for this family: their pages answer 403 or 404 to everyone.
        "sar_id": 999_999, "withholding_id": 999_999, "hold_id": 999_999, "run_id": 999_999,
        "incident_id": 999_999, "rights_request_id": 999_999, "provider_id": 999_999,
        "pair_id": 999_999, "merge_id": 999_999,
        # A finished long job that the practitioner not involved started (it made no file).
        "task_id": str(job.task_id),
    }
    assert Agreement.objects.filter(family=family).exists()
    return World(council=council, family=family, ids=ids, users=u)


@contextlib.contextmanager
def world_for_module(django_db_blocker, extend=None):
    """One world for every test of a module (from a module-scoped fixture), built in a transaction rolled back after
    the module: each test's own transaction is a savepoint inside it. `extend(world)` adds ids of its own."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            if extend is not None:
                built.ids.update(extend(built))
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
