"""What every support write shares: the conflict error, the actor's user and membership."""

from ..errors import Conflict

__all__ = ["Conflict", "_membership", "_user"]


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _membership(actor):
    return getattr(actor, "active_membership", None)
