"""What every support write shares: the conflict error, the permission check, version bumps."""

from django.db.models import F
from django.utils import timezone

from parcours.core import errors
from parcours.core.versioning import StaleVersionError


class Conflict(errors.Conflict):
    """The change is impossible in the record's current state (a closed alert, an open measure…)."""


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise errors.Forbidden(message)


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _check_version(locked, expected: int | None) -> None:
    if expected is not None and locked.version != expected:
        raise StaleVersionError(locked.version)


def _bump(model, pk, **changes) -> None:
    model.objects.filter(pk=pk).update(version=F("version") + 1, updated_at=timezone.now(), **changes)


def _membership(actor):
    return getattr(actor, "active_membership", None)
