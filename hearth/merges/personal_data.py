"""The merges' records in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("merges.merge", "a merge of two records", "Records merged", retention="family_record",
           erasure=Erasure.CHECKED,
           not_in_sar="The merge is in the audit history of both records, which the bundle includes; the details it "
                      "kept for an unmerge are the person's own, in their record"),
]
