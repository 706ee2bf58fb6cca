"""What the assessment adds to the episode's status changes (registered with `hearth.cases.journey`): the plan is
agreed only once an assessment is completed (unless the council registers a level 2 plan without one), and a draft
left when the episode closes is marked not completed."""

from hearth.assessments.models import Assessment, AssessmentStatus


def assessment_needed_for_plan(episode) -> bool:
    """Whether the plan waits for a completed assessment: always, except a level 2 plan where the council registers
    one without an assessment (Gloucestershire's My Plan: the profile's rule `level_2_plan_without_assessment`)."""
    if episode.level == 2 and episode.family.council.rule("level_2_plan_without_assessment", False):
        return False
    return not episode.assessments.filter(status=AssessmentStatus.COMPLETED).exists()


def plan_needs_completed_assessment(*, episode, transition: str) -> str:
    if transition == "plan_agreed" and assessment_needed_for_plan(episode):
        return "Complete the Early Help Assessment before agreeing the plan."
    return ""


def mark_drafts_not_completed(*, actor, episode, closure, open_work) -> None:
    """A draft assessment cannot be finished once its episode is closed: it is kept, marked as such, so that a
    later episode can start a new one."""
    Assessment.objects.filter(episode=episode, status=AssessmentStatus.DRAFT).update(
        status=AssessmentStatus.NOT_COMPLETED)
