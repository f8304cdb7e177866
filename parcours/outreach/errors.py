"""The refusals of outreach (core.errors, ADR 0013)."""

from parcours.core.errors import InvalidTransition


class ReportConflict(InvalidTransition):
    """A signalement cannot make this move from its current status."""
