"""Requests for support and referrals in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("referrals.referral", "a request for support", "Requests for support and referrals to MASH",
           retention="request_for_support", erasure=Erasure.KEPT, sar_section="referrals",
           copies=("step_up_bundle",)),
    Record("referrals.screeningtool", "a screening tool sent with a referral",
           "Screening tools sent to MASH with a referral", retention="request_for_support", erasure=Erasure.KEPT,
           sar_section="referrals", copies=("step_up_bundle",)),
    Record("referrals.stepdown", "a step down from children's social care",
           "Steps down from children's social care", retention="request_for_support", erasure=Erasure.KEPT,
           sar_section="referrals"),
    Record("referrals.immediateriskcontact", "a contact with MASH", "Same-day contacts with MASH",
           retention="request_for_support", erasure=Erasure.KEPT, sar_section="referrals"),
]
