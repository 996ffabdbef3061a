"""Relais settings: everything lives here and is read from the environment.

Production is this module plus environment variables; `dev` and `test` only adjust it.
"""

from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` (written by `make run`, never committed) may hold the secret key and demo password.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("RELAIS_DEBUG", default=False)
SECRET_KEY = env.str("RELAIS_SECRET_KEY")
ALLOWED_HOSTS = env.list("RELAIS_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("RELAIS_CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode: demo data and demo accounts may be created; never on in production.
RELAIS_DEMO = env.bool("RELAIS_DEMO", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "mozilla_django_oidc",
    "relais.core",
    "relais.journal",
    "relais.accounts",
    "relais.organisation",
    "relais.agents",
    "relais.adoption",
    "relais.imports",
    "relais.fieldwork",
    "relais.helpdesk",
    "relais.planning",
    "relais.knowledge",
    "relais.interventions",
    "relais.insights",
    "relais.demo",
    "relais.skills",
    "relais.team",
    "relais.api",
    "relais.diagnostic",
    "relais.retention",
    "relais.findings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL in the query string is refused for every view (PostgreSQL's text cannot hold it).
    "relais.core.middleware.RefuseNulCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Administrators and coordinators give their second factor before any other page (relais.accounts.two_factor).
    "relais.accounts.middleware.SecondFactorMiddleware",
    # Deny by default: every view needs a login unless marked with `login_not_required` (Django's, answering htmx
    # and the field-work outbox in their own terms: relais.accounts.sessions).
    "relais.accounts.sessions.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle or too old sessions (RELAIS_SESSION_IDLE_MINUTES, SESSION_COOKIE_AGE) before any view is resolved.
    "relais.accounts.sessions.SessionActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the French lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "relais" / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "relais.core.context_processors.relais",
                "relais.core.context_processors.helpline",
                "config.navigation.navigation",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials", "relais.core.templatetags.numbers"],
        },
    }
]

# SQLite (WAL, see relais.core.apps) is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'relais.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("RELAIS_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "insights:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Signing in (single sign-on, local passwords, second factor, lock-out): config/settings/auth.py.
from config.settings.auth import *  # noqa: E402, F403
from config.settings.auth import RELAIS_LOCAL_LOGIN, RELAIS_SSO_ENABLED  # noqa: E402

# django-axes first: it refuses a locked-out login before any backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if RELAIS_LOCAL_LOGIN else []),
    *(["relais.accounts.oidc.Backend"] if RELAIS_SSO_ENABLED else []),
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# One cache for every process of the host (the web workers and the task worker): the public forms' rate
# limits and the memoised figures must not be counted per process. Files under var/cache by default;
# `RELAIS_CACHE_URL` names another in django-environ's syntax (several hosts: a Redis or Memcached server).
CACHES = {"default": env.cache_url("RELAIS_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")}
if CACHES["default"]["BACKEND"].endswith(".FileBasedCache"):  # counted atomically, expiry kept: relais/core/cache.py
    CACHES["default"]["BACKEND"] = "relais.core.cache.FileCache"

# Background work: django-tasks with its database backend (no broker; SQLite and PostgreSQL alike).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Security: secure cookies and HSTS unless explicitly relaxed for local HTTP (dev settings).
RELAIS_SECURE = env.bool("RELAIS_SECURE", default=True)
SESSION_COOKIE_SECURE = RELAIS_SECURE
CSRF_COOKIE_SECURE = RELAIS_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("RELAIS_SESSION_AGE", default=60 * 60 * 10)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("RELAIS_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = 31536000 if RELAIS_SECURE else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("RELAIS_BEHIND_PROXY", False) else None

# Content Security Policy (django-csp 4): same-origin only, scripts by nonce, no inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The NONCE sentinel (not the string "'nonce'") makes django-csp put each response's nonce here.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

EMAIL_BACKEND = env.str("RELAIS_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("RELAIS_SMTP_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("RELAIS_SMTP_PORT", default=25)
EMAIL_HOST_USER = env.str("RELAIS_SMTP_USER", default="")
EMAIL_HOST_PASSWORD = env.str("RELAIS_SMTP_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("RELAIS_SMTP_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("RELAIS_FROM_EMAIL", default="relais@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Access logs carry no search terms (names, matricules): query strings are cut (relais/retention/accesslog.py;
    # gunicorn: `--logger-class relais.retention.accesslog.AccessLogger`).
    "filters": {"no_query": {"()": "relais.retention.accesslog.NoQueryFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_query"]}},
    "root": {"handlers": ["console"], "level": env.str("RELAIS_LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in at INFO; lock-outs are WARNING.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Retention (relais.retention, docs/privacy.md): the nightly purge's hour (local time) and the folder of the
# web server's rotated access-log files that the purge deletes past their duration (empty: the host rotates them).
RELAIS_PURGE_HOUR = env.int("RELAIS_PURGE_HOUR", default=3)
RELAIS_ACCESS_LOG_DIR = env.str("RELAIS_ACCESS_LOG_DIR", default="")

# Statistics shared beyond the team hide groups smaller than this (GDPR, DOMAIN.md §10).
RELAIS_SMALL_GROUP_THRESHOLD = env.int("RELAIS_SMALL_GROUP_THRESHOLD", default=5)

# Assistance line (relais.helpdesk): links in e-mails, the line's address, incoming mail by IMAP.
RELAIS_BASE_URL = env.str("RELAIS_BASE_URL", default="http://127.0.0.1:8000")
RELAIS_MAIL_DOMAIN = env.str("RELAIS_MAIL_DOMAIN", default="relais.localhost")
RELAIS_HELPDESK_EMAIL = env.str("RELAIS_HELPDESK_EMAIL", default=DEFAULT_FROM_EMAIL)
RELAIS_IMAP_HOST = env.str("RELAIS_IMAP_HOST", default="")
RELAIS_IMAP_PORT = env.int("RELAIS_IMAP_PORT", default=993)
RELAIS_IMAP_SSL = env.bool("RELAIS_IMAP_SSL", default=True)
RELAIS_IMAP_USER = env.str("RELAIS_IMAP_USER", default="")
RELAIS_IMAP_PASSWORD = env.str("RELAIS_IMAP_PASSWORD", default="")
RELAIS_IMAP_FOLDER = env.str("RELAIS_IMAP_FOLDER", default="INBOX")
RELAIS_IMAP_DONE_FOLDER = env.str("RELAIS_IMAP_DONE_FOLDER", default="")
# A message failing at this many runs of fetch_mail goes to this folder ("/" = the server's separator).
RELAIS_IMAP_MAX_FAILURES = env.int("RELAIS_IMAP_MAX_FAILURES", default=5)
RELAIS_IMAP_QUARANTINE_FOLDER = env.str("RELAIS_IMAP_QUARANTINE_FOLDER", default="Relais/Quarantaine")
RELAIS_HOLIDAYS_SUBDIV = env.str("RELAIS_HOLIDAYS_SUBDIV", default="") or None  # e.g. "57": Alsace-Moselle
RELAIS_PUBLIC_FORM_RATE = env.int("RELAIS_PUBLIC_FORM_RATE", default=5)  # public help form: posts per form and hour
# Public pages (sign-in sheets, help form): a ceiling per client address, high enough for a site's shared Wi-Fi
# (a 160-person workshop behind one address, with retries), and the proxies whose X-Forwarded-For is believed
# (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"); from anyone else the header is ignored.
RELAIS_PUBLIC_ADDRESS_RATE = env.int("RELAIS_PUBLIC_ADDRESS_RATE", default=600)
RELAIS_TRUSTED_PROXIES = env.list("RELAIS_TRUSTED_PROXIES", default=[])
# Adaptive diagnostic (relais.diagnostic): sessions started per address and hour (a workshop shares one Wi-Fi).
RELAIS_DIAGNOSTIC_SESSIONS_PER_HOUR = env.int("RELAIS_DIAGNOSTIC_SESSIONS_PER_HOUR", default=60)

# Who to write to about an accessibility problem (shown on the public accessibility statement, RGAA).
RELAIS_ACCESSIBILITY_CONTACT = env.str("RELAIS_ACCESSIBILITY_CONTACT", default="")
# The assistance line agents may call, shown on every public page, the flyers and the sign-in sheets
# (relais.core.context_processors.helpline). Empty: the pages say nothing about a phone line.
RELAIS_HELPLINE_PHONE = env.str("RELAIS_HELPLINE_PHONE", default="")
RELAIS_HELPLINE_HOURS = env.str("RELAIS_HELPLINE_HOURS", default="du lundi au vendredi, de 8 h 30 à 17 h 30")

# Imports (relais.imports): what one uploaded file may cost. The page refuses larger uploads; an XLSX
# archive is checked before it is opened (a "zip bomb" of 150 KB can expand to gigabytes).
RELAIS_IMPORT_MAX_UPLOAD_BYTES = env.int("RELAIS_IMPORT_MAX_UPLOAD_BYTES", default=300 * 1024 * 1024)
# Counted while the upload arrives (relais.core.uploads): a larger post never reaches the disk.
FILE_UPLOAD_HANDLERS = [
    "relais.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES", default=512 * 1024 * 1024)
RELAIS_IMPORT_MAX_CELLS = env.int("RELAIS_IMPORT_MAX_CELLS", default=3_000_000)
# Two imports of one kind never write at once (relais.imports.locks): the second waits this long for the first
# to finish, then is refused with a message (nothing written).
RELAIS_IMPORT_LOCK_WAIT_SECONDS = env.int("RELAIS_IMPORT_LOCK_WAIT_SECONDS", default=15 * 60)

# Directory sync (`manage.py sync_directory`): an LDAP / Active Directory read with a paged search.
# RELAIS_LDAP_ATTRIBUTES overrides the attribute mapping, e.g. "employee_id=employeeNumber,login=uid".
RELAIS_LDAP_URL = env.str("RELAIS_LDAP_URL", default="")
RELAIS_LDAP_BIND_DN = env.str("RELAIS_LDAP_BIND_DN", default="")
RELAIS_LDAP_PASSWORD = env.str("RELAIS_LDAP_PASSWORD", default="")
RELAIS_LDAP_BASE_DN = env.str("RELAIS_LDAP_BASE_DN", default="")
RELAIS_LDAP_FILTER = env.str("RELAIS_LDAP_FILTER", default="(&(objectClass=user)(objectCategory=person))")
RELAIS_LDAP_PAGE_SIZE = env.int("RELAIS_LDAP_PAGE_SIZE", default=500)
RELAIS_LDAP_TIMEOUT = env.int("RELAIS_LDAP_TIMEOUT", default=30)
RELAIS_LDAP_ATTRIBUTES = env.dict("RELAIS_LDAP_ATTRIBUTES", default={})

# The home overview is memoised this long (seconds; 0 = never) and until the next journal entry.
RELAIS_OVERVIEW_CACHE_SECONDS = env.int("RELAIS_OVERVIEW_CACHE_SECONDS", default=300)
# A dashboard request waits for the adoption summary's rebuild only when the last one took less than this
# (seconds); otherwise it reads the summary built earlier today, says so, and the task worker rebuilds.
RELAIS_INSIGHTS_WAIT_SECONDS = env.float("RELAIS_INSIGHTS_WAIT_SECONDS", default=2.0)

# Public API (relais.api, docs/api.md): calls per token and window (seconds); 0 turns the limit off.
RELAIS_API_RATE_LIMIT = env.int("RELAIS_API_RATE_LIMIT", default=600)
RELAIS_API_RATE_WINDOW = env.int("RELAIS_API_RATE_WINDOW", default=60)
