"""People, families (households), their members, relationships and addresses."""

from django.conf import settings
from django.db import models

from hearth.core.models import Council, Locality


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """The Department for Education school census ethnicity categories."""

    WBRI = "WBRI", "White – British"
    WIRI = "WIRI", "White – Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy / Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Person(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability = models.CharField(max_length=20, choices=Disability.choices, default=Disability.NOT_KNOWN)
    disability_details = models.TextField(blank=True)
    nhs_number = models.CharField(max_length=10, null=True, blank=True, unique=True)
    upn = models.CharField("Unique Pupil Number", max_length=13, null=True, blank=True, unique=True)
    ni_number = models.CharField("National Insurance number", max_length=9, null=True, blank=True, unique=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Domestic-abuse safety: the address is shown only to roles named in the access policy.
    address_withheld = models.BooleanField("Address must not be disclosed", default=False)
    # Set when the whole record was erased at the person's request: only this placeholder, with no personal
    # details, stays for the records that refer to it (see `hearth.families.erasure.person_erase`).
    erased_at = models.DateTimeField(null=True, blank=True)
    # Set when this record was merged into another record of the same person (`hearth.merges`): it stays, with no
    # family memberships, for what could not move and for an unmerge, and search leaves it out.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: a save must name the version it was based on.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name"]
        # With the id in the index, people search's date-of-birth routes read the index alone (PostgreSQL).
        indexes = [models.Index(fields=["date_of_birth"], include=["id"], name="person_dob_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class NameKind(models.TextChoices):
    CURRENT = "current", "Current name"
    PREVIOUS = "previous", "Previous name"
    OTHER = "other", "Other name or alias"


_SEARCH_KEYS = ["given_key", "given_meta", "given_sound", "given_rev", "family_key", "family_meta", "family_sound",
                "family_rev"]


class PersonName(models.Model):
    """Every name a person is or was known by, with the keys people search uses."""

    # Indexed by personname_person_idx below, with the search keys.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names", db_index=False)
    kind = models.CharField(max_length=20, choices=NameKind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    # Search keys (see people/matching.py).
    given_key = models.CharField(max_length=100, blank=True)
    family_key = models.CharField(max_length=100, blank=True)
    given_sound = models.CharField(max_length=12, blank=True)
    family_sound = models.CharField(max_length=12, blank=True)
    # Metaphone codes (a first letter typed differently but sounding the same) and the keys reversed (a typo at the
    # start of a name: the same last letter), for the candidate routes of people search.
    given_meta = models.CharField(max_length=12, blank=True)
    family_meta = models.CharField(max_length=12, blank=True)
    given_rev = models.CharField(max_length=100, blank=True)
    family_rev = models.CharField(max_length=100, blank=True)

    class Meta:
        # People search reads these indexes alone, never the table, on PostgreSQL (INCLUDE; SQLite ignores it): each
        # candidate route's index holds the person's id, and the person's index holds the keys the ranking weighs.
        indexes = [
            models.Index(fields=["person"], include=_SEARCH_KEYS, name="personname_person_idx"),
            models.Index(fields=["family_sound", "given_sound"], include=["person", "family_key", "family_meta",
                                                                          "family_rev"], name="personname_sound_idx"),
            # One name exactly and the other's first letters (people search), in one index range each way.
            models.Index(fields=["family_key", "given_key"], include=["person"], name="personname_family_given_idx"),
            models.Index(fields=["given_key", "family_key"], include=["person"], name="personname_given_family_idx"),
            # A given name on its own: the route ranks its names by how close they are.
            models.Index(fields=["given_sound"], include=["person", "given_key", "given_meta", "given_rev"],
                         name="personname_given_sound_idx"),
            models.Index(fields=["family_meta", "given_meta"], include=["person"], name="personname_meta_idx"),
            # One name exactly and the other's last letters.
            models.Index(fields=["family_key", "given_rev"], include=["person"], name="personname_family_grev_idx"),
            models.Index(fields=["given_key", "family_rev"], include=["person"], name="personname_given_frev_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8)
    postcode_key = models.CharField(max_length=7, db_index=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)  # empty: the current address

    class Meta:
        ordering = ["-to_date", "-from_date"]
        verbose_name_plural = "addresses"
        constraints = [
            # Moving home ends the current address first (people.services.person_move_address).
            models.UniqueConstraint(fields=["person"], condition=models.Q(to_date__isnull=True),
                                    name="address_one_current"),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)

    @property
    def is_current(self) -> bool:
        return self.to_date is None


class Family(models.Model):
    """A family or household: the unit Early Help works with ("Think Family")."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="families")
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A locality chosen by a practitioner (with their reason) stays when an address is recorded; otherwise the
    # locality follows the postcode of the family's address (hearth.families.services).
    locality_by_hand = models.BooleanField(default=False)
    locality_reason = models.CharField(max_length=500, blank=True)
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The family's last activity: the last change to anything in its record (notes, episode, assessments, plan,
    # actions, meetings, reviews, consent, members), moved on by every audited change (hearth.families.activity).
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"
        indexes = [
            # Landing pages list families most recently updated first, a keyset page at a time.
            models.Index(fields=["-updated_at", "-id"], name="family_recent_idx"),
            models.Index(fields=["locality", "-updated_at", "-id"], name="family_locality_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    PARENT_WITH_PR = "parent_pr", "Parent or carer with parental responsibility"
    PARENT_WITHOUT_PR = "parent_no_pr", "Parent or carer without parental responsibility"
    CHILD = "child", "Child or young person"
    OTHER_ADULT = "other_adult", "Other adult in the household"


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["family", "person"], name="family_member_unique")]

    def __str__(self) -> str:
        return f"{self.person} in {self.family}"


class RelationshipKind(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    PARTNER = "partner", "Partner"
    OTHER = "other", "Other"


# How many generations `to_person` sits below `from_person`; used by the genogram.
GENERATION_STEP = {
    RelationshipKind.MOTHER: 1,
    RelationshipKind.FATHER: 1,
    RelationshipKind.STEP_PARENT: 1,
    RelationshipKind.GRANDPARENT: 2,
    RelationshipKind.SIBLING: 0,
    RelationshipKind.HALF_SIBLING: 0,
    RelationshipKind.PARTNER: 0,
}
SYMMETRIC_KINDS = {RelationshipKind.SIBLING, RelationshipKind.HALF_SIBLING, RelationshipKind.PARTNER}


class Relationship(models.Model):
    """`from_person` is the <kind> of `to_person` (Jane is the mother of Tom)."""

    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_from")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    description = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_person", "to_person", "kind"], name="relationship_unique"),
            models.CheckConstraint(condition=~models.Q(from_person=models.F("to_person")),
                                   name="relationship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} is the {self.get_kind_display().lower()} of {self.to_person}"


class MatchModel(models.Model):
    """A council's own match model (`hearth.people.match_model`), learned from its records in the worker
    (`hearth.people.tasks`): weights and how common its commonest names are, never a person."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="match_model")
    parameters = models.JSONField()
    people = models.PositiveIntegerField()
    trained_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Match model for {self.council}"
