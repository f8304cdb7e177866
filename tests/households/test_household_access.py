"""Shared professional secrecy (design §5): every role × kind of household × view, edit, search."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.households import perms, services
from parcours.households.models import Household
from tests.factories import make_household
from tests.perm_matrix import assert_matrix

pytestmark = pytest.mark.django_db

KINDS = ("own", "other", "other_with_consent", "protected_own", "protected_named", "other_territory")


@pytest.fixture
def world(role_network):
    """One organization per role, and a household of each kind seen from them."""
    net = role_network
    association, partner, landlord = net.association, net.partner, net.landlord
    users, other_worker = net.users, net.other_worker
    worker = users[Role.SOCIAL_WORKER]
    households = {
        "own": make_household(organization=association, referent=worker),
        "other": make_household(organization=partner, referent=other_worker),
        "other_with_consent": make_household(organization=partner, referent=other_worker),
        "protected_own": make_household(organization=association, protected=True),
        "protected_named": make_household(organization=association, protected=True),
        "other_territory": make_household(organization=partner, territory="75"),
    }
    # The person consents to share with the social worker's and the landlord's organizations.
    for org in (association, landlord):
        services.consent_record(
            actor=other_worker,
            household=households["other_with_consent"],
            organization=org,
            purpose="orientation",
            ends_on=timezone.localdate() + timedelta(days=90),
        )
    households["protected_named"].protected_viewers.add(worker)
    return users, households


def test_view_edit_search_matrix(world):
    users, households = world

    def check(role, kind, action):
        user, household = users[role], Household.objects.get(pk=households[kind].pk)
        if action == "view":
            return perms.can_view_household(user, household)
        if action == "edit":
            return perms.can_edit_household(user, household)
        if action == "whereabouts":
            return perms.can_see_whereabouts(user, household)
        if action == "listed":
            return Household.objects.visible_to(user).filter(pk=household.pk).exists()
        if action == "search":
            return (
                Household.objects.visible_to(user, for_search=True)
                .search("lefevre")
                .filter(pk=household.pk)
                .exists()
            )
        raise AssertionError(action)

    W, C, H = Role.SOCIAL_WORKER, Role.CALL_HANDLER, Role.SIAO_COORDINATOR
    full = {
        # kind: roles with the whole file
        "own": {W, C, H},
        "other": {C, H},
        "other_with_consent": {C, H},
        "protected_own": {W, C, H},
        "protected_named": {W, C, H},
        "other_territory": set(),
    }
    shared = {"other_with_consent": {W}}  # the landlord is not linked by a proposal yet: nothing
    where = {"own": {W, C, H}, "other": {C, H}, "other_with_consent": {C, H}, "protected_named": {W}}
    searchable = {
        "own": {W, C, H},
        "other": {C, H},
        "other_with_consent": {W, C, H},
        "protected_named": {W},
    }
    expected = {}
    for role in Role.values:
        for kind in KINDS:
            viewable = role in full[kind] or role in shared.get(kind, set())
            expected[(role, kind, "view")] = viewable
            expected[(role, kind, "listed")] = viewable
            expected[(role, kind, "edit")] = role in full[kind]
            expected[(role, kind, "whereabouts")] = role in where.get(kind, set())
            expected[(role, kind, "search")] = role in searchable.get(kind, set())
    assert_matrix(expected, check)


def test_revoked_or_expired_consent_stops_sharing(world):
    users, households = world
    worker = users[Role.SOCIAL_WORKER]
    household = households["other_with_consent"]
    consent = household.consents.get(organization=worker.active_membership.organization)
    services.consent_revoke(actor=worker, consent=consent)
    assert not perms.can_view_household(worker, Household.objects.get(pk=household.pk))
    assert not Household.objects.visible_to(worker).filter(pk=household.pk).exists()


def test_observer_and_admin_never_see_a_named_household(world):
    users, households = world
    for role in (Role.OBSERVER, Role.NETWORK_ADMIN):
        assert not Household.objects.visible_to(users[role]).exists()
        assert all(perms.access(users[role], h) == perms.Access.NONE for h in households.values())
