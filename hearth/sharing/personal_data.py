"""The information-sharing register in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("sharing.disclosure", "an entry in the information-sharing register",
           "Entries in the information-sharing register", retention="sharing_register", erasure=Erasure.CHECKED,
           sar_section="sharing", copies=("transparency_copy",)),
]
