"""Promise: a consent opens nothing beyond PARCOURS_CONSENT_MAX_MONTHS after its start, however it
was written (issue 13, finding 4, on the read side).

consent_record refuses a longer consent, but consents written in bulk (the demo, imports) skipped
that check and were then honoured until their far end date. The reads cap them: every door closes
the day after the start's anniversary, clock fixed. The demo writes none beyond the limit."""

import datetime as dt

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.households import perms, visibility
from parcours.households.models import Consent
from parcours.support import perms as support_perms
from tests.factories import MembershipFactory, OrganizationFactory, api_for

from .partner_world import TODAY, Clock, as_member, build
from .test_consent_purpose import _everything_closed, _org, _world

pytestmark = pytest.mark.django_db

# TODAY is 10 March 2026: twelve months later is 10 March 2027, its last day.
LAST_DAY = dt.date(2027, 3, 10)
THREE_YEARS = dt.date(2029, 3, 10)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def bulk_consent(world, organization, purpose, *, starts_on=TODAY, ends_on=THREE_YEARS):
    """A consent as an import writes it: straight into the table, no limit checked."""
    (given,) = Consent.objects.bulk_create(
        [
            Consent(
                household=world.household,
                organization=organization,
                purpose=purpose,
                starts_on=starts_on,
                ends_on=ends_on,
                recorded_by=world.m[Role.SOCIAL_WORKER].user,
            )
        ]
    )
    return given


@pytest.mark.parametrize("reader", ["other_worker", Role.LANDLORD, Role.FACILITY_MANAGER])
def test_a_bulk_consent_closes_every_door_after_its_maximum_duration(reader, clock, client, login):
    world = _world(reader)
    bulk_consent(world, _org(world, reader), "orientation")
    clock.move_to(LAST_DAY)
    api = api_for(client, world.m[reader])  # a token of the day: tokens expire on their own
    assert api("get", f"/households/{world.household.pk}").status_code == 200  # the last day counts
    clock.move_to(LAST_DAY + dt.timedelta(days=1))
    _everything_closed(world, reader, client, login)


def test_the_queryset_and_the_prefetched_reads_agree(clock):
    world = build("landlord")
    other = world.orgs["other"]
    given = bulk_consent(world, other, "support")
    worker = as_member(world.m["other_worker"])
    for day, active in ((TODAY, True), (LAST_DAY, True), (LAST_DAY + dt.timedelta(days=1), False)):
        clock.move_to(day)
        household = type(world.household).objects.prefetch_related("consents").get(pk=world.household.pk)
        assert Consent.objects.active().filter(pk=given.pk).exists() is active
        assert given.is_active is active
        assert (perms.access(worker, household) == perms.Access.SHARED) is active
        assert bool(visibility.active_purposes(household, other.pk)) is active
        assert support_perms.can_open_measure(worker, household) is active
        # The household list of the other association is a door too.
        assert type(world.household).objects.visible_to(worker).filter(pk=household.pk).exists() is active


def test_a_landlord_raises_no_alert_on_a_capped_prevention_consent(clock):
    world = build("landlord")
    # A landlord that houses nothing of the household's: only the consent can let it raise an alert.
    membership = MembershipFactory(role=Role.LANDLORD, organization=OrganizationFactory(landlord=True))
    bulk_consent(world, membership.organization, "prevention")
    landlord = as_member(membership)
    clock.move_to(LAST_DAY)
    assert support_perms.can_raise_alert(landlord, world.household)
    clock.move_to(LAST_DAY + dt.timedelta(days=1))
    assert not support_perms.can_raise_alert(landlord, world.household)


def test_the_referent_page_says_when_the_consent_really_ends(clock, login):
    world = build("landlord")
    bulk_consent(world, world.orgs["other"], "orientation")
    page = login(world.m[Role.SOCIAL_WORKER].user).get(
        reverse("households:detail", args=[world.household.pk])
    )
    body = page.content.decode()
    assert "10 mars 2027" in body  # French dates on every page (issue 15)
    assert "10 mars 2029" not in body


@pytest.mark.parametrize(
    "on",
    [
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 31),
        dt.date(2026, 12, 31),
    ],
)
def test_the_sql_cap_is_exact_at_month_ends(on, settings):
    """For consents starting on each day of the 14 months before `on`, the SQL filter and the Python
    rule agree (short months, leap days), with a 12 and a 1 month maximum."""
    world = build("landlord")
    org = world.orgs["other"]
    user = world.m[Role.SOCIAL_WORKER].user
    Consent.objects.bulk_create(
        Consent(
            household=world.household,
            organization=org,
            purpose="support",
            starts_on=on - dt.timedelta(days=n),
            ends_on=on + dt.timedelta(days=800),
            recorded_by=user,
        )
        for n in range(0, 430)
    )
    for months in (12, 1):
        settings.PARCOURS_CONSENT_MAX_MONTHS = months
        consents = list(Consent.objects.filter(organization=org))
        in_python = {c.pk for c in consents if c.is_active_on(on)}
        in_sql = set(Consent.objects.filter(organization=org).active(on=on).values_list("pk", flat=True))
        assert in_sql == in_python
        # And the rule itself: active exactly while `on` is within `months` of the start.
        for c in consents:
            shifted_month = (c.starts_on.month - 1 + months) % 12 + 1
            shifted_year = c.starts_on.year + (c.starts_on.month - 1 + months) // 12
            last = min(
                c.starts_on.day,
                [31, 29 if shifted_year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
                    shifted_month - 1
                ],
            )
            assert (c.pk in in_python) is (on <= dt.date(shifted_year, shifted_month, last))


def test_a_shorter_maximum_caps_at_once(settings, clock):
    world = build("landlord")
    given = bulk_consent(world, world.orgs["other"], "orientation")
    settings.PARCOURS_CONSENT_MAX_MONTHS = 6
    clock.move_to(dt.date(2026, 9, 10))
    assert Consent.objects.active().filter(pk=given.pk).exists()
    clock.move_to(dt.date(2026, 9, 11))
    assert not Consent.objects.active().filter(pk=given.pk).exists()
    assert not given.is_active


def test_the_demo_writes_no_consent_beyond_the_limit(demo_network):
    from parcours.households.querysets import consent_last_day

    too_long = [c.pk for c in Consent.objects.all() if c.ends_on > consent_last_day(c.starts_on)]
    assert Consent.objects.exists()
    assert too_long == []
