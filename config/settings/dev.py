"""Local development and the demo: DEBUG on, console e-mail, relaxed two-factor unless asked otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("PARCOURS_AUDIT_KEYS", "dev:dev-only-audit-key-not-secret-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("PARCOURS_TWO_FACTOR_RELAXED", "true")
# The demo shows the French 404/500 pages a user would see; PARCOURS_FRIENDLY_ERRORS=false brings back
# Django's technical pages for debugging.
os.environ.setdefault("PARCOURS_FRIENDLY_ERRORS", "true")

from .base import *  # noqa: E402,F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
