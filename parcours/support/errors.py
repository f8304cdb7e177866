"""The support app's refusal of a change impossible in the record's current state (ADR 0013)."""

from parcours.core import errors


class Conflict(errors.InvalidTransition):
    """The change is impossible in the record's current state (a closed alert, an open measure…)."""
