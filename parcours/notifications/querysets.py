"""Reads of notifications that depend on who asks."""

from django.db.models import Q

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role


def failures_for(user):
    """Messages the outbox gave up on, not yet seen, for the households the user follows: the social
    workers of the household's referent organization and its referent."""
    from .models import Notification

    membership = active_membership(user)
    if membership is None or membership.role != Role.SOCIAL_WORKER:
        return Notification.objects.none()
    return Notification.objects.filter(
        failed_at__isnull=False,
        failure_seen_at__isnull=True,
        access__household__deleted_at__isnull=True,
    ).filter(
        Q(access__household__referent_organization_id=membership.organization_id)
        | Q(access__household__referent=user)
    )


def failures_key(user) -> tuple | None:
    """What `failures_for(user)`'s conditions depend on, for SQL compiled once per key (core.compiled):
    the user and their membership's organization; None when they read no failure (not a social
    worker). Changes with failures_for."""
    membership = active_membership(user)
    if membership is None or membership.role != Role.SOCIAL_WORKER:
        return None
    return (user.pk, membership.organization_id)
