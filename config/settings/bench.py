"""Benchmarks: production-like settings (DEBUG off, cached templates) on a scratch database.

`bench/common.py` sets DATABASE_URL to a scratch SQLite file unless one is given (PostgreSQL runs).
"""

import os

os.environ.setdefault("RELAIS_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("RELAIS_SECURE", "false")
os.environ.setdefault("RELAIS_DEMO", "true")
os.environ.setdefault("RELAIS_LOG_LEVEL", "WARNING")

from config.settings.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
