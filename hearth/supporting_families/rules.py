"""The programme's rules for one council, read from its profile: its descriptors of each headline need and how long
progress must last to be sustained. One place, for the services, the pages and the return."""

from hearth.core.programme import DEFAULT_SUSTAINED_MONTHS, HEADLINE_NEEDS


def takes_part(council) -> bool:
    return council.takes_part_in_supporting_families


def descriptors(council) -> dict[str, list[tuple[str, str]]]:
    """Each headline need's descriptors in the council's words, as (code, text): an empty list for a need it does not
    describe."""
    given = (council.supporting_families or {}).get("descriptors") or {}
    return {need: [(d["code"], d["text"]) for d in given.get(need, [])] for need in HEADLINE_NEEDS}


def descriptor_text(council, need: str, code: str) -> str:
    return dict(descriptors(council).get(need, [])).get(code, "")


def sustained_months(council) -> int:
    return (council.supporting_families or {}).get("sustained_months", DEFAULT_SUSTAINED_MONTHS)


def programme_name(council) -> str:
    return (council.consent_questions or {}).get("supporting_families_programme_name") or "Supporting Families"
