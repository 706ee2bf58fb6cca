"""Fixtures for the assessment tests: a family with parents and children, an open episode led by the
practitioner, and a health visitor from another agency who can be asked for a view."""

import datetime

import pytest
from django.utils import timezone

from conftest import cover
from hearth.accounts.models import AgencyKind, Role
from hearth.assessments import services
from hearth.cases.models import Episode, EpisodeStatus
from hearth.outcomes import services as outcome_services
from hearth.people.models import Sex
from tests.factories import ChildFactory, ParentFactory, PersonFactory


def _years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def members(practitioner, family):
    """Mum (adult), Max (child, 8), Ruby (17, recorded as 'other adult'), Gran (adult)."""
    mum = ParentFactory(family=family, actor=practitioner, date_of_birth=_years_ago(35))
    max_ = ChildFactory(family=family, actor=practitioner, date_of_birth=_years_ago(8))
    ruby = PersonFactory(family=family, actor=practitioner, role="other_adult", given_name="Ruby", sex=Sex.FEMALE,
                         date_of_birth=_years_ago(17, days=10))
    gran = PersonFactory(family=family, actor=practitioner, role="other_adult", given_name="Gran", sex=Sex.FEMALE,
                         date_of_birth=_years_ago(70))
    return {"mum": mum, "max": max_, "ruby": ruby, "gran": gran}


@pytest.fixture
def episode(members, episode):
    """The root `episode`, opened once the family's members are recorded (an assessment starts from them)."""
    return episode


@pytest.fixture
def assessment(practitioner, episode):
    return services.assessment_start(actor=practitioner, episode=episode)


@pytest.fixture
def health_visitor(make, family):
    """A health visitor whose agency the family's consent covers (a lawful basis stands in for it here)."""
    user = make("hana.visitor@example.test", Role.PRACTITIONER, kind=AgencyKind.HEALTH_VISITING,
                agency_name="Oxfordshire Health Visiting")
    cover(family, user)
    return user


@pytest.fixture
def record_scores(council):
    def _record(actor, assessment, score=5):
        scores = {area["code"]: (score, None) for area in council.outcome_areas}
        return outcome_services.reading_record(actor=actor, episode=assessment.episode,
                                               taken_on=timezone.localdate(), scores=scores, context="assessment",
                                               assessment=assessment)

    return _record


@pytest.fixture
def write_background(practitioner):
    def _write(assessment, facts="Referred by school after a fall in attendance.", opinions=""):
        section = assessment.sections.get(key="background")
        return services.section_save(actor=practitioner, section=section, version=section.version, facts=facts,
                                     opinions=opinions)

    return _write


@pytest.fixture
def completed(practitioner, assessment, record_scores, write_background):
    write_background(assessment)
    record_scores(practitioner, assessment)
    return services.assessment_complete(actor=practitioner, assessment=assessment)


@pytest.fixture
def gp(make, family):
    """A GP whose agency the family's consent covers (a lawful basis stands in for it here)."""
    user = make("gail.gp@example.test", Role.PRACTITIONER, kind=AgencyKind.GP, agency_name="Town GP")
    cover(family, user)
    return user


def invite(actor, assessment, invitee, request_note="Attendance and health"):
    """Ask `invitee` for their professional view of the assessment."""
    return services.contribution_invite(actor=actor, assessment=assessment, invitee=invitee,
                                        request_note=request_note)


def close(episode):
    """Close the episode as it stands, without the closure form (the assessment tests need only its status)."""
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.CLOSED, closed_on=timezone.localdate())
    episode.refresh_from_db()
