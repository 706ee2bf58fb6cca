"""Production mode (HEARTH_ENV=production): the settings a live deployment must have, checked when the settings load.

`refuse_unsafe` raises ImproperlyConfigured naming every unsafe setting and how to fix it, so `hearth serve`,
`hearth worker` and every other command refuse to start instead of running with real data unsafely. Imported by
hearth/settings.py before Django is set up: it imports nothing from Hearth or Django's models.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

MODES = ("development", "production")

# Email backends that never deliver: mail written to a file or the console, kept in memory or dropped.
UNDELIVERED = {
    "django.core.mail.backends.filebased.EmailBackend": "writes email to files under var/mail",
    "django.core.mail.backends.console.EmailBackend": "prints email to the console",
    "django.core.mail.backends.locmem.EmailBackend": "keeps email in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops email",
}


def mode(value: str) -> bool:
    """Whether HEARTH_ENV asks for production mode. An unknown value is refused rather than taken for development,
    so a typing mistake cannot turn the checks off."""
    value = (value or "development").strip().lower()
    if value not in MODES:
        raise ImproperlyConfigured(
            f"HEARTH_ENV is {value!r}: set it to 'production' on a live service, or leave it unset (development).")
    return value == "production"


def problems(s: Mapping) -> list[str]:
    """What makes these settings (the names in hearth/settings.py) unsafe for production, each in plain English
    with what to change."""
    found = []
    if s["DEBUG"]:
        found.append("HEARTH_DEBUG is on: turn it off (debug pages show settings and data to anyone).")
    if s["DEMO_MODE"]:
        found.append("HEARTH_DEMO is on: turn it off (it shows the demo banner and lets demo accounts skip "
                     "two-factor sign-in).")
    if not s["SECRET_KEY"]:
        found.append("HEARTH_SECRET_KEY is not set: set it in the environment, the same long random value on "
                     "every instance (production never generates a key file).")
    if not s.get("HEARTH_PSEUDONYM_KEY", "set"):
        found.append("HEARTH_PSEUDONYM_KEY is not set: set it to a long random value kept with the council's "
                     "secrets, and keep it: analysis extracts' pseudonyms are made with it, and link over time only "
                     "while it stays the same.")
    if s["EMAIL_BACKEND"] in UNDELIVERED and not s["HEARTH_NOTIFY_API_KEY"]:
        found.append(f"The email backend {UNDELIVERED[s['EMAIL_BACKEND']]}: set HEARTH_NOTIFY_API_KEY and "
                     "HEARTH_NOTIFY_TEMPLATE_ID (GOV.UK Notify) or HEARTH_EMAIL_BACKEND to an SMTP backend.")
    if not s["SESSION_COOKIE_SECURE"]:
        found.append("HEARTH_SECURE_COOKIES is off: turn it on (cookies must only travel over HTTPS).")
    if not (s["SECURE_SSL_REDIRECT"] or s.get("SECURE_PROXY_SSL_HEADER")):
        found.append("Neither HEARTH_SSL_REDIRECT nor HEARTH_BEHIND_PROXY is on: turn on HEARTH_BEHIND_PROXY when "
                     "a proxy terminates HTTPS (and redirects HTTP to it), or HEARTH_SSL_REDIRECT otherwise.")
    if s["SECURE_HSTS_SECONDS"] <= 0:
        found.append("HEARTH_HSTS_SECONDS is not set: set it to more than 0 (31536000, a year, once HTTPS works).")
    return found


def refuse_unsafe(s: Mapping) -> None:
    """Raise ImproperlyConfigured listing every problem, if there is any."""
    found = problems(s)
    if found:
        raise ImproperlyConfigured(
            "Hearth is in production mode (HEARTH_ENV=production) and will not start until these are fixed:\n"
            + "\n".join(f"- {problem}" for problem in found))


def silenced_checks(s: Mapping) -> list[str]:
    """Deployment checks that do not apply to a production configuration that passed `refuse_unsafe`:
    behind a proxy that redirects HTTP to HTTPS, Hearth need not redirect itself (security.W008); HSTS preload
    is the council's deliberate choice (HEARTH_HSTS_PRELOAD), off unless asked for (security.W021)."""
    silenced = []
    if s.get("SECURE_PROXY_SSL_HEADER") and not s["SECURE_SSL_REDIRECT"]:
        silenced.append("security.W008")
    if not s["SECURE_HSTS_PRELOAD"]:
        silenced.append("security.W021")
    return silenced
