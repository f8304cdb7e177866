"""Reads of outreach that depend on who asks, consistent with perms.py: a team sees its own rounds and
encounters, the SIAO of a département all of its département's; observers only the figures."""

from django.db import models
from django.db.models import Q

from parcours.accounts.roles import OrganizationType, Role

# The members of a team are social workers of its organisation (an association's maraude, the SIAO's
# équipe mobile): they read households as their role already allows (households.perms).
MEMBER_ROLES = (Role.SOCIAL_WORKER,)
SIAO_ROLES = (Role.CALL_HANDLER, Role.SIAO_COORDINATOR)


def _membership(user):
    return getattr(user, "active_membership", None) if user is not None and user.is_authenticated else None


def team_ids(user) -> list[int]:
    """The active teams the user's active membership belongs to (cached on the user for the request)."""
    membership = _membership(user)
    if membership is None or membership.role not in MEMBER_ROLES:
        return []
    cache = getattr(user, "_outreach_team_ids", None)
    if cache is not None and cache[0] == membership.pk:
        return cache[1]
    from parcours.core.compiled import rows_of

    from .models import OutreachTeam

    # Asked by every social worker's home page (outreach.home.my_round), most of whom are in no team:
    # its SQL compiled once per process and membership (core.compiled, issue 18), not built again.
    key = ("outreach.team_ids", membership.pk, membership.organization_id)
    ids = [
        pk
        for (pk,) in rows_of(
            key,
            lambda: (
                OutreachTeam.objects.filter(
                    active=True, members=membership, organization_id=membership.organization_id
                )
                .order_by("name")
                .values_list("pk")
            ),
        )
    ]
    user._outreach_team_ids = (membership.pk, ids)
    return ids


def siao_territory_id(user) -> int | None:
    """The département whose outreach the user oversees: the 115 team and coordinators of its SIAO."""
    membership = _membership(user)
    if (
        membership is None
        or membership.role not in SIAO_ROLES
        or membership.organization.type != OrganizationType.SIAO_OPERATOR
    ):
        return None
    return membership.organization.territory_id


def _scope(user, team_field: str, territory_field: str) -> Q | None:
    q = Q(pk__in=[])
    teams = team_ids(user)
    territory = siao_territory_id(user)
    if not teams and territory is None:
        return None
    if teams:
        q |= Q(**{f"{team_field}__in": teams})
    if territory is not None:
        q |= Q(**{territory_field: territory})
    return q


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        q = _scope(user, "pk", "organization__territory_id")
        return self.none() if q is None else self.filter(q)


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        q = _scope(user, "team_id", "team__organization__territory_id")
        return self.none() if q is None else self.filter(q)


class EncounterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A team's own encounters; every encounter of the département for its SIAO."""
        q = _scope(user, "team_id", "territory_id")
        return self.none() if q is None else self.filter(q)

    def between(self, start=None, end=None):
        qs = self
        if start is not None:
            qs = qs.filter(met_at__gte=start)
        if end is not None:
            qs = qs.filter(met_at__lt=end)
        return qs


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All signalements of the département for its SIAO; a team those it was given."""
        q = _scope(user, "team_id", "territory_id")
        return self.none() if q is None else self.filter(q)

    def open(self):
        from .choices import OPEN_REPORT_STATUSES

        return self.filter(status__in=OPEN_REPORT_STATUSES)
