"""Local demo on http://127.0.0.1:8000 (`make run`): plain HTTP, demo mode on."""

import os

os.environ.setdefault("RELAIS_SECURE", "false")
os.environ.setdefault("RELAIS_DEMO", "true")
os.environ.setdefault("RELAIS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# A number of the range ARCEP keeps for fiction (01 99 00 …): the demo shows where the real one goes.
os.environ.setdefault("RELAIS_HELPLINE_PHONE", "01 99 00 12 34")

from config.settings.base import *  # noqa: E402, F403
