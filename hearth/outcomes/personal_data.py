"""Outcome scores in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

COPIES = ("assessment_copy", "review_copy")

RECORDS = [
    Record("outcomes.reading", "outcome scores", "Outcome scores", retention="plan_and_reviews",
           erasure=Erasure.KEPT, sar_section="outcomes", copies=COPIES),
    Record("outcomes.score", "an outcome score", "Each area's score", retention="plan_and_reviews",
           erasure=Erasure.KEPT, sar_section="outcomes", copies=COPIES),
]
