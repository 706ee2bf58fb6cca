"""Requests to correct, erase or restrict in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

ABOUT_REQUESTS = "The request and its answer: the person is told the decision and what was done"

RECORDS = [
    Record("rights.rightsrequest", "a request to correct, erase or restrict", "Requests to correct, erase or restrict",
           retention="data_protection_requests", erasure=Erasure.KEPT, not_in_sar=ABOUT_REQUESTS,
           formerly=("dpo.rightsrequest",)),
    Record("rights.rectificationchange", "a correction or an erasure made at the person's request",
           "What was corrected or erased at the person's request", retention="data_protection_requests",
           erasure=Erasure.KEPT, not_in_sar=ABOUT_REQUESTS, formerly=("dpo.rectificationchange",)),
    Record("rights.restriction", "a restriction of the use of the person's information",
           "Restrictions of the use of the person's information", retention="data_protection_requests",
           erasure=Erasure.KEPT, not_in_sar=ABOUT_REQUESTS, formerly=("dpo.restriction",)),
]
