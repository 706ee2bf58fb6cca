"""Synthetic data: the demo council, its agencies and users, and families at scale.

Everything is generated repeatably from a seed. Identifiers are valid in format but synthetic: NHS
numbers come from the 999 range reserved for testing, phone numbers from Ofcom's drama range, and
email addresses from the reserved .test domain.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone

from hearth.access import grants
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Agency, AgencyKind, Role, Team, User, UserRole
from hearth.cases.models import (
    Episode,
    EpisodeOrigin,
    EpisodeReason,
    EpisodeStatus,
    LeadAssignment,
    LevelChange,
    LevelSource,
    StatusChange,
)
from hearth.core import identifiers, profiles
from hearth.core.models import Council
from hearth.demo import names
from hearth.people import matching
from hearth.people.models import (
    Address,
    Disability,
    Ethnicity,
    Family,
    FamilyMember,
    MemberRole,
    NameKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
    Sex,
)
from hearth.plans.models import Action, ActionStatus

DEMO_PROFILE = Path(__file__).resolve().parent / "demo_council.yaml"
DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105 - printed on purpose for the demo; synthetic accounts only
# One shared, published secret so testers can add the demo accounts to an authenticator app.
DEMO_TOTP_SECRET = "HEARTHDEMOKEYFORTWOFACTORSIGNINS"  # noqa: S105 - published on purpose for the demo; base32
DEMO_DOMAIN = "demo.hearth.test"

DEMO_AGENCIES = [
    ("Hearthbury Primary School", AgencyKind.SCHOOL),
    ("Oakfield Nursery", AgencyKind.EARLY_YEARS),
    ("Hearthshire Health Visiting", AgencyKind.HEALTH_VISITING),
    ("Hearthshire School Nursing", AgencyKind.SCHOOL_NURSING),
    ("Midtown Medical Practice", AgencyKind.GP),
    ("Hearthshire CAMHS", AgencyKind.CAMHS),
    ("Hearthshire Police", AgencyKind.POLICE),
    ("Hearthshire Homes", AgencyKind.HOUSING),
    ("Hearthshire Youth Service", AgencyKind.YOUTH_SERVICE),
    ("Family Lighthouse (charity)", AgencyKind.VOLUNTARY),
    ("Hearthshire Early Help", AgencyKind.EARLY_HELP_TEAM),
    ("Hearthshire Children's Social Care", AgencyKind.SOCIAL_CARE),
]

# (email local part, full name, job title, agency name, team name or None, locality code, roles)
DEMO_USERS = [
    ("practitioner", "Priya Shah", "Family support worker", "Hearthshire Early Help", "Family Support North", "north",
     [Role.PRACTITIONER]),
    ("teacher", "Tom Ellis", "Designated safeguarding lead", "Hearthbury Primary School", None, "central",
     [Role.PRACTITIONER]),
    ("healthvisitor", "Hannah Okafor", "Health visitor", "Hearthshire Health Visiting", None, "north",
     [Role.PRACTITIONER]),
    ("coordinator", "Carys Morgan", "Early Help coordinator", "Hearthshire Early Help", "Locality Support North",
     "north", [Role.COORDINATOR]),
    ("mash", "Marcus Reid", "MASH screener", "Hearthshire Children's Social Care", "MASH", None, [Role.MASH_SCREENER]),
    ("socialworker", "Sofia Nowak", "Social worker", "Hearthshire Children's Social Care", "Safeguarding North",
     "north", [Role.SOCIAL_WORKER]),
    ("manager", "Martin Hughes", "Team manager", "Hearthshire Early Help", None, "north", [Role.MANAGER]),
    ("dpo", "Dana Price", "Data protection officer", "Hearthshire Early Help", None, None, [Role.DPO]),
    ("analyst", "Ali Rahman", "Performance analyst", "Hearthshire Early Help", None, None, [Role.ANALYST]),
    ("admin", "Sam Carter", "System administrator", "Hearthshire Early Help", None, None, [Role.SYSADMIN]),
]

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def load_demo_council() -> Council:
    (council,) = profiles.load([DEMO_PROFILE])
    return council


@transaction.atomic
def ensure_demo_users(council: Council) -> list[User]:
    agencies = {}
    for name, kind in DEMO_AGENCIES:
        agencies[name], _ = Agency.objects.get_or_create(council=council, name=name, defaults={"kind": kind})
    localities = {loc.code: loc for loc in council.localities.all()}
    users = []
    for local, full_name, title, agency_name, team_name, loc, roles in DEMO_USERS:
        agency = agencies[agency_name]
        team = None
        if team_name:
            team, _ = Team.objects.get_or_create(agency=agency, name=team_name,
                                                 defaults={"locality": localities.get(loc)})
        user = User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()
        if user is None:
            user = User(email=f"{local}@{DEMO_DOMAIN}", full_name=full_name, job_title=title, agency=agency, team=team,
                        totp_secret=DEMO_TOTP_SECRET, totp_confirmed_at=timezone.now(), mfa_exempt_in_demo=True)
            user.set_password(DEMO_PASSWORD)
            user.save()
            UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        users.append(user)
    # The manager manages the family support team.
    by_local = {u.email.split("@")[0]: u for u in users}
    Team.objects.filter(agency=agencies["Hearthshire Early Help"], name="Family Support North").update(
        manager=by_local["manager"])
    return users


class _Ids:
    """Unique synthetic identifiers, continuing after what the database already holds."""

    def __init__(self):
        top_nhs = Person.objects.filter(nhs_number__startswith="999").aggregate(top=Max("nhs_number"))["top"]
        self.nhs_next = int(top_nhs[:9]) if top_nhs else 999_000_000
        top_upn = (
            Person.objects.filter(upn__regex=r"^.999").annotate(serial=Substr("upn", 5))
            .aggregate(top=Max("serial"))["top"]
        )
        self.upn_next = int(top_upn) if top_upn else 0

    def nhs(self) -> str:
        while True:
            self.nhs_next += 1
            nine = str(self.nhs_next)
            check = identifiers.nhs_check_digit(nine)
            if check is not None:
                return nine + str(check)

    def upn(self) -> str:
        self.upn_next += 1
        rest = f"999{self.upn_next:09d}"
        return identifiers.upn_check_letter(rest) + rest


def _postcode(rng: random.Random, locality_index: int) -> str:
    district = locality_index * 4 + rng.randint(1, 4)
    return f"HT{district} {rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"


def _birthday(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    return today - timedelta(days=rng.randint(min_age * 365, max_age * 365 + 364))


def _ethnicity(rng: random.Random) -> str:
    return rng.choices(
        [Ethnicity.WBRI, Ethnicity.WOTH, Ethnicity.AIND, Ethnicity.APKN, Ethnicity.ABAN, Ethnicity.BAFR,
         Ethnicity.BCRB, Ethnicity.MWBC, Ethnicity.MOTH, Ethnicity.CHNE, Ethnicity.OOTH, Ethnicity.NOBT],
        weights=[70, 6, 3, 3, 2, 3, 1, 2, 2, 1, 2, 5],
    )[0]


def generate(*, council: Council, families: int, seed: int = 1, batch: int = 1000,
             practitioners: list[User] | None = None, progress: Callable[[int], None] | None = None,
             with_work: bool = False) -> int:
    """Create `families` synthetic households in batches; returns how many people were created. `with_work` also
    gives each family with a lead professional an Early Help episode (most still open, with a review date) and up
    to eight plan actions, for benchmarks of due work (drawn from a second random stream, so the families and
    people are the same either way)."""
    rng = random.Random(seed)
    work_rng = random.Random(seed + 1_000_003) if with_work else None
    ids = _Ids()
    today = timezone.localdate()
    localities = list(council.localities.order_by("pk"))
    created_people = 0
    for start in range(0, families, batch):
        size = min(batch, families - start)
        with transaction.atomic():
            created_people += _generate_batch(rng, ids, council, localities, size, today, practitioners or [],
                                              work_rng)
        if progress:
            progress(size)
    refresh_planner_statistics()
    return created_people


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load, so the database plans searches with the new data's real sizes.

    PostgreSQL's autovacuum would get there in time; SQLite never does on its own, and without
    statistics it may walk every family of a council to answer a search.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _generate_batch(rng, ids, council, localities, size, today, practitioners, work_rng=None) -> int:
    plans = []
    family_objs = []
    for _ in range(size):
        surname = rng.choice(names.FAMILY)
        loc_index = rng.randrange(len(localities))
        family_objs.append(Family(council=council, locality=localities[loc_index], name=f"The {surname} family"))
        plans.append((surname, loc_index))
    Family.objects.bulk_create(family_objs)

    people: list[Person] = []
    shape: list[tuple[int, list[tuple[int, str]]]] = []  # family index -> [(person index, role)]
    household: list[dict] = []
    for f_index, (surname, loc_index) in enumerate(plans):
        members = []
        town = rng.choice(names.TOWNS.get(localities[loc_index].code, [council.short_name]))
        home = {"line_1": f"{rng.randint(1, 199)} {rng.choice(names.STREETS)}", "town": town,
                "postcode": _postcode(rng, loc_index), "from": _birthday(rng, today, 0, 10)}
        household.append(home)
        two_parents = rng.random() < 0.6
        mother_age = rng.randint(19, 50)
        adults = [(Sex.FEMALE, rng.choice(names.FEMALE), mother_age)]
        if two_parents:
            adults.append((Sex.MALE, rng.choice(names.MALE), mother_age + rng.randint(-3, 8)))
        elif rng.random() < 0.15:
            adults = [(Sex.MALE, rng.choice(names.MALE), mother_age)]
        for sex, given, age in adults:
            family_name = surname if rng.random() < 0.85 else rng.choice(names.FAMILY)
            people.append(_person(rng, ids, council, given, family_name, sex, _birthday(rng, today, age, age),
                                  adult=True))
            members.append((len(people) - 1, MemberRole.PARENT_WITH_PR))
        youngest_parent = min(a[2] for a in adults)
        for _ in range(rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]):
            max_age = min(17, youngest_parent - 17)
            age = rng.randint(0, max(max_age, 0))
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            given = rng.choice(names.FEMALE if sex == Sex.FEMALE else names.MALE)
            people.append(_person(rng, ids, council, given, surname, sex, _birthday(rng, today, age, age), adult=False))
            members.append((len(people) - 1, MemberRole.CHILD))
        if rng.random() < 0.1:
            people.append(_person(rng, ids, council, rng.choice(names.FEMALE), surname, Sex.FEMALE,
                                  _birthday(rng, today, youngest_parent + 22, youngest_parent + 35), adult=True))
            members.append((len(people) - 1, MemberRole.OTHER_ADULT))
        shape.append((f_index, members))
    Person.objects.bulk_create(people)

    name_rows, address_rows, member_rows, rel_rows, involvement_rows = [], [], [], [], []
    for person in people:
        name_rows.append(PersonName(person=person, kind=NameKind.CURRENT, given_name=person.given_name,
                                    family_name=person.family_name,
                                    **matching.name_keys(person.given_name, person.family_name)))
    for f_index, members in shape:
        family = family_objs[f_index]
        home = household[f_index]
        adults = [people[i] for i, role in members if role == MemberRole.PARENT_WITH_PR]
        children = [people[i] for i, role in members if role == MemberRole.CHILD]
        for i, role in members:
            person = people[i]
            member_rows.append(FamilyMember(family=family, person=person, role=role, joined_on=home["from"]))
            address_rows.append(Address(person=person, line_1=home["line_1"], town=home["town"],
                                        postcode=home["postcode"], postcode_key=home["postcode"].replace(" ", ""),
                                        from_date=max(home["from"], person.date_of_birth)))
            if role == MemberRole.OTHER_ADULT:
                for child in children:
                    rel_rows.append(Relationship(from_person=person, to_person=child,
                                                 kind=RelationshipKind.GRANDPARENT))
        for parent in adults:
            kind = RelationshipKind.MOTHER if parent.sex == Sex.FEMALE else RelationshipKind.FATHER
            for child in children:
                rel_rows.append(Relationship(from_person=parent, to_person=child, kind=kind))
        if len(adults) == 2:
            rel_rows.append(Relationship(from_person=adults[0], to_person=adults[1], kind=RelationshipKind.PARTNER))
        for a, b in zip(children, children[1:], strict=False):
            rel_rows.append(Relationship(from_person=a, to_person=b, kind=RelationshipKind.SIBLING))
        if practitioners and rng.random() < 0.5:
            lead = rng.choice(practitioners)
            involvement_rows.append(Involvement(family=family, user=lead, relationship=InvolvedAs.LEAD_PROFESSIONAL))
    for rows in (name_rows, address_rows, member_rows, rel_rows, involvement_rows):
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=2000)
    if work_rng is not None:
        _generate_work(work_rng, involvement_rows, today)
    grants.rebuild(family_ids=[f.pk for f in family_objs])  # the involvements were written in bulk
    return len(people)


def _generate_work(rng, leads: list[Involvement], today: date) -> None:
    """Episodes and plan actions for the families that have a lead professional, each consistent in its dates: the
    lead involved from the start, the episode's history (opened, plan agreed, closed) on its own days, closures in
    the past, actions due between the start and the closure (a closed episode's actions done)."""
    episodes = []
    for involvement in leads:
        is_open = rng.random() < 0.7
        started = today - timedelta(days=rng.randint(30, 900))
        episodes.append(Episode(
            family=involvement.family, lead_professional=involvement.user, origin=EpisodeOrigin.PRACTITIONER,
            reason=rng.choice(EpisodeReason.values), level=rng.choice([2, 3]), started_on=started,
            status=EpisodeStatus.PLAN if is_open else EpisodeStatus.CLOSED,
            closed_on=None if is_open else min(started + timedelta(days=rng.randint(20, 300)),
                                               today - timedelta(days=1)),
            next_review_due=today + timedelta(days=rng.randint(-20, 42)) if is_open else None))
    Episode.objects.bulk_create(episodes, batch_size=2000)
    for involvement, episode in zip(leads, episodes, strict=True):
        involvement.started_at = _at(episode.started_on)
    Involvement.objects.bulk_update(leads, ["started_at"], batch_size=2000)
    _generate_history(episodes, today)
    actions = []
    for episode in episodes:
        for _ in range(rng.randint(0, 8)):
            status = rng.choices([ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.DONE],
                                 weights=[3, 3, 4])[0]
            due = max(today + timedelta(days=rng.randint(-60, 90)), episode.started_on + timedelta(days=7))
            if episode.closed_on:
                due, status = min(due, episode.closed_on), ActionStatus.DONE
            actions.append(Action(episode=episode, what="Synthetic action", owner_user=episode.lead_professional,
                                  due_on=due, status=status, created_at=_at(episode.started_on),
                                  completed_on=episode.closed_on if episode.closed_on else None))
    Action.objects.bulk_create(actions, batch_size=5000)


def _at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _generate_history(episodes: list[Episode], today: date) -> None:
    """What the services record when an episode opens, its plan is agreed and it closes, on the episode's own days:
    the history pages and the chronology start when the episode started."""
    statuses, levels, leads = [], [], []
    for e in episodes:
        agreed = min(e.started_on + timedelta(days=28), e.closed_on or today)
        statuses.append(StatusChange(episode=e, transition="opened", to_status=EpisodeStatus.ASSESSMENT,
                                     note="Started by a practitioner with the family", changed_by=e.lead_professional,
                                     changed_at=_at(e.started_on)))
        statuses.append(StatusChange(episode=e, transition="plan_agreed", from_status=EpisodeStatus.ASSESSMENT,
                                     to_status=EpisodeStatus.PLAN, changed_by=e.lead_professional,
                                     changed_at=_at(agreed, 12)))
        if e.closed_on:
            statuses.append(StatusChange(episode=e, transition="closed", from_status=EpisodeStatus.PLAN,
                                         to_status=EpisodeStatus.CLOSED, note="outcomes_achieved",
                                         changed_by=e.lead_professional, changed_at=_at(e.closed_on, 15)))
        levels.append(LevelChange(episode=e, level=e.level, reasons="Needs across the family", source=LevelSource.START,
                                  decided_by=e.lead_professional, decided_at=_at(e.started_on)))
        leads.append(LeadAssignment(episode=e, user=e.lead_professional, assigned_by=e.lead_professional,
                                    started_at=_at(e.started_on)))
    for rows in (statuses, levels, leads):
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=5000)


def _person(rng, ids, council, given, family, sex, dob, *, adult: bool) -> Person:
    has_nhs = rng.random() < 0.8
    disability = rng.choices([Disability.NO, Disability.YES, Disability.NOT_KNOWN], weights=[80, 8, 12])[0]
    return Person(
        council=council,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        date_of_birth_estimated=rng.random() < 0.02,
        sex=sex,
        ethnicity=_ethnicity(rng),
        first_language=rng.choice(names.LANGUAGES),
        interpreter_needed=rng.random() < 0.04,
        disability=disability,
        nhs_number=ids.nhs() if has_nhs else None,
        upn=ids.upn() if (not adult and dob.year <= date.today().year - 5 and rng.random() < 0.9) else None,
        phone=f"07700 900{rng.randint(0, 999):03d}" if adult and rng.random() < 0.8 else "",
        address_withheld=adult and rng.random() < 0.01,
    )


# Another spelling of a given name, as a second agency might type it (one letter apart).
RESPELT = {"Ryan": "Rian", "Kieran": "Kieron", "Callum": "Calum", "Connor": "Conor", "Jamie": "Jaimie",
           "Reece": "Reese", "Finley": "Finlay", "Matthew": "Mathew", "Isaac": "Issac", "Harrison": "Harison",
           "Lily": "Lilly", "Isabella": "Isabela", "Phoebe": "Pheobe", "Leah": "Lea", "Megan": "Meghan",
           "Zara": "Zahra", "Jade": "Jayde", "Stacey": "Stacy", "Mia": "Mya", "Maya": "Maia", "Aisha": "Aysha"}


@transaction.atomic
def record_twice(council: Council, recorded_by: User) -> tuple[Person, Person]:
    """One child recorded twice, as happens: the school made a second family record for a child already held, with
    the given name spelt another way and no NHS number, but the same family name, date of birth and home. It is the
    demo's one person recorded twice, for the data protection officer's "Look for people recorded twice". The child
    is the first (by family) of school age whose name has another spelling in RESPELT; returns (the child, the
    copy)."""
    today = timezone.localdate()
    children = list(FamilyMember.objects.filter(family__council=council, role=MemberRole.CHILD,
                                                person__date_of_birth__isnull=False)
                    .select_related("person", "family").order_by("family_id", "person__date_of_birth"))
    # The demo's ages move on with the date: failing a school-age child with a listed spelling, any child with one,
    # and failing that the first child, with one letter of the name doubled (Olliver), as a hurried typist might.
    school_age = [m for m in children if 5 <= (today - m.person.date_of_birth).days // 365 <= 11]
    member = next((m for m in school_age + children if m.person.given_name in RESPELT), None) or children[0]
    person, family = member.person, member.family
    other = RESPELT.get(person.given_name) or person.given_name[:2] + person.given_name[1:]
    home = Address.objects.get(person=person, to_date__isnull=True)
    again = Family.objects.create(council=council, locality=family.locality, name=f"The {person.family_name} family")
    copy = Person.objects.create(
        council=council, given_name=other, family_name=person.family_name, date_of_birth=person.date_of_birth,
        sex=person.sex, ethnicity=person.ethnicity, first_language=person.first_language, disability=person.disability)
    PersonName.objects.create(person=copy, kind=NameKind.CURRENT, given_name=copy.given_name,
                              family_name=copy.family_name, **matching.name_keys(copy.given_name, copy.family_name))
    Address.objects.create(person=copy, line_1=home.line_1, town=home.town, postcode=home.postcode,
                           postcode_key=home.postcode_key, from_date=today - timedelta(days=60))
    FamilyMember.objects.create(family=again, person=copy, role=MemberRole.CHILD,
                                joined_on=today - timedelta(days=60))
    Involvement.objects.create(family=again, user=recorded_by, relationship=InvolvedAs.TAF_MEMBER)
    grants.rebuild(family_ids=[again.pk])
    return person, copy
