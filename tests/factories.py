"""Test data built one way: factory_boy factories for councils, agencies, teams, users, families, people and
episodes (all synthetic).

Families, people and episodes are made through the same service functions the application uses
(`family_create`, `person_create`, `episode_open`, `episode_close`), so the involvements they start and the
stored access grants (hearth.access.grants) are written exactly as in production, and the access drift check
the root conftest runs after every test stays clean. Only the create strategy is supported for those: a record
"built" without the services would have no grants.

    family = FamilyFactory(actor=practitioner)
    mum = ParentFactory(family=family)                # Jo Testfamily, a parent with parental responsibility
    episode = EpisodeFactory(family=family)           # led by whoever started the family record
    closed = ClosedEpisodeFactory(family=other_family)
    completed = CompletedAssessmentFactory(episode=episode)   # lets the episode agree its plan
    consent = ShareConsentFactory(family=family, person=mum)  # Jo's consent to share with schools
"""

import datetime
import functools

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from hearth.accounts.models import Agency, AgencyKind, Role, Team, User, UserRole
from hearth.assessments.models import Assessment, AssessmentStatus
from hearth.cases import services as cases_services
from hearth.cases.models import Episode, EpisodeStatus
from hearth.consent import services as consent_services
from hearth.consent.models import ShareConsent
from hearth.core import profiles
from hearth.core.models import Council
from hearth.families import services as people_services
from hearth.people.models import Family, Person, Sex

PASSWORD = "correct horse battery staple"


class CouncilFactory(DjangoModelFactory):
    """A council loaded from its profile (hearth/core/profiles), with its localities; loaded once per test."""

    class Meta:
        model = Council

    code = "oxfordshire"

    @classmethod
    def _create(cls, model_class, code):
        return model_class.objects.filter(code=code).first() or profiles.load(only=[code])[0]


class AgencyFactory(DjangoModelFactory):
    """An agency of the council, found by name if it is already there (as several users share one)."""

    class Meta:
        model = Agency
        django_get_or_create = ("council", "name")

    council = factory.SubFactory(CouncilFactory)
    kind = AgencyKind.EARLY_HELP_TEAM
    name = factory.LazyAttribute(lambda agency: f"{agency.kind} agency")


class TeamFactory(DjangoModelFactory):
    """The council's North team, in the Early Help agency."""

    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory, name="Early Help")
    name = "North team"
    locality = factory.LazyAttribute(lambda team: team.agency.council.localities.get(code="north"))


def _with_roles(*default):
    """A post-generation hook giving the user `roles=[...]`, or the factory's default roles."""

    def roles(user, create, extracted, **kwargs):
        if create:
            chosen = list(default) if extracted is None else list(extracted)
            UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in chosen])

    return factory.post_generation(roles)


class UserFactory(DjangoModelFactory):
    """A user of an agency (made from `kind` and `agency_name`, in the council given as `agency__council`), with
    roles (`roles=[...]`, a practitioner by default). A new user has no involvements, so no grants to refresh."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        kind = AgencyKind.EARLY_HELP_TEAM
        agency_name = None

    email = factory.Sequence(lambda n: f"user.{n}@example.test")
    full_name = factory.LazyAttribute(lambda user: user.email.split("@")[0].replace(".", " ").title())
    agency = factory.SubFactory(
        AgencyFactory, kind=factory.SelfAttribute("..kind"),
        name=factory.LazyAttribute(lambda agency: agency.factory_parent.agency_name or f"{agency.kind} agency"))
    team = None
    password = PASSWORD
    roles = _with_roles(Role.PRACTITIONER)

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **kwargs):
        user = model_class(*args, **kwargs)
        user.password = _hashed(password)
        user.save()
        return user


@functools.cache
def _hashed(password: str) -> str:
    """The password hashed once per test process with the real (Argon2) hasher: users share its salt, which
    sign-in does not mind, and each test spends no time hashing."""
    return make_password(password)


class DpoFactory(UserFactory):
    """The council's data protection officer, in information governance."""

    class Params:
        agency_name = "Information governance"

    email = "dee.dpo@example.test"
    roles = _with_roles(Role.DPO)


class FamilyFactory(DjangoModelFactory):
    """A family record started by `actor` (who becomes involved with it, as `family_create` does)."""

    class Meta:
        model = Family

    actor = factory.SubFactory(UserFactory)
    name = "The Testfamily family"
    locality = None

    @classmethod
    def _create(cls, model_class, *, actor, name, locality=None):
        return people_services.family_create(actor=actor, name=name, locality=locality)


class PersonFactory(DjangoModelFactory):
    """A person who is a member of `family` in `role`, recorded by `actor` (by default whoever started the
    family record). Any other keyword is one of the person's details (`phone=...`, `email=...`)."""

    class Meta:
        model = Person

    family = factory.SubFactory(FamilyFactory)
    actor = factory.LazyAttribute(lambda person: person.family.created_by)
    role = "child"
    address = None
    given_name = "Max"
    family_name = "Testfamily"
    sex = Sex.MALE
    date_of_birth = datetime.date(2016, 5, 1)

    @classmethod
    def _create(cls, model_class, *, family, actor, role, address=None, **details):
        return people_services.person_create(actor=actor, family=family, role=role, data=details, address=address)


class ChildFactory(PersonFactory):
    """Max Testfamily, a child of the family."""


class ParentFactory(PersonFactory):
    """Jo Testfamily, a parent with parental responsibility."""

    role = "parent_pr"
    given_name = "Jo"
    sex = Sex.FEMALE
    date_of_birth = datetime.date(1988, 2, 14)


def address_in_banbury(**overrides) -> people_services.AddressInput:
    fields = {"line_1": "1 Elm Row", "town": "Banbury", "postcode": "OX16 1AA"} | overrides
    return people_services.AddressInput(**fields)


class EpisodeFactory(DjangoModelFactory):
    """An open Early Help episode, in assessment, opened by `actor` (by default whoever started the family
    record) and led by `lead` (by default the actor), as `episode_open` records it."""

    class Meta:
        model = Episode

    family = factory.SubFactory(FamilyFactory)
    actor = factory.LazyAttribute(lambda episode: episode.family.created_by)
    lead = factory.SelfAttribute("actor")
    reason = "N4"
    level = 2
    level_reasons = "Needs support with routines"
    started_on = None
    status = EpisodeStatus.ASSESSMENT

    @classmethod
    def _create(cls, model_class, *, actor, family, **kwargs):
        return cases_services.episode_open(actor=actor, family=family, **kwargs)


EpisodeInAssessmentFactory = EpisodeFactory


class EpisodeInPlanFactory(EpisodeFactory):
    """An episode with a plan in place (opened in that status, as a step down from social care is)."""

    status = EpisodeStatus.PLAN


class ClosedEpisodeFactory(EpisodeFactory):
    """An episode opened and then closed today by its actor, its outcomes achieved."""

    closure_reason = "outcomes_achieved"

    @classmethod
    def _create(cls, model_class, *, closure_reason, **kwargs):
        episode = super()._create(model_class, **kwargs)
        return cases_services.episode_close(actor=kwargs["actor"], episode=episode,
                                            closure=cases_services.Closure(reason=closure_reason,
                                                                           closed_on=timezone.localdate()))


class AssessmentFactory(DjangoModelFactory):
    """A draft Early Help Assessment of `episode`, started by its lead professional. Stored as it is, with no
    sections or children's views (`assessment_start` makes those): the state a test needs around the assessment,
    not the assessment pages' own data."""

    class Meta:
        model = Assessment

    episode = factory.SubFactory(EpisodeFactory)
    family = factory.SelfAttribute("episode.family")
    started_by = factory.SelfAttribute("episode.lead_professional")


class CompletedAssessmentFactory(AssessmentFactory):
    """An assessment completed just now by whoever started it, so the episode may agree its plan."""

    status = AssessmentStatus.COMPLETED
    completed_by = factory.SelfAttribute("started_by")
    completed_at = factory.LazyFunction(timezone.now)


class ShareConsentFactory(DjangoModelFactory):
    """A person's consent to share, recorded through `share_consent_record` by `actor` (by default whoever
    started the family record): given by the person themself (`person`, by default a new parent) three days ago,
    verbally, for assessment and planning, with schools. Any other keyword of the service may be given."""

    class Meta:
        model = ShareConsent

    family = factory.SubFactory(FamilyFactory)
    actor = factory.LazyAttribute(lambda consent: consent.family.created_by)
    person = factory.SubFactory(ParentFactory, family=factory.SelfAttribute("..family"))
    given_by = factory.SelfAttribute("person")
    giver_kind = "parent_pr"
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    method = "verbal"
    purposes = factory.LazyFunction(lambda: {"for_assessment_planning"})
    agency_kinds = factory.LazyFunction(lambda: [AgencyKind.SCHOOL])

    @classmethod
    def _create(cls, model_class, *, actor, family, **kwargs):
        return consent_services.share_consent_record(actor=actor, family=family, **kwargs)
