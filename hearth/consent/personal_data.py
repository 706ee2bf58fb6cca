"""Agreement, consent and lawful bases in the register of personal data (`hearth.core.personal_data`)."""

from hearth.core.personal_data import Erasure, Record

RECORDS = [
    Record("consent.agreement", "an agreement to Early Help", "Agreements to receive Early Help",
           retention="consent_records", erasure=Erasure.CHECKED, sar_section="consent"),
    Record("consent.shareconsent", "a consent to share information", "Consents to share information",
           retention="consent_records", erasure=Erasure.CHECKED, sar_section="consent"),
    Record("consent.consentscope", "the agencies a consent covers", "Who each consent covers",
           retention="consent_records", erasure=Erasure.KEPT, sar_section="consent"),
    Record("consent.lawfulbasis", "a lawful basis for sharing", "Lawful bases for sharing without consent",
           retention="consent_records", erasure=Erasure.CHECKED, sar_section="consent"),
    Record("consent.notsoughtdecision", "a decision not to seek consent", "Decisions not to seek consent",
           retention="consent_records", erasure=Erasure.KEPT, sar_section="consent"),
]
