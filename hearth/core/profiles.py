"""Council profiles: loading and validating the YAML files under core/profiles/."""

import re
from pathlib import Path

import yaml
from django.db import transaction

from hearth.core.errors import DomainError
from hearth.core.hooks import Hook
from hearth.core.models import ConsentModel, Council, Locality
from hearth.core.programme import HEADLINE_NEEDS

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
# A council's logo (the optional `logo` key: a file name in this folder), printed on its PDFs. Hearth ships no real
# council's logo; the demo council has a synthetic one.
LOGO_DIR = PROFILE_DIR / "logos"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
LOGO_MAX_BYTES = 200_000

REQUIRED_KEYS = (
    "code",
    "name",
    "short_name",
    "consent_model",
    "review_interval_weeks",
    "levels",
    "plan_names",
    "contacts",
    "localities",
    "outcome_areas",
    "closure_reasons",
    "consent_questions",
    "retention_rules",
    "privacy_explanation",
)
RETENTION_FROM = {"episode_closed", "date_of_birth", "created", "answered"}
# Who the council's process sends word to (the optional rules): of each completed Early Help Assessment
# (`completed_assessment_goes_to`), of each step down in the level of need (`level_down_goes_to`), of each plan agreed
# (`plan_agreed_goes_to`), of each Team Around the Family meeting recorded (`meeting_recorded_goes_to`). Each is a
# list of the council's MASH or Early Help team mailbox (its contacts) or the family's locality team.
NOTICE_RULES = ("completed_assessment_goes_to", "level_down_goes_to", "plan_agreed_goes_to",
                "meeting_recorded_goes_to")
NOTICE_RECIPIENTS = ("mash", "early_help_team", "locality")
# Process rules that are on or off: a level 2 plan agreed at the Team Around the Family meeting without a completed
# assessment (Gloucestershire's My Plan, registered on a notification form).
SWITCH_RULES = ("level_2_plan_without_assessment",)
# A disabled child's plan after a step down from a Child in Need plan may be reviewed less often
# (`disabled_child_step_down_review_weeks`: Gloucestershire's six-monthly reviews), read by cases.review_dates.
# A postcode district: the part of a postcode before the space (OX4, OX16, SW1A).
POSTCODE_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")

# A council's localities were loaded: each with its profile entry, so that the apps keeping more of a locality than
# core's `Locality` holds (families: the postcode districts it covers) keep it up to date.
localities_loaded = Hook("a council's localities were loaded from its profile", expects=("families",))


class ProfileError(DomainError):
    pass


def profile_files() -> list[Path]:
    return sorted(PROFILE_DIR.glob("*.yaml"))


def read_file(path: Path) -> list[dict]:
    """Parse one profile file into council dictionaries, each with its service name; validate all."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: could not be read as YAML ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("councils"), list) or not data.get("service"):
        raise ProfileError(f"{path.name}: must have a 'service' name and a list of 'councils'")
    councils = []
    for index, council in enumerate(data["councils"], start=1):
        validate(council, where=f"{path.name}, council {index}")
        councils.append({**council, "service_name": data["service"]})
    return councils


def _validate_postcode_districts(localities: list, *, where: str) -> None:
    """A locality's optional `postcode_districts`: a list of postcode districts (OX16), none in two localities."""
    seen: dict[str, str] = {}
    for loc in localities:
        districts = loc.get("postcode_districts", [])
        if not isinstance(districts, list):
            raise ProfileError(f"{where}: postcode_districts of locality {loc.get('code')} must be a list")
        for district in districts:
            if not isinstance(district, str) or not POSTCODE_DISTRICT.fullmatch(district):
                raise ProfileError(f"{where}: {district!r} in the postcode_districts of locality {loc.get('code')} "
                                   "is not a postcode district, like OX16")
            if district in seen:
                raise ProfileError(f"{where}: the postcode district {district} is in both locality {seen[district]} "
                                   f"and locality {loc.get('code')}")
            seen[district] = loc.get("code")


def _validate_rules(rules, *, where: str) -> None:
    """The optional `rules`: the council's process rules that are not wording."""
    if rules is None:
        return
    if not isinstance(rules, dict):
        raise ProfileError(f"{where}: rules must be a mapping of rule names to settings")
    unknown = sorted(set(rules) - set(NOTICE_RULES) - set(SWITCH_RULES)
                     - {"disabled_child_step_down_review_weeks", "small_number_threshold"})
    if unknown:
        raise ProfileError(f"{where}: rules has no rule called {', '.join(unknown)}")
    for rule in NOTICE_RULES:
        goes_to = rules.get(rule, [])
        if not isinstance(goes_to, list) or not set(goes_to) <= set(NOTICE_RECIPIENTS):
            raise ProfileError(f"{where}: rules.{rule} must be a list of {', '.join(NOTICE_RECIPIENTS)}")
    for rule in SWITCH_RULES:
        if not isinstance(rules.get(rule, False), bool):
            raise ProfileError(f"{where}: rules.{rule} must be true or false")
    weeks = rules.get("disabled_child_step_down_review_weeks")
    if weeks is not None and (not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 52):
        raise ProfileError(f"{where}: rules.disabled_child_step_down_review_weeks must be a whole number of weeks "
                           "from 1 to 52")
    threshold = rules.get("small_number_threshold")
    if threshold is not None and (not isinstance(threshold, int) or isinstance(threshold, bool)
                                  or not 1 <= threshold <= 20):
        raise ProfileError(f"{where}: rules.small_number_threshold must be a whole number from 1 to 20 (the largest "
                           "count that reports hide)")


def _validate_supporting_families(programme, areas: list, *, where: str) -> None:
    """The optional `supporting_families`: the council's descriptors of each headline need (a list of `code` and
    `text` for some or all of them) and `sustained_months`; and each outcome area's `supporting_families_outcome`."""
    for area in areas:
        need = area.get("supporting_families_outcome")
        if need is not None and need not in HEADLINE_NEEDS:
            raise ProfileError(f"{where}: outcome area {area.get('code')} maps to {need!r}, which is not one of the "
                               f"Supporting Families headline needs ({', '.join(HEADLINE_NEEDS)})")
    if programme is None:
        return
    if not isinstance(programme, dict) or set(programme) - {"descriptors", "sustained_months"}:
        raise ProfileError(f"{where}: supporting_families may hold only descriptors and sustained_months")
    months = programme.get("sustained_months", 6)
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 24:
        raise ProfileError(f"{where}: supporting_families.sustained_months must be a whole number from 1 to 24")
    descriptors = programme.get("descriptors") or {}
    if not isinstance(descriptors, dict):
        raise ProfileError(f"{where}: supporting_families.descriptors must map each headline need to a list")
    for need, entries in descriptors.items():
        if need not in HEADLINE_NEEDS:
            raise ProfileError(f"{where}: supporting_families.descriptors names {need!r}, which is not one of the "
                               f"headline needs ({', '.join(HEADLINE_NEEDS)})")
        if not isinstance(entries, list) or not entries:
            raise ProfileError(f"{where}: the descriptors of {need} must be a list of code and text")
        codes = [e.get("code") if isinstance(e, dict) else None for e in entries]
        if any(not isinstance(e, dict) or not e.get("code") or not e.get("text") for e in entries):
            raise ProfileError(f"{where}: each descriptor of {need} needs a code and a text")
        if len(set(codes)) != len(codes):
            raise ProfileError(f"{where}: two descriptors of {need} have the same code")


def validate(council: dict, *, where: str) -> None:
    if not isinstance(council, dict):
        raise ProfileError(f"{where}: each council must be a mapping of settings")
    missing = [key for key in REQUIRED_KEYS if key not in council]
    if missing:
        raise ProfileError(f"{where}: missing {', '.join(missing)}")
    code = council["code"]
    where = f"{where} ({code})"
    if council["consent_model"] not in ConsentModel.values:
        raise ProfileError(f"{where}: consent_model must be one of {', '.join(ConsentModel.values)}")
    numbers = sorted(level.get("number") for level in council["levels"])
    if numbers != [1, 2, 3, 4]:
        raise ProfileError(f"{where}: levels must be exactly the four levels numbered 1 to 4")
    areas = council["outcome_areas"]
    if len(areas) != 10 or len({a.get("code") for a in areas}) != 10:
        raise ProfileError(f"{where}: there must be ten outcome areas with different codes")
    weeks = council["review_interval_weeks"]
    if not isinstance(weeks, int) or not 1 <= weeks <= 26:
        raise ProfileError(f"{where}: review_interval_weeks must be a whole number of weeks from 1 to 26")
    for rule in council["retention_rules"]:
        if rule.get("from") not in RETENTION_FROM or not isinstance(rule.get("years"), int):
            raise ProfileError(f"{where}: each retention rule needs whole 'years' and 'from' in "
                               f"{sorted(RETENTION_FROM)}")
    if not council["localities"]:
        raise ProfileError(f"{where}: at least one locality is needed")
    if not isinstance((council["consent_questions"] or {}).get("no_consent_needs_manager_advice", False), bool):
        raise ProfileError(f"{where}: consent_questions.no_consent_needs_manager_advice must be true or false")
    _validate_rules(council.get("rules"), where=where)
    _validate_supporting_families(council.get("supporting_families"), areas, where=where)
    if council.get("logo") is not None and logo_problem(council["logo"]):
        raise ProfileError(f"{where}: logo {logo_problem(council['logo'])}")
    _validate_postcode_districts(council["localities"], where=where)


def logo_problem(name) -> str:
    """Why `name` cannot be a council's logo ("" when it can): a file directly in LOGO_DIR, SVG or PNG, small."""
    if not isinstance(name, str) or not name or Path(name).name != name or name.startswith("."):
        return f"must be the name of a file in {LOGO_DIR.name}/"
    path = LOGO_DIR / name
    if path.suffix.lower() not in LOGO_TYPES:
        return "must be an SVG or PNG file"
    if not path.is_file():
        return f"names {name}, which is not in {LOGO_DIR.name}/"
    if path.stat().st_size > LOGO_MAX_BYTES:
        return f"must be at most {LOGO_MAX_BYTES // 1000} KB"
    return ""


def logo(council) -> tuple[bytes, str] | None:
    """The council's logo as (content, media type), or None when its profile names none (or no longer a usable
    file). Loading keeps the profile's `logo` with the council's contacts, the profile's one free-form mapping."""
    name = (council.contacts or {}).get("logo")
    if not name or logo_problem(name):
        return None
    path = LOGO_DIR / name
    return path.read_bytes(), LOGO_TYPES[path.suffix.lower()]


@transaction.atomic
def load(paths: list[Path] | None = None, *, only: list[str] | None = None) -> list[Council]:
    """Create or update councils from profile files. `only` limits to the given council codes."""
    entries = [c for path in (paths or profile_files()) for c in read_file(path)]
    known = {c["code"] for c in entries}
    unknown = sorted(set(only or []) - known)
    if unknown:
        raise ProfileError(
            f"No council with code {', '.join(unknown)} in the profile files. Known codes: {', '.join(sorted(known))}"
        )
    loaded = []
    for entry in entries:
        if only and entry["code"] not in only:
            continue
        fields = {k: entry[k] for k in REQUIRED_KEYS if k not in ("code", "localities")}
        fields["rules"] = entry.get("rules") or {}
        fields["supporting_families"] = entry.get("supporting_families") or {}
        if entry.get("logo"):
            fields["contacts"] = {**(entry["contacts"] or {}), "logo": entry["logo"]}
        council, created = Council.objects.get_or_create(
            code=entry["code"], defaults={**fields, "service_name": entry["service_name"]}
        )
        if not created:
            for key, value in fields.items():
                setattr(council, key, value)
            council.service_name = entry["service_name"]
            council.version += 1
            council.save()
        for loc in entry["localities"]:
            Locality.objects.update_or_create(
                council=council,
                code=loc["code"],
                defaults={k: loc.get(k, "") or "" for k in ("name", "email", "phone", "address")},
            )
        localities_loaded.call(council=council, localities=entry["localities"])
        loaded.append(council)
    return loaded
