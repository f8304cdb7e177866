"""Test settings: the same stack as production, with fast hashing and in-memory mail."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("PARCOURS_AUDIT_KEYS", "test:test-only-audit-key-not-secret-0123456789abcdef")
# A fixed test key (32 bytes, URL-safe base64), like the audit key: never a production key.
os.environ.setdefault("PARCOURS_DOCUMENT_KEYS", "test:dGVzdC1vbmx5LWRvY3VtZW50LWtleS0zMmJ5dGVzISE=")
# The documents of a test run go to a folder of their own, never the development vault under var/.
os.environ.setdefault(
    "PARCOURS_DOCUMENTS_DIR", os.path.join(tempfile.gettempdir(), f"parcours-test-documents-{os.getpid()}")
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["EMAIL_URL"] = "memorymail://"
os.environ.setdefault("PARCOURS_TWO_FACTOR_RELAXED", "false")

from .base import *  # noqa: E402,F403

DEBUG = False
# The load bench (bench/load.py) sets PARCOURS_PRODUCTION_HASHERS=true: its logins cost what they cost.
if os.environ.get("PARCOURS_PRODUCTION_HASHERS") != "true":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SMS_BACKEND = "parcours.core.sms.MemoryBackend"
# Tests not about the queue send at once (after the commit, see tests/conftest.py); the queue's own
# tests (tests/core/test_outbox.py) switch to the database backend and run the worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SESSION_COOKIE_SECURE = False
# Tests open connections in threads (live server, races): closed after each request, so that the test
# database can be dropped at the end. The load bench sets 60 like production.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("PARCOURS_CONN_MAX_AGE", "0"))  # noqa: F405
# The test database is thrown away at the end of the run: its commits need not wait for the disk.
# Without it each commit of a transactional test (browser tests, the demo seeded in autocommit, the
# flush that empties ~150 tables after each of them) waits for an fsync, which made the PostgreSQL run
# the slower of the two. The load bench measures production's durable commits
# (PARCOURS_DURABLE_COMMITS=true, bench/load.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (  # noqa: F405
    os.environ.get("PARCOURS_DURABLE_COMMITS") != "true"
):
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
CSRF_COOKIE_SECURE = False
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False


class InvalidTemplateVariable(str):
    """Makes an unknown template variable fail the test instead of rendering as an empty string."""

    def __mod__(self, name):
        raise NameError(f"Unknown template variable: {name}")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Never the development anchors under var/: a test trail is not the one they record.
# Tests seal when they mean to (audit.seal_pending), never behind their back.
PARCOURS_AUDIT_SEAL_SECONDS = 0
PARCOURS_AUDIT_ANCHOR_FILE = os.path.join(tempfile.gettempdir(), f"parcours-test-anchors-{os.getpid()}.jsonl")
