"""Two administrators working on the same account or profile at once, through the pages: the second to save is
told someone else changed it, and nothing they sent overwrites the first one's change. Deactivating an account
signs its holder out at once."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from hearth.accounts.middleware import renew
from hearth.accounts.models import Role, User

CHANGED = "Someone else changed this user&#39;s account while you were editing it"


@pytest.fixture
def ada(make):
    return make("ada.admin@example.test", Role.SYSADMIN)


@pytest.fixture
def bea(make):
    return make("bea.admin@example.test", Role.SYSADMIN)


@pytest.fixture
def worker(make):
    user = make("wyn.worker@example.test", Role.PRACTITIONER)
    User.objects.filter(pk=user.pk).update(job_title="Family worker")
    user.refresh_from_db()
    return user


def signed_in(user) -> Client:
    """A browser of its own, signed in as `user` (two-factor passed)."""
    client = Client()
    client.force_login(user)
    session = client.session
    renew(session)
    session.save()
    return client


def hidden_version(body: str) -> str:
    (version,) = re.findall(r'<input type="hidden" name="version" value="(\d+)"', body)
    return version


def open_user(client, user) -> dict:
    """Open the user's page as an administrator: the form as it is shown, ready to send back."""
    response = client.get(reverse("accounts:admin_user_edit", kwargs={"user_id": user.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    checked = re.search(r'<input[^>]*name="is_active"[^>]*>', body).group(0)
    form = {"version": hidden_version(body), "full_name": user.full_name, "job_title": user.job_title,
            "agency": user.agency_id, "team": user.team_id or "", "roles": sorted(user.role_set)}
    if "checked" in checked:
        form["is_active"] = "on"
    return form


def save_user(client, user, form):
    return client.post(reverse("accounts:admin_user_edit", kwargs={"user_id": user.pk}), form)


@pytest.mark.django_db
def test_the_second_administrator_cannot_reactivate_a_user_the_first_deactivated(ada, bea, worker):
    first, second = signed_in(ada), signed_in(bea)
    adas_form, beas_form = open_user(first, worker), open_user(second, worker)
    assert adas_form["is_active"] == beas_form["is_active"] == "on"

    adas_form.pop("is_active")  # Ada deactivates the account
    assert save_user(first, worker, adas_form)["Location"] == reverse("accounts:admin_users")

    # Bea, from the page she opened before, changes the job title; her page still shows the account as active.
    answer = save_user(second, worker, {**beas_form, "job_title": "Senior family worker"})
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert CHANGED in body
    worker.refresh_from_db()
    assert not worker.is_active
    assert worker.job_title == "Family worker"

    # Sending the same page again changes nothing either.
    assert CHANGED in save_user(second, worker, {**beas_form, "job_title": "Senior family worker"}).content.decode()
    worker.refresh_from_db()
    assert not worker.is_active

    # Opened again, the page shows the account as Ada left it, and Bea's change saves without undoing Ada's.
    fresh = open_user(second, worker)
    assert "is_active" not in fresh
    assert save_user(second, worker, {**fresh, "job_title": "Senior family worker"}).status_code == 302
    worker.refresh_from_db()
    assert (worker.is_active, worker.job_title) == (False, "Senior family worker")


@pytest.mark.django_db
def test_a_stale_change_of_roles_or_team_is_refused_too(ada, bea, worker):
    first, second = signed_in(ada), signed_in(bea)
    adas_form, beas_form = open_user(first, worker), open_user(second, worker)
    assert save_user(first, worker, {**adas_form, "roles": [Role.PRACTITIONER, Role.COORDINATOR]}).status_code == 302
    assert CHANGED in save_user(second, worker, {**beas_form, "roles": [Role.MANAGER]}).content.decode()
    assert User.objects.get(pk=worker.pk).role_set == {Role.PRACTITIONER, Role.COORDINATOR}


@pytest.mark.django_db
def test_a_form_without_its_version_is_refused(ada, worker):
    client = signed_in(ada)
    form = open_user(client, worker)
    del form["version"]
    body = save_user(client, worker, {**form, "job_title": "Changed"}).content.decode()
    assert "This page was out of date" in body
    worker.refresh_from_db()
    assert worker.job_title == "Family worker"


@pytest.mark.django_db
def test_unlocking_an_account_does_not_stop_another_administrators_edit(ada, bea, worker):
    """The sign-in buttons change nothing the edit form holds, so an edit opened before them still saves."""
    first, second = signed_in(ada), signed_in(bea)
    beas_form = open_user(second, worker)
    first.post(reverse("accounts:admin_user_edit", kwargs={"user_id": worker.pk}), {"action": "unlock"})
    assert save_user(second, worker, {**beas_form, "job_title": "Team leader"}).status_code == 302
    worker.refresh_from_db()
    assert worker.job_title == "Team leader"


def _sessions_of(user) -> list[Session]:
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


@pytest.mark.django_db
def test_deactivating_a_user_signs_them_out_at_once(ada, worker):
    theirs, elsewhere = signed_in(worker), signed_in(worker)  # signed in on two devices
    admin = signed_in(ada)
    assert theirs.get(reverse("home:dashboard")).status_code == 200
    assert len(_sessions_of(worker)) == 2

    form = open_user(admin, worker)
    form.pop("is_active")
    assert save_user(admin, worker, form).status_code == 302

    for device in (theirs, elsewhere):
        answer = device.get(reverse("home:dashboard"))
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("accounts:login"))
    assert _sessions_of(worker) == []
    assert admin.get(reverse("accounts:admin_users")).status_code == 200  # other sessions go on

    # Made active again, the account's old sessions stay ended: its holder signs in afresh.
    form = open_user(admin, worker)
    assert save_user(admin, worker, {**form, "is_active": "on"}).status_code == 302
    assert theirs.get(reverse("home:dashboard")).status_code == 302


@pytest.mark.django_db
def test_an_edit_that_keeps_the_account_active_keeps_its_sessions(ada, worker):
    theirs, admin = signed_in(worker), signed_in(ada)
    form = open_user(admin, worker)
    assert save_user(admin, worker, {**form, "job_title": "Team leader"}).status_code == 302
    assert theirs.get(reverse("home:dashboard")).status_code == 200


@pytest.mark.django_db
def test_the_second_administrator_cannot_overwrite_the_council_profile(ada, bea):
    first, second = signed_in(ada), signed_in(bea)
    url = reverse("accounts:admin_council")
    council = ada.council
    common = {"service_name": council.service_name, "privacy_explanation": "We record what helps."}
    adas_version = hidden_version(first.get(url).content.decode())
    beas_version = hidden_version(second.get(url).content.decode())

    saved = first.post(url, {**common, "version": adas_version, "review_interval_weeks": 8})
    assert saved["Location"] == url
    refused = second.post(url, {**common, "version": beas_version, "review_interval_weeks": 4,
                                "mash_phone": "01632 960000"})
    body = refused.content.decode()
    assert "govuk-error-summary" in body and "Someone else changed this profile" in body
    council.refresh_from_db()
    assert council.review_interval_weeks == 8
    assert council.contact("mash_phone") != "01632 960000"


@pytest.mark.django_db
def test_two_administrators_renaming_one_agency_the_second_is_told_and_nothing_is_overwritten(ada, bea, worker):
    agency = worker.agency
    url = reverse("accounts:admin_agency_edit", kwargs={"agency_id": agency.pk})
    ada_client, bea_client = signed_in(ada), signed_in(bea)
    listing = ada_client.get(reverse("accounts:admin_agencies")).content.decode()
    assert f'href="{url}"' in listing
    ada_version = hidden_version(ada_client.get(url).content.decode())
    bea_version = hidden_version(bea_client.get(url).content.decode())

    first = ada_client.post(url, {"version": ada_version, "name": "Hill Primary School", "kind": agency.kind,
                                  "email": "office@hill.example.test", "phone": ""})
    assert first["Location"] == reverse("accounts:admin_agencies")
    second = bea_client.post(url, {"version": bea_version, "name": "Hill School (old name)", "kind": agency.kind,
                                   "email": "", "phone": "01632 960000"})

    body = second.content.decode()
    assert second.status_code == 200 and "There is a problem" in body
    assert "Someone else changed this agency while you were editing it" in body
    agency.refresh_from_db()
    assert (agency.name, agency.email, agency.phone) == ("Hill Primary School", "office@hill.example.test", "")


@pytest.mark.django_db
def test_the_administrators_menu_reaches_every_page_of_administration(ada):
    body = signed_in(ada).get(reverse("accounts:admin_users")).content.decode()
    menu = re.search(r'<nav[^>]*aria-label="Administration">(.*?)</nav>', body, re.S).group(1)
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a>', menu)
    assert [label for _, label in links] == ["Users", "Agencies", "Council profile", "Sign-in providers",
                                             "Background jobs"]
    assert all(signed_in(ada).get(href).status_code == 200 for href, _ in links)
