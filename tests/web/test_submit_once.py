"""A form that creates something is saved once however often it is sent (hearth/web/once.py, decision record 0013),
and nothing after the request's transaction commits turns a saved change into an error page
(hearth/web/after_commit.py)."""

import logging
import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone

from conftest import make_user
from hearth.accounts.middleware import renew
from hearth.accounts.models import Role
from hearth.cases import notes
from hearth.cases.models import CaseNote
from hearth.core.models import SubmissionKey
from hearth.referrals.models import Referral
from hearth.web import once
from tests.referrals.factories import public_form_data

KEY = re.compile(r'name="submission_key" value="([A-Za-z0-9_-]+)"')


def _date(prefix, d):
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def _note(summary="Home visit: the boiler is fixed", **extra):
    return {"note_type": "home_visit", **_date("occurred_on", timezone.localdate()), "summary": summary, **extra}


def _key_on(page) -> str:
    keys = KEY.findall(page.content.decode())
    assert keys, "the form has no one-time key"
    return keys[0]


def test_the_same_case_note_form_sent_twice_saves_one_note_and_answers_both_alike(client_for, practitioner, family):
    client = client_for(practitioner)
    url = f"/families/{family.pk}/notes"
    key = _key_on(client.get(url))
    first = client.post(url, _note(submission_key=key))
    second = client.post(url, _note(submission_key=key))
    assert CaseNote.objects.filter(family=family).count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url
    page = client.get(second["Location"]).content.decode()
    assert "The note has been added." in page and "Home visit: the boiler is fixed" in page


def test_each_showing_of_the_form_has_its_own_key_so_a_second_note_is_saved(client_for, practitioner, family):
    client = client_for(practitioner)
    url = f"/families/{family.pk}/notes"
    client.post(url, _note(submission_key=_key_on(client.get(url))))
    client.post(url, _note("Phone call: rearranged the visit", submission_key=_key_on(client.get(url))))
    assert CaseNote.objects.filter(family=family).count() == 2


def test_a_form_shown_again_with_its_errors_can_be_sent_again_with_the_same_key(client_for, practitioner, family):
    client = client_for(practitioner)
    url = f"/families/{family.pk}/notes"
    key = _key_on(client.get(url))
    refused = client.post(url, {"note_type": "home_visit", "summary": "", "submission_key": key})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert not SubmissionKey.objects.exists()
    assert client.post(url, _note(submission_key=key)).status_code == 302
    assert CaseNote.objects.filter(family=family).count() == 1


def test_a_form_without_a_key_works_as_before(client_for, practitioner, family):
    client = client_for(practitioner)
    url = f"/families/{family.pk}/notes"
    client.post(url, _note())
    client.post(url, _note())
    assert CaseNote.objects.filter(family=family).count() == 2
    assert not SubmissionKey.objects.exists()


def test_a_key_is_one_users_own(client_for, practitioner, other_practitioner, family, involve):
    involve(family, other_practitioner)
    url = f"/families/{family.pk}/notes"
    key = _key_on(client_for(practitioner).get(url))
    assert client_for(practitioner).post(url, _note(submission_key=key)).status_code == 302
    assert client_for(other_practitioner).post(url, _note(submission_key=key)).status_code == 302
    assert CaseNote.objects.filter(family=family).count() == 2


def test_the_public_request_form_sent_twice_sends_one_request_and_shows_its_reference(client, council):
    key = _key_on(client.get("/request-support"))
    first = client.post("/request-support", public_form_data(submission_key=key))
    # The second arrives without the session cookie the first set (sent at the same moment, from the same page).
    again = Client()
    second = again.post("/request-support", public_form_data(submission_key=key))
    referral = Referral.objects.get()
    assert first["Location"] == second["Location"] == "/request-support/sent"
    assert referral.reference in again.get("/request-support/sent").content.decode()


def test_claims_older_than_a_day_are_removed(client_for, practitioner, family):
    client = client_for(practitioner)
    url = f"/families/{family.pk}/notes"
    client.post(url, _note(submission_key=_key_on(client.get(url))))
    SubmissionKey.objects.update(created=timezone.now() - once.KEEP - timedelta(minutes=1))
    client.post(url, _note("The next day", submission_key=_key_on(client.get(url))))
    assert SubmissionKey.objects.count() == 1
    assert SubmissionKey.objects.get().created > timezone.now() - timedelta(minutes=1)


def test_a_view_that_fails_keeps_no_claim(client_for, practitioner, family, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(practitioner)
    url = f"/families/{family.pk}/notes"
    key = _key_on(client.get(url))

    def broken(**kwargs):
        raise RuntimeError("the service failed")

    monkeypatch.setattr(notes, "note_add", broken)
    assert client.post(url, _note(submission_key=key)).status_code == 500
    assert not SubmissionKey.objects.exists()
    monkeypatch.undo()
    assert client.post(url, _note(submission_key=key)).status_code == 302
    assert CaseNote.objects.filter(family=family).count() == 1


# ---------------------------------------------------------------------------------------------------------------
# Two submissions of one key at the same moment, through two database connections (two server processes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_key_at_the_same_moment_save_one_note(council, monkeypatch):
    from tests.factories import FamilyFactory

    practitioner = make_user(council, "pat.race@example.test", [Role.PRACTITIONER])
    family = FamilyFactory(actor=practitioner)
    url = f"/families/{family.pk}/notes"
    clients = []
    for _ in range(2):
        client = Client(raise_request_exception=False)
        client.force_login(practitioner)
        session = client.session
        renew(session)
        session.save()
        clients.append(client)
    key = _key_on(clients[0].get(url))

    real_note_add = notes.note_add

    def slow_note_add(**kwargs):
        note = real_note_add(**kwargs)
        time.sleep(0.5)  # the first holds its transaction open while the second arrives
        return note

    monkeypatch.setattr(notes, "note_add", slow_note_add)
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def send(client):
        try:
            barrier.wait(timeout=10)
            answers.append(client.post(url, _note(submission_key=key)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {url}
    assert CaseNote.objects.filter(family=family).count() == 1
    assert SubmissionKey.objects.filter(key=key).count() == 1


# ---------------------------------------------------------------------------------------------------------------
# After the commit


@pytest.fixture
def renewing_every_request(settings):
    """The session is renewed, so saved, at the end of every request (as it is once a minute in service)."""
    settings.HEARTH_SESSION_RENEW_SECONDS = 0


@pytest.mark.parametrize("failure", [UpdateError, DatabaseError], ids=["session ended meanwhile", "database refused"])
def test_a_session_that_cannot_be_saved_after_the_note_is_saved_still_leads_to_the_note(
        client_for, practitioner, family, renewing_every_request, monkeypatch, caplog, failure):
    client = client_for(practitioner)
    client.raise_request_exception = False
    url = f"/families/{family.pk}/notes"

    def save(self, must_create=False):
        raise failure("the session could not be saved")

    monkeypatch.setattr(SessionStore, "save", save)
    with caplog.at_level(logging.ERROR, logger="hearth.web.after_commit"):
        response = client.post(url, _note("Visit: Max's bedroom is damp", submission_key=once.new_key()))
    assert response.status_code == 302 and response["Location"] == url
    assert CaseNote.objects.filter(family=family, summary="Visit: Max's bedroom is damp").count() == 1
    logged = caplog.text
    assert "Saving the session failed" in logged and "cases:notes" in logged
    for private in ("Max", "damp", practitioner.email, str(family.pk)):
        assert private not in logged


def test_messages_that_cannot_be_kept_after_the_note_is_saved_still_lead_to_the_note(
        client_for, practitioner, family, monkeypatch, caplog):
    from django.contrib.messages.storage.fallback import FallbackStorage

    client = client_for(practitioner)
    client.raise_request_exception = False

    def update(self, response):
        raise ValueError("the messages could not be stored")

    monkeypatch.setattr(FallbackStorage, "update", update)
    url = f"/families/{family.pk}/notes"
    with caplog.at_level(logging.ERROR, logger="hearth.web.after_commit"):
        response = client.post(url, _note())
    assert response.status_code == 302
    assert CaseNote.objects.filter(family=family).count() == 1
    assert "Keeping the page's messages failed" in caplog.text


# ---------------------------------------------------------------------------------------------------------------
# A view outside the request's transaction (the disposal runs) claims its key in a transaction of its own


@pytest.mark.django_db(transaction=True)
def test_a_view_outside_the_request_transaction_also_runs_once(rf, council):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
    from django.http import HttpResponseRedirect

    ran = []

    @once.submit_once
    def view(request):
        ran.append(1)
        if request.POST.get("fail"):
            raise RuntimeError("the view failed")
        return HttpResponseRedirect("/retention/runs/7")

    def request(**data):
        req = rf.post("/retention/runs/new", {once.FIELD: key, **data})
        req.user, req.session = AnonymousUser(), DbSessionStore()
        req._messages = FallbackStorage(req)
        return req

    key = once.new_key()
    with pytest.raises(RuntimeError):
        view(request(fail="yes"))
    assert not SubmissionKey.objects.exists()  # a failed view leaves the key free
    assert view(request())["Location"] == view(request())["Location"] == "/retention/runs/7"
    assert len(ran) == 2  # the failed one and the first success; the repeat did not run the view
