"""Test settings: the real database named by DATABASE_URL (SQLite by default), fast hashing."""

import os

os.environ.setdefault("RELAIS_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("RELAIS_SECURE", "false")
os.environ.setdefault("RELAIS_DEMO", "true")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import BASE_DIR, DATABASES, SILENCED_SYSTEM_CHECKS, TEMPLATES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test process its own in-memory cache (several runs at once must not share counters or figures).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Unknown template variables fail loudly in tests.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!MISSING:%s!!"
# Transactional tests empty every table between tests, which the journal's triggers refuse;
# tests/journal installs the triggers in a rolled-back transaction to prove them.
RELAIS_JOURNAL_DB_GUARD = False
# Static files come from the app directories in tests (no collectstatic): WhiteNoise must not look for
# STATIC_ROOT at start-up, where its "No directory" warning would fail every test that hits a view.
WHITENOISE_AUTOREFRESH = True
# Figures are recomputed on every request in tests (tests/insights turns the memo on where it tests it).
RELAIS_OVERVIEW_CACHE_SECONDS = 0

# A file, not SQLite's in-memory default: tests of concurrent writers need several connections to
# one database, as in production (WAL, immediate transactions).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # One file per test process: two runs at once (several sessions in one checkout) must not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}

# django-axes counts failed logins in the cache, and warns against a per-process cache: in production it is the
# host's shared one (base), here each test process is its own host.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "axes.W001"]
