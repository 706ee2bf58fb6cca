"""Hearth settings: one module, driven by environment variables (see docs/deploy.md)."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from hearth.core import production

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEARTH_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# HEARTH_ENV=production: refuse to start with an unsafe setting (hearth/core/production.py, checked at the end).
PRODUCTION = production.mode(os.environ.get("HEARTH_ENV", ""))


def _kept_key(variable: str, file_name: str) -> str:
    """The key in the environment variable; otherwise, outside production, a generated key kept under var/ so that it
    survives restarts. Production never generates one: an empty key is refused at the end of this module."""
    if key := os.environ.get(variable):
        return key
    if PRODUCTION:
        return ""
    path = VAR_DIR / file_name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _kept_key("HEARTH_SECRET_KEY", "secret_key")
# The key the pseudonyms of analysis extracts are made with (hearth.reports.pseudonymised), kept apart from the secret
# key so that changing that one does not break the link between a council's returns over the years.
HEARTH_PSEUDONYM_KEY = _kept_key("HEARTH_PSEUDONYM_KEY", "pseudonym_key")

DEBUG = env_bool("HEARTH_DEBUG")
# The demo setting: pre-enrolled demo users and a banner on every page.
DEMO_MODE = env_bool("HEARTH_DEMO")
# The council named on sign-in pages when a deployment serves more than one.
HEARTH_DEFAULT_COUNCIL = os.environ.get("HEARTH_DEFAULT_COUNCIL", "")
ALLOWED_HOSTS = [h for h in os.environ.get("HEARTH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HEARTH_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

HEARTH_APPS = [
    "core",
    "accounts",
    "people",
    "consent",
    "access",
    "families",
    "audit",
    "jobs",
    "outbox",
    "cases",
    "referrals",
    "assessments",
    "outcomes",
    "plans",
    "sharing",
    "documents",
    "subject_access",
    "retention",
    "breaches",
    "rights",
    "dpo",
    "reports",
    "supporting_families",
    "duplicates",
    "merges",
    "web",
    "ops",
    "home",
    "reminders",
    "demo",
    "identity",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "axes",
    *[f"hearth.{app}" for app in HEARTH_APPS],
]

MIDDLEWARE = [
    # Outermost, touching no database: the request id on every log line, the metrics, no-store and the
    # Permissions-Policy on every response but static files, and Hearth's own 503 page when the database cannot be
    # reached anywhere inside (hearth/web/middleware.py, hearth/ops/metrics.py).
    "hearth.web.middleware.RequestIdMiddleware",
    "hearth.ops.metrics.MetricsMiddleware",
    "hearth.web.middleware.PrivacyHeadersMiddleware",
    "hearth.web.middleware.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions and messages whose failure after the request has committed is logged, not shown as an error
    # (hearth/web/after_commit.py).
    "hearth.web.after_commit.SessionMiddleware",
    "hearth.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hearth.web.after_commit.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "hearth.audit.middleware.AuditContextMiddleware",
    "hearth.access.middleware.DomainErrorMiddleware",
]
# Opt-in, for benchmarks: each response says how long it took and how much of that was SQL (hearth/core/timing.py).
if env_bool("HEARTH_SERVER_TIMING"):
    MIDDLEWARE.insert(0, "hearth.core.timing.ServerTimingMiddleware")

ROOT_URLCONF = "hearth.urls"
WSGI_APPLICATION = "hearth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "hearth" / app / "templates" for app in HEARTH_APPS],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "hearth.web.jinja.environment",
            "context_processors": ["hearth.web.context.public_council", "hearth.accounts.context.session_timeout",
                                   "hearth.accounts.context.admin_pages"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}"),
        conn_max_age=int(os.environ.get("HEARTH_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("HEARTH_PG_JIT"):
    # PostgreSQL's JIT compiles a statement that looks costly before running it: 100 ms or more for people search's
    # ranking statement, which then runs in 60 ms (docs/performance.md, "Finding the same person"). Off, as for
    # most transactional services; HEARTH_PG_JIT=1 turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A request is one transaction: the audit row and the data it covers commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["hearth.accounts.backends.HearthBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:dashboard"

# Sign-in abuse (hearth/accounts/lockout.py). django-axes counts failed sign-ins by account in the database, known
# email or not, and pauses the account after HEARTH_LOCKOUT_ATTEMPTS for HEARTH_LOCKOUT_MINUTES; the client address
# has a higher limit of its own (a council's staff may all come from one address), counted in the shared cache, as
# are password resets by account and by address.
HEARTH_LOCKOUT_ATTEMPTS = int(os.environ.get("HEARTH_LOCKOUT_ATTEMPTS", "5"))
HEARTH_LOCKOUT_MINUTES = int(os.environ.get("HEARTH_LOCKOUT_MINUTES", "30"))
HEARTH_SIGNIN_ADDRESS_LIMIT = int(os.environ.get("HEARTH_SIGNIN_ADDRESS_LIMIT", "50"))  # failures an hour
HEARTH_RESET_ACCOUNT_LIMIT = int(os.environ.get("HEARTH_RESET_ACCOUNT_LIMIT", "3"))  # resets an hour
HEARTH_RESET_ADDRESS_LIMIT = int(os.environ.get("HEARTH_RESET_ADDRESS_LIMIT", "20"))  # resets an hour
# Council single sign-on, per client address: starts an hour, and callbacks that signed nobody in an hour.
HEARTH_SSO_ADDRESS_LIMIT = int(os.environ.get("HEARTH_SSO_ADDRESS_LIMIT", "30"))  # failed returns an hour
HEARTH_SSO_START_LIMIT = int(os.environ.get("HEARTH_SSO_START_LIMIT", "1000"))  # sign-ins started an hour
AXES_ENABLED = True
AXES_FAILURE_LIMIT = HEARTH_LOCKOUT_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(minutes=HEARTH_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # Hearth's audit log records every sign-in
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "hearth.audit.middleware.client_ip"
AXES_SENSITIVE_PARAMETERS = ["email", "password", "code", "csrfmiddlewaretoken"]
# Hearth asks django-axes itself (hearth/accounts/lockout.py) instead of through its middleware and authentication
# backend, so that a locked account gets the same answer, in the same time, as a wrong password; and it counts
# failures by client address itself, with a limit of their own (axes warns when it is not told to).
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W003", "axes.W006"]
# Indexes that include non-key columns (people search's, the audit summary's) let PostgreSQL answer from the index
# alone; SQLite builds them as plain indexes, which is all it needs, so its warning says nothing to act on.
SILENCED_SYSTEM_CHECKS += ["models.W040"]
# Idle timeout: the session expires this many seconds after it was last renewed (at most a minute before the
# last request; hearth/accounts/middleware.py).
SESSION_COOKIE_AGE = int(os.environ.get("HEARTH_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
HEARTH_IDLE_WARNING_SECONDS = int(os.environ.get("HEARTH_IDLE_WARNING_SECONDS", "120"))
SESSION_SAVE_EVERY_REQUEST = False  # renewed at most once a minute instead (hearth/accounts/middleware.py)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("HEARTH_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "hearth.web.views.csrf_failure"

# Behind a TLS-terminating proxy (docs/deploy.md)
if env_bool("HEARTH_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_SSL_REDIRECT = env_bool("HEARTH_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("HEARTH_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HEARTH_HSTS_INCLUDE_SUBDOMAINS", True)  # sent once HTTPS is configured
SECURE_HSTS_PRELOAD = env_bool("HEARTH_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Number of trusted proxies in front of Hearth; the client address is taken from X-Forwarded-For.
HEARTH_TRUSTED_PROXY_COUNT = int(os.environ.get("HEARTH_TRUSTED_PROXY_COUNT", "0"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "hearth" / "web" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("HEARTH_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("HEARTH_FROM_EMAIL", "hearth@localhost")
# GOV.UK Notify: when both are set, email goes through Notify instead of the backend above.
HEARTH_NOTIFY_API_KEY = os.environ.get("HEARTH_NOTIFY_API_KEY", "")
HEARTH_NOTIFY_TEMPLATE_ID = os.environ.get("HEARTH_NOTIFY_TEMPLATE_ID", "")
# A template per kind of email (JSON: {"break_glass.alert": "<template id>", ...}); the one above otherwise.
HEARTH_NOTIFY_TEMPLATES = json.loads(os.environ.get("HEARTH_NOTIFY_TEMPLATES", "{}"))
HEARTH_NOTIFY_BASE_URL = os.environ.get("HEARTH_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# Emails sent are kept this many days with their address and words (for the administrator), then cleared.
HEARTH_OUTBOX_KEEP_DAYS = int(os.environ.get("HEARTH_OUTBOX_KEEP_DAYS", "7"))
# The public request-for-support form: at most this many requests per client address per window.
# The count is kept in Django's cache: give several processes a shared cache (HEARTH_CACHE_URL).
HEARTH_PUBLIC_REQUEST_LIMIT = int(os.environ.get("HEARTH_PUBLIC_REQUEST_LIMIT", "5"))
HEARTH_PUBLIC_REQUEST_WINDOW_SECONDS = int(os.environ.get("HEARTH_PUBLIC_REQUEST_WINDOW_SECONDS", "3600"))

# Background jobs: a queue in the database, run by `hearth worker` (decision record 0012).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker beats this often; a job claimed by a worker silent for HEARTH_WORKER_STALE_SECONDS is run again.
HEARTH_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("HEARTH_WORKER_HEARTBEAT_SECONDS", "5"))
HEARTH_WORKER_STALE_SECONDS = float(os.environ.get("HEARTH_WORKER_STALE_SECONDS", "60"))

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "hearth.api.errors.exception_handler",
}

# Logs carry identifiers and actions, never personal data: JSON lines on stderr (and HEARTH_LOG_FILE when set),
# every handler through the one formatter that leaves out exception messages and query strings (hearth/core/logs.py).
LOG_HANDLERS = {"stderr": {"class": "hearth.core.logs.SafeStreamHandler", "formatter": "json"}}
if os.environ.get("HEARTH_LOG_FILE"):
    LOG_HANDLERS["file"] = {"class": "hearth.core.logs.SafeFileHandler", "formatter": "json",
                            "filename": os.environ["HEARTH_LOG_FILE"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hearth.core.logs.JsonFormatter"}},
    "handlers": LOG_HANDLERS,
    "root": {"handlers": list(LOG_HANDLERS), "level": os.environ.get("HEARTH_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (mail to admins, runserver's console) replaced by the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # SQL with its parameters, at DEBUG: never.
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports its progress (and document titles) at INFO: keep it out of the logs.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes names the email address and client address of each failed sign-in at WARNING.
        "axes": {"level": "ERROR"},
        # Authlib logs the PKCE code_verifier (and more of the exchange) at DEBUG.
        "authlib": {"level": "WARNING"},
    },
}
# /metrics answers a Prometheus scrape bearing this token (and any request from this machine); 404 otherwise.
HEARTH_METRICS_TOKEN = os.environ.get("HEARTH_METRICS_TOKEN", "")
# /readyz: not ready when no job worker has beaten for this long, or a job has waited this long.
HEARTH_READY_WORKER_SECONDS = float(os.environ.get("HEARTH_READY_WORKER_SECONDS", "120"))
HEARTH_READY_QUEUE_SECONDS = float(os.environ.get("HEARTH_READY_QUEUE_SECONDS", "600"))

# The cache every process shares, for the limits (hearth/core/limits.py): a Redis server when HEARTH_CACHE_URL names
# one, the database otherwise (its table is made by `hearth migrate`).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["HEARTH_CACHE_URL"]}
        if os.environ.get("HEARTH_CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hearth_cache"}
    )
}

# The audit chain's latest hash, written outside the database by `hearth audit-anchor` (hearth/audit/anchors.py).
HEARTH_AUDIT_ANCHOR_FILE = Path(os.environ.get("HEARTH_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.log"))
HEARTH_AUDIT_ANCHOR_SYSLOG = env_bool("HEARTH_AUDIT_ANCHOR_SYSLOG")
# The worker writes an anchor this often (minutes); 0 when a timer runs `hearth audit-anchor` instead.
HEARTH_AUDIT_ANCHOR_MINUTES = float(os.environ.get("HEARTH_AUDIT_ANCHOR_MINUTES", "15"))

# Production mode refuses unsafe settings (listed with what to fix) instead of starting with them.
if PRODUCTION:
    production.refuse_unsafe(globals())
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, *production.silenced_checks(globals())]
