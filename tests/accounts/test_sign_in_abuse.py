"""Sign-in abuse, tried as an attacker would: guessing passwords for known and unknown email addresses, locking
staff out, guessing from one address, and asking for password resets over and over."""

import re
from unittest import mock
from urllib.parse import urlencode

import pyotp
import pytest
import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from tests.factories import PASSWORD
from tests.queue import queued, run_jobs

ATTACKER, OFFICE = "198.51.100.66", "203.0.113.10"
WRONG = "not the password at all"


@pytest.fixture
def enrolled(practitioner):
    practitioner.totp_secret = pyotp.random_base32()
    practitioner.totp_confirmed_at = timezone.now()
    practitioner.save()
    return practitioner


def _sign_in(client, email, password=PASSWORD, address=ATTACKER):
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, REMOTE_ADDR=address)


def _answer(response) -> tuple[int, str]:
    """What the page says went wrong: its status and its error summary's items."""
    body = response.content.decode()
    return response.status_code, " ".join(re.findall(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>',
                                                     body, re.S))


def _counting_password_checks():
    return mock.patch.object(Argon2PasswordHasher, "verify", autospec=True, side_effect=Argon2PasswordHasher.verify)


@pytest.mark.django_db
def test_unknown_wrong_and_locked_get_one_answer_after_the_same_password_work(client, enrolled, make, settings):
    other = make("olive.other@example.test")
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS):
        _sign_in(client, enrolled.email, WRONG)
        _sign_in(client, "locked.nobody@example.test", WRONG)  # an unknown address locks as a known one does
    answers = {}
    for case, email, password in [("unknown email", "nobody.here@example.test", WRONG),
                                  ("known email, wrong password", other.email, WRONG),
                                  ("locked, right password", enrolled.email, PASSWORD),
                                  ("locked, wrong password", enrolled.email, WRONG),
                                  ("unknown and locked", "locked.nobody@example.test", WRONG)]:
        with _counting_password_checks() as checks:
            response = _sign_in(client, email, password, address=OFFICE)
        assert checks.call_count == 1, case  # one Argon2 check whatever the case: the time says nothing
        answers[case] = _answer(response)
    status, summary = answers["unknown email"]
    assert status == 200 and "The email address or password is not right" in summary
    assert set(answers.values()) == {(status, summary)}, answers


@pytest.mark.django_db
def test_the_account_holder_is_emailed_once_when_their_sign_in_is_paused(client, enrolled, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS + 3):
        _sign_in(client, enrolled.email, WRONG)
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS):
        _sign_in(client, "nobody.here@example.test", WRONG)
    run_jobs()
    assert [m.to for m in mail.outbox] == [[enrolled.email]]
    body = mail.outbox[0].body
    assert "paused after 5 wrong attempts" in body and "ask your system administrator" in body


@pytest.mark.django_db
def test_a_paused_account_opens_after_the_pause_or_when_an_administrator_unlocks_it(client, enrolled, make,
                                                                                     settings):
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS):
        _sign_in(client, enrolled.email, WRONG)
    assert _sign_in(client, enrolled.email).status_code == 200  # refused
    later = timezone.now() + timezone.timedelta(minutes=settings.HEARTH_LOCKOUT_MINUTES + 1)
    with time_machine.travel(later):
        assert _sign_in(client, enrolled.email)["Location"] == reverse("accounts:two_factor")

    client.logout()
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS):
        _sign_in(client, enrolled.email, WRONG)
    admin = Client()
    admin.force_login(make("ada.admin@example.test", Role.SYSADMIN))
    users = admin.get(reverse("accounts:admin_users")).content.decode()
    assert re.search(rf"{enrolled.full_name}.*?Locked", users, re.S)
    admin.post(reverse("accounts:admin_user_edit", kwargs={"user_id": enrolled.pk}), {"action": "unlock"})
    assert _sign_in(client, enrolled.email)["Location"] == reverse("accounts:two_factor")


@pytest.mark.django_db
def test_many_failures_from_one_address_pause_sign_in_from_it_but_not_from_elsewhere(client, enrolled, settings):
    settings.HEARTH_SIGNIN_ADDRESS_LIMIT = 3
    for n in range(3):
        _sign_in(client, f"guess.{n}@example.test", WRONG, address=ATTACKER)
    assert _answer(_sign_in(client, enrolled.email, address=ATTACKER))[0] == 200  # refused, the usual answer
    assert _sign_in(client, enrolled.email, address=OFFICE)["Location"] == reverse("accounts:two_factor")


@pytest.mark.django_db
def test_wrong_security_codes_pause_the_account_too(client, enrolled, settings):
    assert _sign_in(client, enrolled.email)["Location"] == reverse("accounts:two_factor")
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS - 1):
        response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
        assert "The security code is not right" in response.content.decode()
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"}, follow=True)
    assert "Signing in to your account is paused" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert _sign_in(client, enrolled.email).status_code == 200  # the right password is refused while paused


@pytest.mark.django_db
def test_a_password_reset_answers_and_queues_alike_for_known_and_unknown_addresses(client, practitioner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for email in (practitioner.email, "nobody.here@example.test"):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(queued("send_password_reset")) == 2  # the request's work is the same either way
    run_jobs()
    assert [m.to for m in mail.outbox] == [[practitioner.email]]


@pytest.mark.django_db
def test_password_resets_are_limited_by_account_and_by_address_with_the_same_answer(client, practitioner, make,
                                                                                    settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for n in range(settings.HEARTH_RESET_ACCOUNT_LIMIT + 10):
        response = client.post(reverse("accounts:password_reset"), {"email": practitioner.email},
                               REMOTE_ADDR=f"192.0.2.{n}")
        assert response["Location"] == reverse("accounts:password_reset_done")
    run_jobs()
    assert len(mail.outbox) == settings.HEARTH_RESET_ACCOUNT_LIMIT

    mail.outbox.clear()
    settings.HEARTH_RESET_ADDRESS_LIMIT = 2
    other = make("olive.other@example.test")
    for email in ("guess.1@example.test", "guess.2@example.test", other.email):
        response = client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ATTACKER)
        assert response["Location"] == reverse("accounts:password_reset_done")
    run_jobs()
    assert mail.outbox == []  # the third from that address was not sent
    client.post(reverse("accounts:password_reset"), {"email": other.email}, REMOTE_ADDR=OFFICE)
    run_jobs()
    assert [m.to for m in mail.outbox] == [[other.email]]


@pytest.mark.django_db
def test_the_limits_are_counted_in_the_database_every_process_shares(client, settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    _sign_in(client, "nobody.here@example.test", WRONG)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {settings.CACHES['default']['LOCATION']}")  # noqa: S608 - our own setting
        keys = [row[0] for row in cursor.fetchall()]
    assert any("signin-address" in key for key in keys)
    assert not any("nobody" in key or ATTACKER in key for key in keys)  # who it counts is hashed


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["Some words", "https://elsewhere.example.test/", "//elsewhere.example.test/x",
                                      "javascript:alert(1)", "/families/"])
def test_after_signing_in_only_a_path_of_the_service_is_followed(client, practitioner, settings, next_url):
    settings.DEMO_MODE = True
    practitioner.mfa_exempt_in_demo = True
    practitioner.save()
    response = client.post(reverse("accounts:login") + "?" + urlencode({"next": next_url}),
                           {"email": practitioner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == (next_url if next_url == "/families/" else reverse("home:dashboard"))


@pytest.mark.django_db
def test_a_limit_holds_for_its_whole_hour_however_the_requests_are_spread(client, practitioner, settings):
    """The database cache gives a key its default lifetime of five minutes on each count: the limits set it back to
    the end of their hour."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    start = timezone.now().replace(minute=0, second=1, microsecond=0) + timezone.timedelta(hours=1)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.HEARTH_RESET_ACCOUNT_LIMIT):
            client.post(reverse("accounts:password_reset"), {"email": practitioner.email})
            clock.shift(timezone.timedelta(minutes=6))
        client.post(reverse("accounts:password_reset"), {"email": practitioner.email})  # 18 minutes in: refused
        clock.shift(timezone.timedelta(minutes=40))
        client.post(reverse("accounts:password_reset"), {"email": practitioner.email})  # 58 minutes in: refused
        run_jobs()
        assert len(mail.outbox) == settings.HEARTH_RESET_ACCOUNT_LIMIT
        clock.shift(timezone.timedelta(minutes=3))  # the next hour
        client.post(reverse("accounts:password_reset"), {"email": practitioner.email})
        run_jobs()
        assert len(mail.outbox) == settings.HEARTH_RESET_ACCOUNT_LIMIT + 1
