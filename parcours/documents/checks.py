"""Start-up checks of the document vault: without its key no paper can be stored nor read."""

import importlib.util

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def document_keys_configured(app_configs, **kwargs):
    from .crypto import DocumentKeyError, keyring

    try:
        keyring()
    except DocumentKeyError as exc:
        return [
            Error(
                str(exc),
                hint="Generate one with `parcours document-key` and set PARCOURS_DOCUMENT_KEYS=k1:<key> "
                "(docs/documents.md). Keep it outside the database and with the backups' keys.",
                id="parcours.E020",
            )
        ]
    return []


@register(Tags.compatibility, deploy=False)
def document_storage_available(app_configs, **kwargs):
    backend = settings.STORAGES.get("documents", {}).get("BACKEND", "")
    if backend.startswith("storages.") and importlib.util.find_spec("storages") is None:
        return [
            Error(
                "PARCOURS_DOCUMENTS_S3_BUCKET is set but django-storages is not installed.",
                hint='Install the "s3" extra: pip install ".[s3]" (docs/documents.md).',
                id="parcours.E021",
            )
        ]
    if "documents" not in settings.STORAGES:
        return [Error('settings.STORAGES has no "documents" storage.', id="parcours.E022")]
    return []
