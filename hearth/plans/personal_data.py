"""Plans, meetings and reviews in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

PLAN = ("plan_copy", "step_up_bundle")
MEETING = ("plan_copy", "step_up_bundle", "taf_notes")

RECORDS = [
    Record("plans.planoutcome", "an outcome in the plan", "The plan's hoped-for outcomes",
           retention="plan_and_reviews", erasure=Erasure.KEPT, sar_section="plans", copies=PLAN),
    Record("plans.action", "an action in the plan", "Plan actions", retention="plan_and_reviews",
           erasure=Erasure.CHECKED, sar_section="plans", copies=PLAN),
    Record("plans.meeting", "a Team Around the Family meeting", "Team Around the Family meetings and their notes",
           retention="plan_and_reviews", erasure=Erasure.KEPT, sar_section="plans", copies=MEETING),
    Record("plans.invitation", "an invitation to a meeting", "Meeting invitations", retention="plan_and_reviews",
           erasure=Erasure.CHECKED, sar_section="plans", copies=MEETING),
    Record("plans.childmeetingview", "a child's view at a meeting", "Children's views at meetings",
           retention="plan_and_reviews", erasure=Erasure.CHECKED, sar_section="plans", copies=MEETING),
    Record("plans.review", "a review", "Reviews of the plan", retention="plan_and_reviews", erasure=Erasure.KEPT,
           sar_section="plans", copies=("review_copy",)),
    Record("plans.outcomeprogress", "progress towards an outcome", "Progress towards each outcome at a review",
           retention="plan_and_reviews", erasure=Erasure.KEPT, sar_section="plans", copies=("review_copy",)),
    Record("plans.correction", "a correction to the plan or a meeting record",
           "Corrections and withdrawals of outcomes, actions and meeting records, with their earlier wording",
           retention="plan_and_reviews", erasure=Erasure.KEPT, sar_section="plans"),
]
