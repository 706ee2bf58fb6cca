"""Subject access requests in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

ABOUT_REQUESTS = "The request and its answer: the person has the copy released to them"

RECORDS = [
    Record("subject_access.subjectaccessrequest", "a subject access request", "Subject access requests",
           retention="data_protection_requests", erasure=Erasure.KEPT, not_in_sar=ABOUT_REQUESTS),
    Record("subject_access.withholding", "something withheld from a subject access copy",
           "What was withheld from a subject access copy, and why", retention="data_protection_requests",
           erasure=Erasure.KEPT, not_in_sar=ABOUT_REQUESTS),
    Record("subject_access.releasedbundle", "a released subject access copy", "Released subject access copies",
           retention="data_protection_requests", erasure=Erasure.KEPT, not_in_sar=ABOUT_REQUESTS),
]
