"""While the database is down, users get Hearth's own "Sorry, the service is unavailable" page (503), rendered
without touching the database, whether the failure comes from a view, the session or authentication."""

import pytest
from django.db import OperationalError
from django.test import Client

from tests.ops._down import MESSAGE_MARKER, database_unreachable

WORDING = "Sorry, the service is unavailable"


def _assert_hearths_page(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert WORDING in body
    assert "You will be able to use the service later" in body
    assert "Internal Server Error" not in body
    assert MESSAGE_MARKER not in body
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"]


@pytest.mark.django_db
def test_a_signed_in_user_sees_hearths_page(client_for, practitioner):
    client = client_for(practitioner)
    client.raise_request_exception = False
    assert client.get("/").status_code == 200
    with database_unreachable():
        for url in ("/", "/people/search?given_name=Jo", "/families/1"):
            _assert_hearths_page(client.get(url))
        _assert_hearths_page(client.post("/people/search", {"given_name": "Jo"}))


@pytest.mark.django_db
def test_an_anonymous_user_sees_hearths_page():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        _assert_hearths_page(client.get("/sign-in"))
        _assert_hearths_page(client.post("/sign-in", {"email": "a@example.test", "password": "x"}))
        # The request-for-support form (public, reads the council's profile)
        _assert_hearths_page(client.get("/request-support"))


@pytest.mark.django_db
def test_the_page_comes_from_the_outermost_middleware_when_the_error_handler_would_fail(client_for, practitioner,
                                                                                    monkeypatch):
    """Even if Django's error handling itself fails on the database, the outermost middleware answers."""
    client = client_for(practitioner)
    client.raise_request_exception = False

    def error_page_reading_the_database(request):  # as the usual error page does (the council, the session)
        raise OperationalError("the error page could not read the council")

    monkeypatch.setattr("hearth.urls.handler500", error_page_reading_the_database)
    with database_unreachable():
        _assert_hearths_page(client.get("/families/1"))


@pytest.mark.django_db
def test_the_liveness_check_answers_503(client):
    """(Readiness too: tests/ops/test_health.py.)"""
    with database_unreachable():
        healthz = client.get("/healthz")
    assert healthz.status_code == 503
    assert healthz.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.django_db
def test_other_errors_keep_the_usual_error_page(client_for, practitioner, monkeypatch):
    client = client_for(practitioner)
    client.raise_request_exception = False

    def fail(*args, **kwargs):
        raise ValueError("not a database problem")

    monkeypatch.setattr("hearth.home.views.render", fail, raising=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
