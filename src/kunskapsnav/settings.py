"""Django settings for Kunskapsnav.

Everything comes from the environment with defaults that let a fresh checkout run with no
variables set: a SQLite file in the working directory, Swedish, demo-safe hosts. See
.env.example for every variable. Production (`kunskapsnav serve`) refuses to start with the
default or a weak secret key or with DEBUG on (see kunskapsnav.checks).
"""

import datetime
import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kunskapsnav.lib.env import envbool, envcache, envdatabase, envint, envlist, envstr
from kunskapsnav.lib.security import csp_settings, proxy_ssl_header

PACKAGE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path(envstr("KUNSKAPSNAV_DATA_DIR", ".")).resolve()

# A key that is known to everyone: fine for the demo, refused by `kunskapsnav serve`.
DEFAULT_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"
SECRET_KEY = envstr("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "kunskapsnav.lib",
    "kunskapsnav.accounts",
    "kunskapsnav.organisation",
    "kunskapsnav.sso",
    "kunskapsnav.people",
    "kunskapsnav.knowledge",
    "kunskapsnav.consultation",
    "kunskapsnav.implementation",
    "kunskapsnav.needs",
    "kunskapsnav.indicators",
    "kunskapsnav.lowvalue",
    "kunskapsnav.coherence",
    "kunskapsnav.reports",
    "kunskapsnav.interop",
    "kunskapsnav.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the page cache, so that a page from the cache carries the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and the user: a page from the cache needs neither.
    "kunskapsnav.lib.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kunskapsnav.lib.middleware.ChosenLanguageMiddleware",
    "kunskapsnav.lib.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: turns a login it paused into the page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kunskapsnav.urls"
WSGI_APPLICATION = "kunskapsnav.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kunskapsnav.lib.context_processors.site",
            ],
        },
    },
]

# Persistent connections: a new connection costs a request several milliseconds (SQLite
# opens the file and runs its PRAGMAs; PostgreSQL forks a backend). Each gunicorn sync worker
# answers one request at a time in one thread, so it keeps one connection, checked before
# reuse (CONN_HEALTH_CHECKS) and closed after a database error. `kunskapsnav serve` turns
# them on unless DATABASE_PERSISTENT_CONNECTIONS says otherwise; the development server and
# commands keep Django's default of a connection per request.
DATABASES = {
    "default": envdatabase(
        "DATABASE_URL", f"sqlite:///{WORK_DIR / 'kunskapsnav.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 600) if envbool("DATABASE_PERSISTENT_CONNECTIONS", False) else 0,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; busy timeout instead of
    # "database is locked" when the worker and the web process write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not the shared in-memory database: shared-cache SQLite reports a
    # locked table at once instead of waiting, which is not how the real file behaves
    # when two requests write at the same time.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"kunskapsnav-test-{os.getpid()}.sqlite3")}
# The cache: by default files under KUNSKAPSNAV_DATA_DIR, which every gunicorn worker, the
# task worker and commands on one machine share without a server (KUNSKAPSNAV_CACHE_URL:
# file:///path, db://table after `manage createcachetable`, locmem://, dummy://;
# redis://… needs the redis package). A file per entry costs a hit no database query.
CACHES = {"default": envcache("KUNSKAPSNAV_CACHE_URL", f"file://{WORK_DIR / 'cache'}")}
# Public pages for anonymous readers are kept at most this long (lib/pagecache.py; a write
# to the platform's data makes them stale at once); 0 turns the page cache off.
PAGE_CACHE_SECONDS = envint("KUNSKAPSNAV_PAGE_CACHE_SECONDS", 60)
PAGE_CACHE_ALIAS = "default"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# axes' backend first: it refuses a paused login before the password is even checked. It
# needs the request, which every login form passes to authenticate(); single sign-on logs in
# with login() and a named backend, without authenticate(), and is never paused.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The project's own assets (site stylesheet, vendored htmx) live beside the settings,
# outside any app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(WORK_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the app folders as well, so the demo works without a
# collectstatic step having run first.
WHITENOISE_USE_FINDERS = True

# --- HTTPS and browser protections (docs/security.md) -------------------------------------
# Off for a plain checkout, the demo and the tests, which speak plain HTTP; `kunskapsnav serve`
# turns the redirect, HSTS and secure cookies on unless the environment says otherwise
# (cli.SERVE_DEFAULTS). The content security policy is on everywhere, so that the browser
# tests prove every page works under it.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# A load balancer's health check asks the application itself over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS, the header it sets to "https" (X-Forwarded-Proto); trust it
# only when the proxy always sets it, or a client could claim HTTPS itself.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(envstr("KUNSKAPSNAV_PROXY_SSL_HEADER", ""))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Django reminds that HSTS without preload cannot enter the browsers' preload list. Preload
# binds the whole registrable domain (a region's example.se and everything under it) and is
# slow to undo, so that is its owner's decision, made in that domain's own header, not this site's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "kunskapsnav@localhost")
# The region's mail relay, for the SMTP backend.
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # axes says at INFO level what it cleaned up at every login; its warnings (a failure) stay.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# simple_history: keep who changed what; the acting user is set explicitly by the
# domain functions (obj._history_user) and from the request otherwise.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

NINJA_PAGINATION_PER_PAGE = 100

# Set by `kunskapsnav demo`: every page then says that it shows demo data.
KUNSKAPSNAV_DEMO = envbool("KUNSKAPSNAV_DEMO", False)

# Remiss reminders: to parties that have not answered, this many days before the last day;
# to internal assignees, this many days before their own due date.
REMISS_PARTY_REMINDER_DAYS = int(envstr("KUNSKAPSNAV_REMISS_PARTY_REMINDER_DAYS", "7"))
REMISS_ASSIGNEE_REMINDER_DAYS = int(envstr("KUNSKAPSNAV_REMISS_ASSIGNEE_REMINDER_DAYS", "2"))

# The demo's synthetic patient-level data: this many inhabitants, spread over the regions as
# Sweden's (by default all of them, about 10.5 million; docs/demo.md). Fewer make a quicker,
# thinner demo (the tests use tens of thousands).
DEMO_PERSONS = envint("KUNSKAPSNAV_DEMO_PERSONS", 10_503_000, minimum=10_000)

# Indicator values from fewer cases than this are suppressed in anything public or exported.
INDICATOR_SMALL_COUNT = int(envstr("KUNSKAPSNAV_INDICATOR_SMALL_COUNT", "5"))

# SPC: the points in a row that make a shift or a trend. 7 as NHSRplotthedots has it; the
# Making Data Count spreadsheet offers 6 as well (docs/statistics.md).
INDICATOR_SPC_RULE_LENGTH = envint("KUNSKAPSNAV_INDICATOR_SPC_RULE_LENGTH", 7, minimum=6)
if INDICATOR_SPC_RULE_LENGTH not in (6, 7):
    raise ImproperlyConfigured("KUNSKAPSNAV_INDICATOR_SPC_RULE_LENGTH must be 6 or 7")

# Conflict-of-interest declarations: how long an assessment holds, how many days before it
# lapses the person and their coordinator are reminded, and how long a superseded
# declaration is kept before `purge_declarations` deletes it (the region's retention rule).
DECLARATION_VALID_DAYS = int(envstr("KUNSKAPSNAV_DECLARATION_VALID_DAYS", "365"))
DECLARATION_REMINDER_DAYS = int(envstr("KUNSKAPSNAV_DECLARATION_REMINDER_DAYS", "30"))
DECLARATION_RETENTION_DAYS = int(envstr("KUNSKAPSNAV_DECLARATION_RETENTION_DAYS", "730"))
# A nomination that was rejected or withdrawn is deleted this long after it was made.
NOMINATION_RETENTION_DAYS = int(envstr("KUNSKAPSNAV_NOMINATION_RETENTION_DAYS", "730"))
# The public self-nomination form: at most this many nominations per sender and hour.
SELF_NOMINATION_LIMIT_PER_HOUR = int(envstr("KUNSKAPSNAV_SELF_NOMINATION_LIMIT_PER_HOUR", "5"))
# Behind a reverse proxy every request comes from the proxy's address; name the request
# header the proxy sets to the client's address (e.g. X-Real-IP), and only if the proxy
# always sets it, or every sender would share one limit.
SENDER_ADDRESS_HEADER = envstr("KUNSKAPSNAV_SENDER_ADDRESS_HEADER", "")

# --- Login throttling (django-axes; accounts/throttling.py, docs/authentication.md) ----------
# Failed password logins, counted in the database (the same on SQLite and PostgreSQL). An
# account that fails this many times from one address is paused from that address (at least
# once: a limit of 0 would pause every password login) ...
LOGIN_FAILURE_LIMIT = envint("KUNSKAPSNAV_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# ... for this long after its last failure; a success resets its count.
LOGIN_COOLOFF_MINUTES = envint("KUNSKAPSNAV_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
# An address with this many failures over all accounts within the cool-off is paused for every
# account (trying one password on many accounts); 0 turns this off. Higher than the account's
# limit: a whole hospital may reach the site from one address.
LOGIN_ADDRESS_FAILURE_LIMIT = envint("KUNSKAPSNAV_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=0)
AXES_HANDLER = "kunskapsnav.accounts.throttling.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
# The address by the same rule as every other limit (KUNSKAPSNAV_SENDER_ADDRESS_HEADER).
AXES_CLIENT_IP_CALLABLE = "kunskapsnav.accounts.throttling.login_client_address"
AXES_LOCKOUT_CALLABLE = "kunskapsnav.accounts.views.login_paused"
# No row per successful login: kept for ever it would be a record of everyone's sign-ins
# without a retention rule. The failures that count are kept (and shown in the admin) only
# until their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True

# The address of the site, for links in e-mail.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

# Decision support in the journal (CDS Hooks, docs/cds-hooks.md). Calls without a signed JWT
# from a registered journal are refused unless this is on (the demo turns it on). The time
# budget bounds the database work of one hook call: past it the journal gets an empty card
# list, never an error.
CDS_ALLOW_ANONYMOUS = envbool("KUNSKAPSNAV_CDS_ALLOW_ANONYMOUS", False)
CDS_TIME_BUDGET_MS = envint("KUNSKAPSNAV_CDS_TIME_BUDGET_MS", 300, minimum=1)
# Each worker keeps the patient-view cards it has made until the change feed moves on, and at
# most this many seconds, so that what the feed does not record (an issuing body's new name)
# reaches the journal too (interop/cds/card_cache.py).
CDS_CARD_CACHE_SECONDS = envint("KUNSKAPSNAV_CDS_CARD_CACHE_SECONDS", 300, minimum=0)
# A journal registered with a key address (JWKS URL): its key set is kept per worker process
# this many seconds; a JWT naming a kid not in the kept set fetches it again early, but at most
# once per CDS_JWKS_REFETCH_SECONDS per address, so a stream of unknown kids cannot make us
# hammer the journal. A fetch waits at most CDS_JWKS_FETCH_TIMEOUT_MS (docs/cds-hooks.md).
CDS_JWKS_CACHE_SECONDS = envint("KUNSKAPSNAV_CDS_JWKS_CACHE_SECONDS", 300, minimum=0)
CDS_JWKS_REFETCH_SECONDS = envint("KUNSKAPSNAV_CDS_JWKS_REFETCH_SECONDS", 30, minimum=0)
CDS_JWKS_FETCH_TIMEOUT_MS = envint("KUNSKAPSNAV_CDS_JWKS_FETCH_TIMEOUT_MS", 1000, minimum=1)
# Cards shown are counted in each worker process and written in one transaction when this
# many seconds have passed or this many counts wait, and when the process exits: a crash loses
# at most what was counted since the last write (docs/cds-hooks.md, "Cards shown").
CDS_SHOWN_FLUSH_SECONDS = envint("KUNSKAPSNAV_CDS_SHOWN_FLUSH_SECONDS", 5, minimum=0)
CDS_SHOWN_FLUSH_CELLS = envint("KUNSKAPSNAV_CDS_SHOWN_FLUSH_CELLS", 500, minimum=1)
# A recommendation set aside often in one region is flagged to the region's LPO as a possible
# gap: at least this many reports (followed + set aside) from the region, and more than this
# per cent of them set aside (docs/cds-hooks.md, "Uptake").
UPTAKE_FLAG_MIN_REPORTS = envint("KUNSKAPSNAV_UPTAKE_FLAG_MIN_REPORTS", 20, minimum=1)
UPTAKE_FLAG_OVERRIDE_PERCENT = envint("KUNSKAPSNAV_UPTAKE_FLAG_OVERRIDE_PERCENT", 50, minimum=0)
if UPTAKE_FLAG_OVERRIDE_PERCENT >= 100:
    raise ImproperlyConfigured("KUNSKAPSNAV_UPTAKE_FLAG_OVERRIDE_PERCENT must be below 100")

MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(WORK_DIR / "media")))
MEDIA_URL = "/media/"
# Indicator runs read patient-level data only from folders under these directories (a comma-
# separated list); a run on any other folder is refused. By default the folder the demo
# writes its synthetic data to.
INDICATOR_DATA_ROOTS = envlist("KUNSKAPSNAV_INDICATOR_DATA_ROOTS", [str(MEDIA_ROOT / "indikatordata")])
# `kunskapsnav manage backup` writes its archives here unless told --output (docs/operations.md).
BACKUP_DIR = Path(envstr("KUNSKAPSNAV_BACKUP_DIR", str(WORK_DIR / "backups")))
# The folder of pg_dump, pg_restore and psql when not the ones on PATH: they must be at least
# as new as the PostgreSQL server (Debian: /usr/lib/postgresql/<version>/bin).
BACKUP_PG_BIN = envstr("KUNSKAPSNAV_PG_BIN", "")
# Attachments larger than this are refused with a message (bytes).
ATTACHMENT_MAX_SIZE = 25 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work (mail to followers, later reminders) through Django's tasks API. The queue
# is a database table, worked by `kunskapsnav manage db_worker`, which `kunskapsnav demo`
# starts beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Single sign-on (OpenID Connect) ------------------------------------------------------
# Staff sign in through their organisation's identity provider: one per name in
# KUNSKAPSNAV_OIDC_PROVIDERS, each with KUNSKAPSNAV_OIDC_<NAME>_ISSUER, _CLIENT_ID,
# _CLIENT_SECRET and optionally _LABEL, _HSA_ID_CLAIM, _SCOPES (docs/authentication.md).
# None named: off, and the login page shows only the local form. The redirect URI to
# register with a provider is SITE_URL + /konto/logga-in/<name>/svar/, the post-logout
# redirect URI SITE_URL + /.
from kunskapsnav.sso.config import providers_from_env  # noqa: E402

OIDC_PROVIDERS = providers_from_env(os.environ)
# The providers' origins. A content security policy must allow them in form-action: the
# logout form is answered with a redirect to the provider's end-session endpoint, and
# browsers hold that redirect to form-action.
OIDC_PROVIDER_ORIGINS = sorted({provider.origin for provider in OIDC_PROVIDERS.values()})

# The content security policy (django-csp): KUNSKAPSNAV_CSP=enforce (default), report-only or off.
_csp = csp_settings(envstr("KUNSKAPSNAV_CSP", "enforce"), form_action_origins=OIDC_PROVIDER_ORIGINS)
CONTENT_SECURITY_POLICY = _csp["CONTENT_SECURITY_POLICY"]
CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp["CONTENT_SECURITY_POLICY_REPORT_ONLY"]
