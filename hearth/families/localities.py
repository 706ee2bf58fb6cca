"""Which locality covers a postcode: the council profile's `postcode_districts`, kept as `PostcodeDistrict` rows."""

from django.db import transaction

from hearth.core.models import Council, Locality
from hearth.families.models import PostcodeDistrict


@transaction.atomic
def keep_districts(*, council: Council, localities: list[dict]) -> None:
    """The council's postcode districts as its profile now gives them (`core.profiles.localities_loaded`)."""
    by_code = {loc.code: loc for loc in Locality.objects.filter(council=council)}
    PostcodeDistrict.objects.filter(council=council).delete()
    PostcodeDistrict.objects.bulk_create([
        PostcodeDistrict(council=council, district=district, locality=by_code[entry["code"]])
        for entry in localities for district in entry.get("postcode_districts") or []
    ])


def district_of(postcode: str) -> str:
    """The postcode's district, the part before the space ("OX16 5AU" -> "OX16"), from a cleaned postcode."""
    return (postcode or "").strip().upper().split(" ")[0]


def locality_for_postcode(council_id: int, postcode: str) -> Locality | None:
    """The council's locality that covers the postcode (a cleaned one), or None when its profile says none."""
    row = (PostcodeDistrict.objects.filter(council_id=council_id, district=district_of(postcode))
           .select_related("locality").first())
    return row.locality if row else None
