"""Early Help assessments in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

COPIES = ("assessment_copy", "step_up_bundle")

RECORDS = [
    Record("assessments.assessment", "the assessment", "The assessment", retention="early_help_assessment",
           erasure=Erasure.KEPT, sar_section="assessments", copies=COPIES),
    Record("assessments.section", "a section of the assessment", "Each section of the assessment",
           retention="early_help_assessment", erasure=Erasure.KEPT, sar_section="assessments", copies=COPIES),
    Record("assessments.childview", "a child's view in the assessment", "Children's views in assessments",
           retention="early_help_assessment", erasure=Erasure.CHECKED, sar_section="assessments", copies=COPIES),
    Record("assessments.contribution", "a professional view in the assessment",
           "Views from other professionals", retention="early_help_assessment", erasure=Erasure.KEPT,
           sar_section="assessments", copies=COPIES),
]
