import pyotp
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hearth.accounts import services
from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from tests.queue import run_jobs

PASSWORD = "correct horse battery staple"


@pytest.fixture
def enrolled(practitioner):
    practitioner.totp_secret = pyotp.random_base32()
    practitioner.totp_confirmed_at = timezone.now()
    practitioner.save()
    return practitioner


def _password_step(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


@pytest.mark.django_db
def test_every_page_but_sign_in_needs_a_signed_in_user(client):
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_sign_in_needs_password_then_a_current_security_code(client, enrolled):
    response = _password_step(client, enrolled.email)
    assert response["Location"] == reverse("accounts:two_factor")
    # Not signed in yet: the dashboard still redirects.
    assert client.get(reverse("home:dashboard")).status_code == 302
    code = pyotp.TOTP(enrolled.totp_secret).now()
    response = client.post(reverse("accounts:two_factor"), {"code": code})
    assert response["Location"] == reverse("home:dashboard")
    assert "My families" in client.get(reverse("home:dashboard")).content.decode()
    assert AuditEvent.objects.filter(actor=enrolled, action=AuditAction.LOGIN).exists()


@pytest.mark.django_db
def test_a_security_code_cannot_be_used_twice(rf, enrolled):
    code = pyotp.TOTP(enrolled.totp_secret).now()
    assert services.verify_second_factor(request=rf.post("/"), user=enrolled, code=code)
    assert not services.verify_second_factor(request=rf.post("/"), user=enrolled, code=code)


@pytest.mark.django_db
def test_wrong_security_code_shows_the_error_summary(client, enrolled):
    _password_step(client, enrolled.email)
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_code"' in body
    assert "The security code is not right" in body


@pytest.mark.django_db
def test_wrong_password_gives_one_message_for_unknown_and_known_emails(client, enrolled):
    known = _password_step(client, enrolled.email, "wrong password here").content.decode()
    unknown = _password_step(client, "nobody@example.test", "wrong password here").content.decode()
    assert "The email address or password is not right" in known
    assert "The email address or password is not right" in unknown


@pytest.mark.django_db
def test_account_locks_after_repeated_failures_even_for_the_right_password(client, enrolled, settings):
    for _ in range(settings.HEARTH_LOCKOUT_ATTEMPTS):
        _password_step(client, enrolled.email, "wrong password here")
    response = _password_step(client, enrolled.email)
    assert "The email address or password is not right" in response.content.decode()
    enrolled.refresh_from_db()
    assert enrolled.is_locked()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=settings.HEARTH_LOCKOUT_MINUTES + 1)):
        assert _password_step(client, enrolled.email)["Location"] == reverse("accounts:two_factor")


@pytest.mark.django_db
def test_recovery_code_signs_in_once(client, enrolled):
    codes = services.regenerate_recovery_codes(user=enrolled)
    _password_step(client, enrolled.email)
    response = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert response["Location"] == reverse("home:dashboard")
    client.logout()
    _password_step(client, enrolled.email)
    response = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert response.status_code == 200
    assert "The security code is not right" in response.content.decode()


@pytest.mark.django_db
def test_first_sign_in_requires_setting_up_two_factor(client, practitioner):
    response = _password_step(client, practitioner.email)
    assert response["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    secret = client.session["enrol_secret"]
    assert "<svg" in page.content.decode()
    wrong = client.post(reverse("accounts:enrol"), {"code": "123456"})
    assert "Enter the 6-digit code shown in your authenticator app" in wrong.content.decode()
    response = client.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert codes_page.count("<code>") == services.RECOVERY_CODE_COUNT
    practitioner.refresh_from_db()
    assert practitioner.has_totp


@pytest.mark.django_db
def test_demo_exemption_applies_only_when_the_demo_setting_is_on(client, practitioner, settings):
    practitioner.mfa_exempt_in_demo = True
    practitioner.save()
    settings.DEMO_MODE = False
    assert _password_step(client, practitioner.email)["Location"] == reverse("accounts:enrol")
    client.logout()
    settings.DEMO_MODE = True
    assert _password_step(client, practitioner.email)["Location"] == reverse("home:dashboard")


@pytest.mark.django_db
def test_sign_out_ends_the_session(client_for, practitioner):
    client = client_for(practitioner)
    response = client.post(reverse("accounts:logout_confirm"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home:dashboard")).status_code == 302


@pytest.mark.django_db
def _session_writes(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"].upper())


def test_the_idle_timer_is_renewed_without_writing_the_session_on_every_request(client_for, practitioner, settings,
                                                                                 time_machine):
    from django.utils import timezone

    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.HEARTH_SESSION_RENEW_SECONDS = None  # a tenth of the timeout, at most a minute, as deployed
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(practitioner)
    url = reverse("home:dashboard")
    time_machine.shift(61)
    assert _session_writes(client, url) == 1  # a minute after signing in, a page renews the timer
    page = client.get(url).content.decode()
    assert 'id="idle-warning"' in page and 'data-timeout="1800"' in page
    assert _session_writes(client, url) == 0  # within the minute: no write
    time_machine.shift(61)
    assert _session_writes(client, url) == 1
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    time_machine.shift(30)
    assert 'data-timeout="1770"' in client.get(url).content.decode()  # the warning counts from the renewal


@pytest.mark.django_db
def test_password_reset_sends_an_email_with_a_working_link(client, practitioner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("accounts:password_reset"), {"email": practitioner.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # written to the outbox; the worker sends it
    run_jobs()
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "a much longer new passphrase"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    practitioner.refresh_from_db()
    assert practitioner.check_password(new)


@pytest.mark.django_db
def test_system_administrator_cannot_open_case_records(client_for, make, family):
    admin = make("ada.admin@example.test", Role.SYSADMIN)
    client = client_for(admin)
    assert client.get(reverse("families:family", args=[family.pk])).status_code == 403
    assert client.get(reverse("accounts:admin_users")).status_code == 200
