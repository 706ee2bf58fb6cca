"""Episodes and case notes in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("cases.episode", "the Early Help episode", "Early Help episodes", retention="family_record",
           erasure=Erasure.KEPT, sar_section="episodes", copies=("plan_copy", "step_up_bundle")),
    Record("cases.levelchange", "a decision on the level of need", "Decisions on the level of need",
           retention="family_record", erasure=Erasure.KEPT, sar_section="episodes", copies=("chronology",)),
    Record("cases.leadassignment", "a lead professional's time with the family", "Lead professionals over time",
           retention="family_record", erasure=Erasure.KEPT, sar_section="episodes", copies=("chronology",)),
    Record("cases.handover", "a handover to a new lead professional", "Handovers between lead professionals",
           retention="family_record", erasure=Erasure.KEPT, sar_section="episodes"),
    Record("cases.statuschange", "a change of the episode's status", "Changes of the episode's status",
           retention="family_record", erasure=Erasure.KEPT, sar_section="episodes", copies=("chronology",)),
    Record("cases.casenote", "a case note", "Case notes (those marked significant, in the chronology)",
           retention="case_notes", erasure=Erasure.KEPT, sar_section="notes", copies=("chronology",)),
    Record("cases.casenoterevision", "a case note's earlier wording", "Earlier wording of corrected or withdrawn "
           "case notes", retention="case_notes", erasure=Erasure.KEPT, sar_section="notes"),
]
