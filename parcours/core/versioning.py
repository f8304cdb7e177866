"""Optimistic concurrency: an edit carries the version it read; a stale one is refused, never merged."""

from django.db import models
from django.db.models import F
from django.utils import timezone

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


def lock(obj: models.Model, *, expected_version: int | None = None, related: tuple[str, ...] = ()):
    """The row of `obj` read again under a row lock (SELECT … FOR UPDATE) until the transaction ends;
    StaleVersion when `expected_version` is given and is no longer the stored one."""
    qs = type(obj)._base_manager.select_for_update()
    if related:
        qs = qs.select_related(*related)
    locked = qs.get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(locked.version)
    return locked


def bump(model: type[models.Model], pk, *, new_version: bool = True, **changes) -> int:
    """One UPDATE of the row: `changes`, the version + 1 (unless `new_version` is False) and
    `updated_at` (now, unless given) when the model has them."""
    names = {f.name for f in model._meta.concrete_fields}
    values = dict(changes)
    if new_version and "version" in names:
        values["version"] = F("version") + 1
    if "updated_at" in names:
        values.setdefault("updated_at", timezone.now())
    else:
        values.pop("updated_at", None)
    return model._base_manager.filter(pk=pk).update(**values)


def claim_version(obj: models.Model, expected_version: int) -> None:
    """Take the next version of `obj` (and touch `updated_at`) only if `expected_version` is still the
    stored one, else StaleVersion: the first step of an edit that then writes other rows."""
    model = type(obj)
    values = {"version": F("version") + 1}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    if model._base_manager.filter(pk=obj.pk, version=expected_version).update(**values) != 1:
        current = model._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise StaleVersionError(current)
    obj.version = expected_version + 1
