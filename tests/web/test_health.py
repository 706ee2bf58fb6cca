import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("gone")

    monkeypatch.setattr("hearth.web.views.connection", Unreachable())
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
