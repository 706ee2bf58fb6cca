"""Every read of Early Help Assessments, scoped by the access policy; reads of personal data are audited."""


from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hearth.access import policy
from hearth.accounts.models import Role, User
from hearth.assessments.models import (
    Assessment,
    AssessmentStatus,
    ChildView,
    Contribution,
    ContributionStatus,
    Section,
    SectionKey,
)
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import Episode
from hearth.core import dates
from hearth.core.errors import NotPermitted
from hearth.outcomes.models import Reading
from hearth.people.models import FamilyMember, MemberRole

SECTION_ORDER = {key: i for i, key in enumerate(SectionKey.values)}
# The roles someone can be asked for a professional view from (people who work with families).
CONTRIBUTOR_ROLES = (Role.PRACTITIONER, Role.COORDINATOR, Role.SOCIAL_WORKER, Role.MASH_SCREENER, Role.MANAGER)


# --- who may write ---------------------------------------------------------------------------------


def can_write(user, family, episode) -> bool:
    return policy.can_write_assessment(user, family, episode)


def can_write_assessment(user, assessment: Assessment) -> bool:
    return can_write(user, assessment.family, assessment.episode)


# --- the family's children -----------------------------------------------------------------------


def family_children(family) -> list:
    """The family's current children: members in the child role, and any member under 18. Eldest first."""
    today = timezone.localdate()
    members = (
        FamilyMember.objects.filter(family=family)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .filter(Q(role=MemberRole.CHILD)
                | Q(person__date_of_birth__gt=dates.born_after_for_under(dates.ADULT_AGE, today)))
        .select_related("person")
    )
    people = [m.person for m in members]
    people.sort(key=lambda p: (p.date_of_birth is None, p.date_of_birth or today, p.pk))
    return people


# --- the assessment page -----------------------------------------------------------------------


def _visible(user):
    return Assessment.objects.filter(family__in=policy.families_visible_to(user))


def _full(queryset):
    return queryset.select_related(
        "episode__lead_professional__agency", "family__council", "completed_by__agency", "started_by",
    ).prefetch_related(
        Prefetch("sections", queryset=Section.objects.select_related("updated_by__agency")),
        Prefetch("child_views", queryset=ChildView.objects.select_related("child", "updated_by__agency")),
        Prefetch("contributions", queryset=Contribution.objects.select_related("author__agency", "invited_by")),
    )


def _arrange(assessment: Assessment) -> Assessment:
    """Sections in the guidance's order, and the parts by kind, as attributes for templates and documents."""
    assessment.section_list = sorted(assessment.sections.all(), key=lambda s: SECTION_ORDER.get(s.key, 99))
    assessment.sections_by_key = {s.key: s for s in assessment.section_list}
    assessment.child_view_list = list(assessment.child_views.all())
    contributions = list(assessment.contributions.all())
    assessment.contribution_list = contributions
    assessment.submitted_contributions = [c for c in contributions if c.status == ContributionStatus.SUBMITTED]
    assessment.awaited_contributions = [c for c in contributions if c.status == ContributionStatus.INVITED]
    assessment.declined_contributions = [c for c in contributions if c.status == ContributionStatus.DECLINED]
    return assessment


def score_rows(council, reading) -> list[dict]:
    """A reading's scores in the council's outcome-area order, with the area names from its profile."""
    if reading is None:
        return []
    by_area = {s.area: s for s in reading.scores.all()}
    rows = []
    for area in council.outcome_areas:
        score = by_area.pop(area["code"], None)
        if score is not None:
            rows.append({"code": area["code"], "name": area.get("name", area["code"]), "score": score.score,
                         "family_score": score.family_score})
    rows.extend({"code": code, "name": code, "score": s.score, "family_score": s.family_score}
                for code, s in by_area.items())
    return rows


def latest_reading(assessment: Assessment):
    return (
        Reading.objects.filter(assessment=assessment).select_related("recorded_by")
        .prefetch_related("scores").order_by("-taken_on", "-pk").first()
    )


def assessment_detail(user, assessment_id: int) -> Assessment:
    """One version of an assessment with everything its page shows, in a fixed number of queries."""
    assessment = _full(_visible(user).filter(pk=assessment_id)).first()
    if assessment is None:
        raise NotPermitted(object_type="assessments.assessment", object_id=assessment_id)
    _arrange(assessment)
    reading = latest_reading(assessment)
    assessment.latest_reading = reading
    assessment.score_rows = score_rows(assessment.family.council, reading)
    assessment.versions = list(
        Assessment.objects.filter(episode_id=assessment.episode_id).select_related("completed_by").order_by("number")
    )
    if assessment.is_locked:
        assessment.missing_children = []
    else:
        have = {v.child_id for v in assessment.child_view_list}
        assessment.missing_children = [c for c in family_children(assessment.family) if c.pk not in have]
    assessment.my_contribution = next((c for c in assessment.contribution_list if c.author_id == user.pk), None)
    trail.record(actor=user, action=AuditAction.VIEW, obj=assessment, family_id=assessment.family_id,
                 detail={"number": assessment.number})
    return assessment


def assessment_for_action(user, assessment_id: int) -> Assessment:
    """An assessment the user may see, for a confirmation page or an action (no texts loaded)."""
    assessment = (
        _visible(user).filter(pk=assessment_id)
        .select_related("episode__lead_professional__agency", "family__council", "completed_by")
        .first()
    )
    if assessment is None:
        raise NotPermitted(object_type="assessments.assessment", object_id=assessment_id)
    return assessment


def section_for_edit(user, assessment_id: int, key: str) -> Section:
    section = (
        Section.objects.filter(assessment_id=assessment_id, key=key,
                               assessment__family__in=policy.families_visible_to(user))
        .select_related("assessment__family__council", "assessment__episode__lead_professional", "updated_by__agency")
        .first()
    )
    if section is None:
        raise NotPermitted(object_type="assessments.assessment", object_id=assessment_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=section, family_id=section.assessment.family_id,
                 detail={"assessment": assessment_id, "section": key})
    return section


def child_view_for_edit(user, assessment_id: int, child_view_id: int) -> ChildView:
    view = (
        ChildView.objects.filter(pk=child_view_id, assessment_id=assessment_id,
                                 assessment__family__in=policy.families_visible_to(user))
        .select_related("assessment__family__council", "assessment__episode__lead_professional", "child",
                        "updated_by__agency")
        .first()
    )
    if view is None:
        raise NotPermitted(object_type="assessments.childview", object_id=child_view_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=view, family_id=view.assessment.family_id,
                 person_id=view.child_id, detail={"assessment": assessment_id})
    return view


def contribution_detail(user, assessment_id: int, contribution_id: int) -> Contribution:
    contribution = (
        Contribution.objects.filter(policy.contribution_filter(user), pk=contribution_id,
                                    assessment_id=assessment_id)
        .select_related("assessment__family__council", "assessment__episode", "author__agency", "invited_by__agency")
        .first()
    )
    if contribution is None:
        raise NotPermitted(object_type="assessments.contribution", object_id=contribution_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=contribution, family_id=contribution.assessment.family_id,
                 detail={"assessment": assessment_id})
    return contribution


def invitable_practitioners(user, assessment: Assessment) -> list[User]:
    """Active practitioners of the council's other agencies who have not already been asked (or declined)."""
    asked = Contribution.objects.filter(assessment=assessment).exclude(status=ContributionStatus.DECLINED)
    return list(
        User.objects.filter(agency__council_id=assessment.family.council_id, is_active=True,
                            roles__role__in=CONTRIBUTOR_ROLES)
        .exclude(agency_id=user.agency_id)
        .exclude(pk__in=asked.values("author_id"))
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "full_name")
    )


def my_invitations(user) -> list[Contribution]:
    """Requests for the user's professional view still waiting for them (for the dashboard)."""
    return list(
        Contribution.objects.filter(policy.contribution_filter(user), author=user,
                                    status=ContributionStatus.INVITED, assessment__status=AssessmentStatus.DRAFT)
        .select_related("assessment__family", "invited_by__agency")
        .order_by("invited_at")
    )


# --- the episode page and documents --------------------------------------------------------------


def _subcount(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("assessment").annotate(n=Count("pk")).values("n")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


def episode_panel(user, episode) -> dict:
    """The episode page's assessment panel: the current version, how far it has got, and the user's own professional
    view if one was asked of them (`my_contribution_id` and `my_contribution_status`, None when not). One query
    whatever the number of versions, sections, children or contributions, and the access decision if the request
    has not made it already."""
    mine = Contribution.objects.filter(assessment=OuterRef("pk"), author=user)
    current = (
        Assessment.objects.filter(episode=episode)
        .select_related("completed_by")
        .annotate(
            sections_written=_subcount(
                Section.objects.filter(assessment=OuterRef("pk")).exclude(facts="", opinions="")),
            child_views_total=_subcount(ChildView.objects.filter(assessment=OuterRef("pk"))),
            child_views_recorded=_subcount(
                ChildView.objects.filter(assessment=OuterRef("pk")).exclude(in_their_words="", worker_reflection="")),
            contributions_awaiting=_subcount(
                Contribution.objects.filter(assessment=OuterRef("pk"), status=ContributionStatus.INVITED)),
            contributions_submitted=_subcount(
                Contribution.objects.filter(assessment=OuterRef("pk"), status=ContributionStatus.SUBMITTED)),
            my_contribution_id=Subquery(mine.values("pk")[:1]),
            my_contribution_status=Subquery(mine.values("status")[:1]),
        )
        .order_by("-number")
        .first()
    )
    writer = can_write(user, episode.family, episode)
    return {
        "assessment": current,
        "sections_total": len(SectionKey.values),
        "can_start": current is None and writer and episode.is_open,
        "can_write": writer,
    }


def latest_completed(user, episode) -> Assessment | None:
    """The episode's latest completed assessment with its sections (in order), children's views and
    contributions prefetched, and its latest outcome reading: for the assessment's PDF copy."""
    if not policy.can_view_family(user, episode.family):
        raise NotPermitted(object_type="cases.episode", object_id=episode.pk)
    assessment = _full(
        Assessment.objects.filter(episode=episode, status=AssessmentStatus.COMPLETED).order_by("-number")
    ).first()
    if assessment is None:
        return None
    _arrange(assessment)
    reading = latest_reading(assessment)
    assessment.latest_reading = reading
    assessment.score_rows = score_rows(assessment.family.council, reading)
    trail.record(actor=user, action=AuditAction.VIEW, obj=assessment, family_id=assessment.family_id,
                 detail={"number": assessment.number})
    return assessment


def episode_for_start(user, episode_id: int):
    """An episode of a family the user may see, for the page that starts its assessment."""
    episode = (
        Episode.objects.filter(pk=episode_id, family__in=policy.families_visible_to(user))
        .select_related("family__council", "lead_professional__agency")
        .first()
    )
    if episode is None:
        raise NotPermitted(object_type="cases.episode", object_id=episode_id)
    return episode
