"""A household's lookup compiled once per process and visibility rule (core.lookup's `compiled_as`,
HouseholdQuerySet.visibility_key, issue 18) opens exactly the files the ORM's `visible_to` opens, for
every role and scope, whoever compiled it first; the day that decides which consents are active is
part of the key, so a consent that has ended stops opening the file the next day."""

import itertools
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.errors import NotFound
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household
from tests.factories import ConsentFactory, make_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

SCOPES = [{}, {"include_merged": True}, {"for_search": True}]


@pytest.fixture
def files(role_network):
    net = role_network
    own = make_household(organization=net.association)
    partner = make_household(organization=net.partner)
    consented = make_household(organization=net.partner)
    ConsentFactory(household=consented, organization=net.association)
    ConsentFactory(household=consented, organization=net.landlord)
    protected = make_household(organization=net.association, protected=True)
    paris = make_household(organization=net.partner, territory="75")
    merged = make_household(organization=net.association)
    Household.objects.filter(pk=merged.pk).update(merged_into=own)
    return [own, partner, consented, protected, paris, merged]


def _opens(user, household, scope, compiled: bool) -> bool:
    try:
        get_visible_or_404(
            Household, household.pk, user, compiled_as="test.households" if compiled else None, **scope
        )
    except NotFound:
        return False
    return True


def test_the_compiled_lookup_opens_what_visible_to_opens_for_every_role_and_scope(role_network, files):
    users = [*role_network.users.values(), role_network.other_worker]
    # Each user in turn compiles or reuses the SQL of a rule; the answers never depend on who went first.
    for user, scope, household in itertools.product(users, SCOPES, files):
        expected = Household.objects.visible_to(user, **scope).filter(pk=household.pk).exists()
        assert _opens(user, household, scope, compiled=True) is expected, (user, scope, household)
        assert _opens(user, household, scope, compiled=False) is expected


def test_a_worker_of_another_association_never_gets_the_first_ones_rule(role_network, files):
    own = files[0]
    worker, other = role_network.users[Role.SOCIAL_WORKER], role_network.other_worker
    assert _opens(worker, own, {}, compiled=True)
    assert not _opens(other, own, {}, compiled=True)
    assert _opens(other, files[1], {}, compiled=True) and not _opens(worker, files[1], {}, compiled=True)


def test_a_consent_that_has_ended_stops_opening_the_file_the_next_day(role_network, files, fixed_clock):
    consented = files[2]
    landlord = role_network.users[Role.LANDLORD]
    from parcours.households.models import Consent

    # Today in Paris (the clock's instant is in UTC: between 0:00 and 1:00 or 2:00 its date is yesterday's).
    Consent.objects.filter(household=consented).update(ends_on=timezone.localdate(fixed_clock.at))
    worker = role_network.users[Role.SOCIAL_WORKER]
    assert _opens(worker, consented, {}, compiled=True)
    fixed_clock.advance(days=1)
    assert not _opens(worker, consented, {}, compiled=True)
    assert not Household.objects.visible_to(worker).filter(pk=consented.pk).exists()
    assert not _opens(landlord, consented, {}, compiled=True)


def test_the_consents_maximum_duration_is_part_of_the_rule(role_network, files, fixed_clock):
    from parcours.households.models import Consent

    consented, worker = files[2], role_network.users[Role.SOCIAL_WORKER]
    Consent.objects.filter(household=consented).update(
        starts_on=timezone.localdate(fixed_clock.at) - timedelta(days=40)
    )
    assert _opens(worker, consented, {}, compiled=True)
    with override_settings(PARCOURS_CONSENT_MAX_MONTHS=1):
        assert not Household.objects.visible_to(worker).filter(pk=consented.pk).exists()
        assert not _opens(worker, consented, {}, compiled=True)
