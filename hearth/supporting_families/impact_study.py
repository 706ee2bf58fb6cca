"""The National Impact Study share: the identifying details of the people in the families on the programme, as the
council sends them to the Office for National Statistics. The Office links them with health, benefits, police and
justice records, and the study works on the linked data with names and addresses taken off (the Redcar and
Cleveland and Cambridgeshire and Peterborough privacy notices say so).

Who is in it: every current member of each family with three or more current headline needs. Who is left out, and
counted by reason: anyone who opted out of research linking (a `consent.ShareConsent` with `research_opt_out`, not
withdrawn), anyone erased, and anyone whose information's use is restricted. The postcode of a person whose address
must not be disclosed is left empty, and counted. Each family sent is recorded in its information-sharing register
(`sharing.services.disclosures_record`) as a disclosure to the Office, with its lawful basis."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from hearth.consent.models import ShareConsent
from hearth.core.programme import ELIGIBLE_WITH, HEADLINE_NEEDS
from hearth.people.models import Address, Family, FamilyMember
from hearth.reports.extract_files import Field
from hearth.reports.left_out import restricted_people
from hearth.supporting_families.models import Claim, ClaimDecision, Need

CHUNK = 5_000
RECIPIENT = "Office for National Statistics"
PURPOSE = ("The Supporting Families National Impact Study: linking the families on the programme with national "
           "records to measure the programme's effect")
BASIS = ("Public task (UK GDPR Article 6(1)(e)); research in the public interest (Article 9(2)(j); Data Protection "
         "Act 2018, Schedule 1, paragraph 4). People who opted out of research linking are left out.")

FIELDS = [
    Field("family_reference"), Field("person_reference"), Field("given_name"), Field("family_name"),
    Field("date_of_birth", kind="date"), Field("sex"), Field("postcode"), Field("nhs_number"),
    Field("role_in_family"), Field("joined_programme_on", kind="date"), Field("outcomes_claimed_on", kind="date"),
    *(Field(f"need_{code}", kind="int") for code in HEADLINE_NEEDS),
]
OBJECTS = {"national_impact_study": FIELDS}


def programme_families(council):
    """The council's families on the programme now: three or more current headline needs."""
    return (Family.objects.filter(council=council, programme_needs__removed_on__isnull=True)
            .annotate(current_needs=Count("programme_needs")).filter(current_needs__gte=ELIGIBLE_WITH))


def _opted_out():
    return ShareConsent.objects.filter(person=OuterRef("person_id"), research_opt_out=True,
                                       withdrawn_on__isnull=True)


def _members(council):
    return FamilyMember.objects.filter(family__in=programme_families(council).values("pk"), left_on__isnull=True)


@dataclass(frozen=True)
class LeftOut:
    opted_out: int
    erased: int
    restricted: int
    postcode_withheld: int

    def as_dict(self) -> dict:
        return {"opted_out_of_research": self.opted_out, "erased": self.erased, "restricted": self.restricted,
                "postcode_withheld": self.postcode_withheld}


def left_out(council) -> LeftOut:
    opted = Q(Exists(_opted_out()))
    erased = Q(person__erased_at__isnull=False)
    restricted = Q(person_id__in=restricted_people())
    counts = _members(council).aggregate(
        opted_out=Count("pk", filter=opted & ~erased),
        erased=Count("pk", filter=erased),
        restricted=Count("pk", filter=restricted & ~erased & ~opted),
        postcode_withheld=Count("pk", filter=Q(person__address_withheld=True) & ~erased & ~restricted & ~opted))
    return LeftOut(**counts)


def included(council):
    """The members the share holds, in family order."""
    return (_members(council).filter(person__erased_at__isnull=True)
            .exclude(person_id__in=restricted_people()).exclude(Exists(_opted_out())))


def rows(council) -> dict:
    return {"national_impact_study": lambda: _rows(council)}


def _rows(council):
    families = included(council).values("family_id").distinct()
    needs: dict[int, list] = {}
    for family_id, need, day in (Need.objects.filter(family_id__in=families, removed_on__isnull=True)
                                 .values_list("family_id", "need", "identified_on").iterator(chunk_size=CHUNK)):
        needs.setdefault(family_id, []).append((day, need))
    claimed = dict(Claim.objects.filter(family_id__in=families, decision=ClaimDecision.ACCEPTED)
                   .values_list("family_id", "checked_on"))
    postcodes = Address.objects.filter(person=OuterRef("person_id"), to_date__isnull=True).values("postcode")[:1]
    members = (included(council).annotate(postcode=postcodes)
               .values_list("family_id", "person_id", "person__given_name", "person__family_name",
                            "person__date_of_birth", "person__sex", "postcode", "person__nhs_number",
                            "person__address_withheld", "role")
               .order_by("family_id", "person_id"))
    for family_id, person_id, given, family, born, sex, postcode, nhs, withheld, role in members.iterator(
            chunk_size=CHUNK):
        held = sorted(needs.get(family_id, []))
        joined = held[ELIGIBLE_WITH - 1][0] if len(held) >= ELIGIBLE_WITH else None
        codes = {need for _, need in held}
        claim_day = claimed.get(family_id)
        yield (str(family_id), str(person_id), given, family, born.isoformat() if born else "", sex,
               "" if withheld else (postcode or ""), nhs or "", role, joined.isoformat() if joined else "",
               claim_day.isoformat() if claim_day else "", *(int(code in codes) for code in HEADLINE_NEEDS))


def families_sent(council) -> list[tuple[int, int]]:
    """(family, people sent) for each family the share holds: for its register entries."""
    return list(included(council).values("family_id").annotate(people=Count("pk")).values_list("family_id", "people")
                .order_by("family_id"))

