"""The national Supporting Families programme's ten headline needs, the same for every council taking part.

A council's profile may map its outcome areas to them (`supporting_families_outcome`) and give its own descriptors
of each (`supporting_families.descriptors`): what, in that council's framework, shows that a family has the need.
Both are checked against this list when a profile is loaded (`hearth.core.profiles`); the programme's records are
kept by `hearth.supporting_families`."""

HEADLINE_NEEDS = {
    "education": "Getting a good education",
    "early_years": "Good early years development",
    "health": "Improved mental and physical health",
    "substance_use": "Promoting recovery and reducing harm from substance use",
    "family_relationships": "Improved family relationships",
    "abuse_and_exploitation": "Children safe from abuse and exploitation",
    "crime": "Crime prevention and tackling crime",
    "domestic_abuse": "Safe from domestic abuse",
    "housing": "Secure housing",
    "finances": "Financial stability",
}

# A family is eligible for the programme with at least this many headline needs.
ELIGIBLE_WITH = 3
# How long progress must have lasted, after the family's episode closed, before it counts as sustained, unless the
# council's profile says otherwise (`supporting_families.sustained_months`).
DEFAULT_SUSTAINED_MONTHS = 6
