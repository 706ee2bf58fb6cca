"""Shared fixtures: a council loaded from its profile, agencies, users of every role, a family with a parent and a
child, an open episode. Built with the factories in tests/factories.py."""

import os

import pytest

from hearth.access import grants
from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.middleware import renew
from hearth.accounts.models import AgencyKind, Role, User
from hearth.core.models import Council
from tests import factories


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip when DATABASE_URL is not PostgreSQL; in CI they run in the PostgreSQL pass, which
    scripts/test requires."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            reason = ("runs in the PostgreSQL pass of scripts/test" if os.environ.get("HEARTH_REQUIRE_POSTGRES")
                      else "needs DATABASE_URL pointing at PostgreSQL")
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def council(db) -> Council:
    return factories.CouncilFactory(code="oxfordshire")


@pytest.fixture
def other_council(db) -> Council:
    return factories.CouncilFactory(code="gloucestershire")


@pytest.fixture
def locality(council):
    return council.localities.get(code="north")


def make_user(council, email, roles, *, kind=AgencyKind.EARLY_HELP_TEAM, agency_name=None, team=None,
              password=factories.PASSWORD) -> User:
    return factories.UserFactory(email=email, roles=roles, kind=kind, agency_name=agency_name, team=team,
                                 password=password, agency__council=council)


@pytest.fixture
def make(council):
    def _make(email, *roles, **kwargs):
        return make_user(council, email, list(roles) or [Role.PRACTITIONER], **kwargs)

    return _make


@pytest.fixture
def practitioner(make):
    return make("pat.practitioner@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Hill School")


@pytest.fixture
def other_practitioner(make):
    return make("olu.other@example.test", Role.PRACTITIONER, kind=AgencyKind.HEALTH_VISITING,
                agency_name="Health visiting")


@pytest.fixture
def family(practitioner):
    return factories.FamilyFactory(actor=practitioner)


@pytest.fixture
def mum(family):
    """Jo Testfamily (born 1988), a parent with parental responsibility, with a phone number and an address."""
    return factories.ParentFactory(family=family, phone="07700 900111", address=factories.address_in_banbury())


@pytest.fixture
def child(family):
    """Max Testfamily (born 2016), a child of the family."""
    return factories.ChildFactory(family=family)


@pytest.fixture
def episode(family, practitioner):
    """The family's open episode, in assessment, at level 2, led by `practitioner`."""
    return factories.EpisodeFactory(family=family, actor=practitioner, lead=practitioner)


@pytest.fixture
def level_3_episode(family, practitioner):
    """Like `episode`, but at level 3 (complex), so it can be stepped down as well as up."""
    return factories.EpisodeFactory(family=family, actor=practitioner, lead=practitioner, level=3,
                                    level_reasons="Several needs across the family")


@pytest.fixture
def dpo(council):
    """The council's data protection officer."""
    return factories.DpoFactory(agency__council=council)


def cover(family, user):
    """Cover the user's agency for the family by a confirmed lawful basis, as tests not about consent need."""
    from django.utils import timezone

    from hearth.consent.models import BasisKind, LawfulBasis

    basis = LawfulBasis.objects.filter(family=family, reason="Covered for the test").first()
    if basis is None:
        basis = LawfulBasis.objects.create(family=family, kind=BasisKind.PUBLIC_TASK, reason="Covered for the test",
                                           decided_by=user, confirmed_by=user, confirmed_at=timezone.now())
    basis.agencies.add(user.agency)
    grants.refresh_family(family)
    return basis


@pytest.fixture
def involve():
    """Involve a user with a family. Team members and contributors also need their agency covered by consent
    or a lawful basis (the access policy); `covered=False` leaves that out, for tests about consent."""

    def _involve(family, user, relationship=InvolvedAs.TAF_MEMBER, *, covered=True):
        if covered and relationship in (InvolvedAs.TAF_MEMBER, InvolvedAs.CONTRIBUTOR):
            cover(family, user)
        return access_services.involvement_start(actor=user, family=family, user=user, relationship=relationship)

    return _involve


@pytest.fixture(autouse=True)
def _sessions_renewed_once(settings):
    """A session is renewed when it starts and not again during a test (hearth.accounts.middleware), so query
    counts do not depend on how long a test took. The renewal test sets its own interval."""
    settings.HEARTH_SESSION_RENEW_SECONDS = 10**9


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user (two-factor already passed)."""

    def _client_for(user):
        client.force_login(user)
        session = client.session
        renew(session)  # signed in just now: no renewal write in the middle of a test's query counts
        session.save()
        return client

    return _client_for


@pytest.fixture
def page_queries():
    """`page_queries(client, url, params=None)` -> (statements, body): every SQL statement a page request sends,
    from the session and the signed-in user to the audit row, except transaction control. The test's own
    transaction turns the request's BEGIN and COMMIT (ATOMIC_REQUESTS) into SAVEPOINT and RELEASE, which are
    left out; a savepoint the page itself opens in production is left out too, and is cheap beside a query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def _count(client, url, params=None):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params or {})
        assert response.status_code == 200, response.status_code
        statements = [q["sql"] for q in ctx.captured_queries
                      if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
        return statements, response.content.decode()

    return _count


@pytest.fixture
def team(council, locality):
    return factories.TeamFactory(agency__council=council, locality=locality)


@pytest.fixture(autouse=True)
def _audit_triggers_allow_test_flush(request):
    """Transactional tests end by emptying every table. On SQLite that is a DELETE, which the audit log's
    append-only trigger refuses, so the triggers are lifted just for that flush and put back for the next
    test. (PostgreSQL empties tables with TRUNCATE, which row triggers do not see.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("_django_db_helper" if transactional else "transactional_db")
    from importlib import import_module

    from django.db import connection

    triggers = import_module("hearth.audit.migrations.0002_append_only_triggers")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_REVERSE + triggers.SQLITE:
                cursor.execute(sql)
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_REVERSE:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _stored_access_matches_the_records(request):
    """After every test that used the database, the stored access decisions equal the ones recomputed from the
    source records: a write that changed who may see a family without going through the access module fails
    the test that made it. Tests that corrupt the store on purpose are marked `access_drift_expected`."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & names or (marker and marker.kwargs.get("transaction"))
    if request.node.get_closest_marker("access_drift_expected") or not (marker or {"db"} & names or transactional):
        yield
        return
    # Set the database up inside this fixture, so the check runs before the test's data is rolled back.
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    differences = grants.drift()
    assert not differences, "Stored access decisions differ from the records: " + "; ".join(
        f"{kind} {row.describe()}" for kind, row in differences[:5])
