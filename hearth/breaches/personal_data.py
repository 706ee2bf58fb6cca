"""The breach log in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

ABOUT_BREACHES = ("The council's log of data breaches, which names families by their record numbers only; the people "
                  "a breach puts at high risk are told of it directly")

RECORDS = [
    # An incident outlives the families it involved: only its links to them go with the families' records.
    Record("breaches.incident", "the breach log", "The breach log", retention="family_record", erasure=Erasure.KEPT,
           not_in_sar=ABOUT_BREACHES, formerly=("dpo.incident",)),
    Record("breaches.incidentnotice", "someone told of a data breach", "Who was told of data breaches",
           retention="family_record", erasure=Erasure.KEPT, not_in_sar=ABOUT_BREACHES,
           formerly=("dpo.incidentnotice",)),
]
