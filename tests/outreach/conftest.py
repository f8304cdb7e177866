from types import SimpleNamespace

import pytest
from django.core.cache import cache

from parcours.accounts.roles import Role
from tests.factories import CommuneFactory, MembershipFactory, OutreachTeamFactory, RoundFactory, as_member


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The signalement's rate limit counts in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outreach(role_network):
    """role_network plus: the association's maraude (its social worker is a member) with today's round
    in Bobigny; the other association's maraude (its worker a member); a social worker of the
    association who is in no team."""
    bobigny = CommuneFactory(code="93008")
    saint_denis = CommuneFactory(code="93066")
    worker = role_network.users[Role.SOCIAL_WORKER]
    maraude = OutreachTeamFactory(
        organization=role_network.association, name="Maraude du soir", members=[worker.active_membership]
    )
    other_team = OutreachTeamFactory(
        organization=role_network.partner,
        name="Équipe mobile",
        members=[role_network.other_worker.active_membership],
    )
    today = RoundFactory(team=maraude, communes=[bobigny, saint_denis])
    outsider = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=role_network.association))
    return SimpleNamespace(
        net=role_network,
        users=role_network.users,
        worker=worker,
        other_worker=role_network.other_worker,
        outsider=outsider,
        maraude=maraude,
        other_team=other_team,
        round=today,
        bobigny=bobigny,
        saint_denis=saint_denis,
    )
