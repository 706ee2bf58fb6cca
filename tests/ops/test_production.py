"""Production mode refuses to start with an unsafe setting, naming it, and a correct production configuration passes
Django's deployment checks with no warning at all."""

import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured

from hearth.core import production
from tests.ops.conftest import environ, hearth

SAFE = {
    "HEARTH_ENV": "production",
    "HEARTH_SECRET_KEY": secrets.token_urlsafe(50),
    "HEARTH_PSEUDONYM_KEY": secrets.token_urlsafe(50),
    "HEARTH_ALLOWED_HOSTS": "hearth.example.gov.uk",
    "HEARTH_CSRF_TRUSTED_ORIGINS": "https://hearth.example.gov.uk",
    "HEARTH_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "HEARTH_SECURE_COOKIES": "1",
    "HEARTH_BEHIND_PROXY": "1",
    "HEARTH_TRUSTED_PROXY_COUNT": "1",
    "HEARTH_HSTS_SECONDS": "31536000",
}

# What makes production unsafe: the change to the safe environment, and what the refusal says.
UNSAFE = {
    "demo": ({"HEARTH_DEMO": "1"}, "HEARTH_DEMO is on"),
    "debug": ({"HEARTH_DEBUG": "1"}, "HEARTH_DEBUG is on"),
    "no secret key": ({"HEARTH_SECRET_KEY": ""}, "HEARTH_SECRET_KEY is not set"),
    "no pseudonym key": ({"HEARTH_PSEUDONYM_KEY": ""}, "HEARTH_PSEUDONYM_KEY is not set"),
    "file email": ({"HEARTH_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
                   "email backend writes email to files"),
    "default email": ({"HEARTH_EMAIL_BACKEND": None}, "email backend writes email to files"),
    "console email": ({"HEARTH_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
                      "email backend prints email to the console"),
    "cookies over HTTP": ({"HEARTH_SECURE_COOKIES": "0"}, "HEARTH_SECURE_COOKIES is off"),
    "no redirect, no proxy": ({"HEARTH_BEHIND_PROXY": None}, "Neither HEARTH_SSL_REDIRECT nor HEARTH_BEHIND_PROXY"),
    "no HSTS": ({"HEARTH_HSTS_SECONDS": "0"}, "HEARTH_HSTS_SECONDS is not set"),
}


def production_env(tmp_path, **changes):
    env = environ(tmp_path, **SAFE)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.mark.parametrize("extra", [
    {},  # behind a proxy that terminates HTTPS and redirects to it
    {"HEARTH_BEHIND_PROXY": None, "HEARTH_TRUSTED_PROXY_COUNT": None, "HEARTH_SSL_REDIRECT": "1",
     "HEARTH_HSTS_PRELOAD": "1", "HEARTH_EMAIL_BACKEND": None, "HEARTH_NOTIFY_API_KEY": "key",
     "HEARTH_NOTIFY_TEMPLATE_ID": "template"},  # Hearth redirects itself; email through GOV.UK Notify
], ids=["behind a proxy", "redirecting itself"])
def test_a_correct_production_configuration_passes_the_deployment_checks(tmp_path, extra):
    done = hearth("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, **extra))
    assert "System check identified no issues" in done.stdout
    assert not (tmp_path / "secret_key").exists()  # production never writes a generated key


@pytest.mark.parametrize("name", list(UNSAFE))
def test_each_unsafe_setting_stops_hearth_starting_and_says_what_to_fix(tmp_path, name):
    changes, message = UNSAFE[name]
    done = hearth("check", env=production_env(tmp_path, **changes), check=False)
    assert done.returncode != 0
    assert "production mode (HEARTH_ENV=production) and will not start" in done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("- ")]) == 1  # only what is wrong


def test_the_web_server_refuses_to_start_in_an_unsafe_production_configuration(tmp_path):
    done = hearth("serve", env=production_env(tmp_path, HEARTH_DEMO="1"), check=False, timeout=60)
    assert done.returncode != 0
    assert "HEARTH_DEMO is on" in done.stderr
    assert not (tmp_path / "run" / "gunicorn.pid").exists()


def test_an_unknown_mode_is_refused_rather_than_taken_for_development(tmp_path):
    done = hearth("check", env=production_env(tmp_path, HEARTH_ENV="prod"), check=False)
    assert done.returncode != 0
    assert "HEARTH_ENV is 'prod'" in done.stderr


def test_development_mode_starts_with_the_defaults(tmp_path):
    env = environ(tmp_path)
    assert "System check identified no issues" in hearth("check", env=env).stdout


def test_production_mode_turns_on_hsts_for_subdomains_by_default(tmp_path):
    code = ("from django.conf import settings; "
            "print(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)")
    assert hearth("shell", "--no-imports", "-c", code, env=production_env(tmp_path)).stdout.split() == ["True", "False"]
    # And outside production mode too: HSTS is sent only over HTTPS once HEARTH_HSTS_SECONDS is set (issue 13).
    assert hearth("shell", "--no-imports", "-c", code, env=environ(tmp_path)).stdout.split() == ["True", "False"]


def test_all_problems_are_listed_at_once():
    unsafe = {"DEBUG": True, "DEMO_MODE": True, "SECRET_KEY": "", "EMAIL_BACKEND": "x", "HEARTH_NOTIFY_API_KEY": "",
              "SESSION_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}
    with pytest.raises(ImproperlyConfigured) as refused:
        production.refuse_unsafe(unsafe)
    assert str(refused.value).count("\n- ") == 6
