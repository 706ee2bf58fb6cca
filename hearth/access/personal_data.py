"""Access records in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("access.breakglass", "the family record in an emergency (break-glass access)",
           "Emergency (break-glass) access to the record", retention="family_record", erasure=Erasure.KEPT,
           not_in_sar="Each emergency access is in the access history, from the audit log"),
    Record("access.involvement", "who works with the family", "Who works with the family",
           retention="family_record", erasure=Erasure.KEPT,
           not_in_sar="Who works with the family: their work, with their names, is in the sections above"),
    Record("access.grant", "who may see the record", "Who may see the record", retention="family_record",
           erasure=Erasure.KEPT,
           not_in_sar="Worked out from the records above to decide who may see the record; it holds nothing new"),
]
