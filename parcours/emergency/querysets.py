"""Reads of the 115 that depend on who asks, consistent with perms.py."""

from django.db import models

from parcours.accounts.roles import OrganizationType, Role

TEAM_ROLES = (Role.CALL_HANDLER, Role.SIAO_COORDINATOR)


def team_territory_id(user) -> int | None:
    """The département whose 115 the user works for: call handlers and SIAO coordinators of a SIAO
    operator work for the operator's département; everyone else for none."""
    membership = getattr(user, "active_membership", None) if user.is_authenticated else None
    if (
        membership is None
        or membership.role not in TEAM_ROLES
        or membership.organization.type != OrganizationType.SIAO_OPERATOR
    ):
        return None
    return membership.organization.territory_id


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        territory_id = team_territory_id(user)
        return self.none() if territory_id is None else self.filter(territory_id=territory_id)


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The requests of the user's 115 team's département (anonymous ones included)."""
        territory_id = team_territory_id(user)
        return self.none() if territory_id is None else self.filter(territory_id=territory_id)

    def visibility_key(self, user):
        """All that `visible_to(user)` depends on, for a lookup whose SQL is compiled once per key
        (core.lookup.get_visible_or_404's `compiled_as`): the team's département. None (no compiled
        SQL) for who has none: they see nothing. Change it with `visible_to`."""
        territory_id = team_territory_id(user)
        return None if territory_id is None else ("team", territory_id)

    def live(self):
        return self.exclude(status="cancelled")

    def by_urgency(self):
        return self.order_by("priority", "created_at", "pk")


class AllocationQuerySet(models.QuerySet):
    def booked(self):
        return self.filter(status="booked")

    def visible_to(self, user):
        territory_id = team_territory_id(user)
        return self.none() if territory_id is None else self.filter(request__territory_id=territory_id)
