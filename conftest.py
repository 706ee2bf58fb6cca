"""Shared fixtures: a council loaded from its profile, agencies, users of every role, families."""

import os

import pytest

from hearth.access import grants
from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.middleware import renew
from hearth.accounts.models import Agency, AgencyKind, Role, Team, User, UserRole
from hearth.core import profiles
from hearth.core.models import Council
from hearth.families import services as people_services


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
    (oxfordshire,) = profiles.load(only=["oxfordshire"])
    return oxfordshire


@pytest.fixture
def other_council(db) -> Council:
    (glos,) = profiles.load(only=["gloucestershire"])
    return glos


@pytest.fixture
def locality(council):
    return council.localities.get(code="north")


def make_user(council, email, roles, *, kind=AgencyKind.EARLY_HELP_TEAM, agency_name=None, team=None,
              password="correct horse battery staple") -> User:
    agency, _ = Agency.objects.get_or_create(council=council, name=agency_name or f"{kind} agency", defaults={"kind": kind})
    user = User(email=email, full_name=email.split("@")[0].replace(".", " ").title(), agency=agency, team=team)
    user.set_password(password)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user


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
    return make("olu.other@example.test", Role.PRACTITIONER, kind=AgencyKind.HEALTH_VISITING, agency_name="Health visiting")


@pytest.fixture
def family(practitioner):
    return people_services.family_create(actor=practitioner, name="The Testfamily family")


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
    agency, _ = Agency.objects.get_or_create(council=council, name="Early Help", defaults={"kind": AgencyKind.EARLY_HELP_TEAM})
    return Team.objects.create(agency=agency, name="North team", locality=locality)


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

    triggers = import_module("hearth.governance.migrations.0002_append_only_triggers")
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
