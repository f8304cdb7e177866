"""Optimistic concurrency: an edit carries the version it read; a stale one is refused, never merged."""

from django.db import models
from django.db.models import F

from .errors import StaleVersion

# The historical name, kept for the callers: one class (a Conflict of parcours.core.errors).
StaleVersionError = StaleVersion


def save_versioned(obj: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `obj` only if its stored version is still `expected_version`."""
    model = type(obj)
    values = {name: getattr(obj, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = model._meta.get_field("updated_at").pre_save(obj, add=False)
    updated = model._base_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        current = model._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise StaleVersionError(current)
    obj.version = expected_version + 1
