"""Legal holds in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    # The hold outlives the family it held: only its link to the family goes with the family's records.
    Record("retention.legalhold", "a legal hold on disposal", "Legal holds on disposal",
           retention="family_record", erasure=Erasure.KEPT,
           not_in_sar="A hold that stops records being destroyed; it says nothing about the person"),
]
