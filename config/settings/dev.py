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


def _dev_document_keys() -> str:
    """The demo's document key, generated once under var/ (never a production key)."""
    import base64
    import secrets
    from pathlib import Path

    var = Path(os.environ.get("PARCOURS_VAR_DIR", Path(__file__).resolve().parent.parent.parent / "var"))
    path = var / "document-keys.dev"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        path.write_text("dev:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


if not os.environ.get("PARCOURS_DOCUMENT_KEYS"):
    os.environ["PARCOURS_DOCUMENT_KEYS"] = _dev_document_keys()

from .base import *  # noqa: E402,F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
