"""The consent app's records as the facts of the consent rule (`hearth.access.coverage`, decision record 0007),
for many families at once."""

from collections import defaultdict

from hearth.access.coverage import FamilyFacts, Scope, bases_of
from hearth.consent.models import ConsentScope, LawfulBasis
from hearth.core.models import ConsentModel
from hearth.people.models import Family


def load_facts(family_ids) -> dict[int, FamilyFacts]:
    """The coverage facts of each family, in three queries however many families."""
    family_ids = list(family_ids)
    facts = {
        pk: FamilyFacts(public_task=model == ConsentModel.PUBLIC_TASK)
        for pk, model in Family.objects.filter(pk__in=family_ids).values_list("pk", "council__consent_model")
    }
    scopes = ConsentScope.objects.filter(consent__family_id__in=family_ids, consent__withdrawn_on__isnull=True)
    for family_id, agency_id, kind, excluded, planning, partners, consent_id, person_id, given_on in (
            scopes.values_list("consent__family_id", "agency_id", "agency_kind", "excluded",
                               "consent__for_assessment_planning", "consent__for_named_partners", "consent_id",
                               "consent__person_id", "consent__given_on")):
        facts[family_id].scopes.append(Scope(agency_id, kind, excluded, planning or partners, consent_id, person_id,
                                             given_on))
    rows = defaultdict(list)
    for family_id, *row in (LawfulBasis.objects.filter(family_id__in=family_ids, confirmed_by__isnull=False)
                            .values_list("family_id", "pk", "all_agencies", "ends_on", "agencies", "person_id",
                                         "confirmed_at")):
        rows[family_id].append(row)
    for family_id, basis_rows in rows.items():
        facts[family_id].bases = bases_of(basis_rows)
    return facts


def scopes_of(consent, scopes) -> list[Scope]:
    """What one consent, with its loaded scopes, contributes to the rule's facts, as `load_facts` reads them from the
    database: its scopes, naming the consent and whose it is, while it stands; nothing once withdrawn."""
    if not consent.is_active:
        return []
    sharing = consent.for_assessment_planning or consent.for_named_partners
    return [Scope(s.agency_id, s.agency_kind, s.excluded, sharing, consent.pk, consent.person_id, consent.given_on)
            for s in scopes]
