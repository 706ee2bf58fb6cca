"""The queue of people who may be recorded twice, in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

# Erasing a person keeps their pairs with the placeholder (the council's decisions), counted on the erasure page
# for the officer to check a rejection's reason by hand.
ABOUT_THE_CHECK = ("The council's check for people recorded twice: which two records may be one person, and why; it "
                   "holds nothing about the person beyond the records above")

RECORDS = [
    Record("duplicates.duplicaterun", "a run of the check for people recorded twice",
           "Runs of the check for people recorded twice", retention="family_record", erasure=Erasure.KEPT,
           not_in_sar="Counts and the model learned, naming no one"),
    Record("duplicates.duplicatepair", "two records that may be one person", "Records that may be one person",
           retention="family_record", erasure=Erasure.CHECKED, not_in_sar=ABOUT_THE_CHECK),
]
