"""The Supporting Families programme's records in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("supporting_families.need", "a Supporting Families headline need", "Supporting Families headline needs",
           retention="supporting_families", erasure=Erasure.CHECKED, sar_section="supporting_families"),
    Record("supporting_families.progress", "a judgement of progress against a headline need",
           "Judgements of progress against the headline needs", retention="supporting_families",
           erasure=Erasure.KEPT, sar_section="supporting_families"),
    Record("supporting_families.claim", "a Supporting Families claim", "Supporting Families claims",
           retention="supporting_families", erasure=Erasure.KEPT, sar_section="supporting_families"),
]
