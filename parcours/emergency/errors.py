"""The 115's refusals (ADR 0013)."""

from parcours.core import errors


class Conflict(errors.InvalidTransition):
    """The write cannot be made on the current state (a place taken, a request already answered)."""


class PlaceTaken(Conflict):
    """Someone booked this unit for this night first."""

    code = "place_taken"
