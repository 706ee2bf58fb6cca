"""The people register's records in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

FAMILY_COPIES = ("assessment_copy", "step_up_bundle")

RECORDS = [
    Record("people.person", "a person's details", "Personal details", retention="family_record",
           erasure=Erasure.PLACEHOLDER, sar_section="person", copies=FAMILY_COPIES),
    Record("people.personname", "a previous or other name", "Previous and other names", retention="family_record",
           erasure=Erasure.ERASED, sar_section="person"),
    Record("people.address", "an address", "Addresses", retention="family_record", erasure=Erasure.ERASED,
           sar_section="person", copies=FAMILY_COPIES),
    Record("people.family", "the family record", "The family record: its name and locality",
           retention="family_record", erasure=Erasure.KEPT, sar_section="families",
           copies=("assessment_copy", "plan_copy", "review_copy", "chronology", "step_up_bundle", "transparency_copy")),
    Record("people.familymember", "a family membership", "Who is in each family", retention="family_record",
           erasure=Erasure.ERASED, sar_section="families", copies=FAMILY_COPIES),
    Record("people.relationship", "a family relationship", "Family relationships", retention="family_record",
           erasure=Erasure.ERASED, sar_section="families", copies=("step_up_bundle",)),
]
