"""The social worker's home page reads its steps through SQL compiled once per process (core.compiled,
issue 18): the same steps, rows, order and links as the ORM's answer for each user and each day, never
another user's rows, and no SQL compiled again when the page is asked a second time (PostgreSQL; on
SQLite a list of ids is not a marker and the ORM answers at each call)."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core import compiled
from parcours.households.home import STEP_PROVIDERS, my_households
from parcours.households.models import Household
from parcours.support.models import MeasureCoworker
from tests.clock import freeze, local
from tests.documents.helpers import add_document
from tests.factories import (
    ConsentFactory,
    InsertionRequestFactory,
    MembershipFactory,
    SupportMeasureFactory,
    make_household,
)
from tests.factories.accounts import as_member

pytestmark = pytest.mark.django_db

# Three days: the consents, reviews, papers and requests below change steps from one to the next.
DAYS = [local(2026, 12, 7, 15, 0), local(2026, 12, 21, 9, 30), local(2027, 1, 18, 11, 0)]
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED", {})  # nothing compiled by another test
    return freeze(monkeypatch, DAYS[0])


@pytest.fixture
def world(role_network, clock):
    """Three social workers (two of the association, one of the partner), four households each, with
    consents about to expire, overdue reviews, papers about to expire, requests to complete or renew;
    and a measure the partner carries that the association co-works, with the first worker as referent."""
    net = role_network
    worker = net.users[Role.SOCIAL_WORKER]
    colleague = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=net.association))
    other = net.other_worker
    today = DAYS[0].date()
    own = {}
    for number, (user, organization) in enumerate(
        ((worker, net.association), (colleague, net.association), (other, net.partner))
    ):
        own[user.pk] = []
        for n in range(4):
            household = make_household(
                organization=organization,
                referent=user,
                people=[(f"P{number}{n}", f"Nom{number}", dt.date(1980, 1, 1 + n))],
            )
            own[user.pk].append(household.pk)
            ConsentFactory(
                household=household,
                organization=net.partner if organization == net.association else net.association,
                starts_on=today - dt.timedelta(days=80 + n),
                ends_on=today + dt.timedelta(days=10 + 9 * n + number),
            )
            if n % 2 == 0:
                SupportMeasureFactory(household=household, next_review_on=today + dt.timedelta(days=n - 2))
            if n == 1:
                InsertionRequestFactory(household=household, to_complete=True)
            if n == 2:
                validated = local(2026, 9, 20, 10)
                InsertionRequestFactory(household=household, validated=True, validated_at=validated)
            if n < 3:
                add_document(
                    household,
                    user,
                    kind="residence_permit",
                    expires_on=today + dt.timedelta(days=5 + 12 * n + number),
                )
    shared = make_household(organization=net.partner, people=[("Sami", "Partage", dt.date(1990, 5, 5))])
    measure = SupportMeasureFactory(
        household=shared,
        organization=net.partner,
        referent=worker,
        next_review_on=today - dt.timedelta(days=3),
    )
    MeasureCoworker.objects.create(measure=measure, organization=net.association)
    ConsentFactory(household=shared, organization=net.association, purpose="support")
    return [worker, colleague, other], own, shared


def _own(user):
    return list(
        Household.objects.visible_to(user)
        .filter(referent=user)
        .order_by("-updated_at", "-pk")
        .values_list("pk", flat=True)
    )


def _steps(user, today):
    own = _own(user)
    return {p.__name__: sorted(dataclasses.astuple(s) for s in p(user, own, today)) for p in STEP_PROVIDERS}


def _panel(user):
    panel = my_households(user, user.active_membership)
    rows = [(r.url, r.household.pk, r.reason, r.late, r.label) for r in panel.rows]
    return rows, panel.total


def _orm(monkeypatch):
    """From here on, every read with a list of ids is the ORM's (compiled at each call)."""
    monkeypatch.setattr(compiled, "_markable", lambda values: False)


def test_the_compiled_steps_and_rows_are_the_orms_for_each_user_and_day(world, clock, monkeypatch):
    users, _own_households, _shared = world
    found = {}
    for at in DAYS:
        clock.set(at)
        # The second user of a day reuses the SQL compiled for the first where its key allows it.
        for user in (*users, *reversed(users)):
            found[at, user.pk] = (_steps(user, at.date()), _panel(user))
    assert any(found[DAYS[0], u.pk][0] != found[DAYS[2], u.pk][0] for u in users)  # the days differ
    _orm(monkeypatch)
    for at in DAYS:
        clock.set(at)
        for user in users:
            assert found[at, user.pk] == (_steps(user, at.date()), _panel(user)), (at, user)


def test_a_user_never_gets_another_users_rows(world, clock):
    users, own, shared = world
    worker, colleague, other = users
    for at in DAYS:
        clock.set(at)
        for user in (worker, colleague, other, colleague, worker):
            mine = set(own[user.pk]) | ({shared.pk} if user == worker else set())
            steps = _steps(user, at.date())
            assert {s[0] for found in steps.values() for s in found} <= mine, (at, user)
            rows, total = _panel(user)
            assert {pk for _url, pk, *_rest in rows} <= mine and total == len(mine)
    # Every household of each is on its page (four rows, five with the co-worked measure's).
    assert len(_panel(worker)[0]) == 5 and len(_panel(other)[0]) == 4


def test_a_second_home_page_compiles_no_sql(world, clock, django_assert_num_queries, monkeypatch):
    """Seven queries (the user's households, one per step provider, the households named), and on
    PostgreSQL nothing compiled again when the page is asked again, by the same user or another of
    the same organization the same day, but for what depends on the user."""
    _users, _own_households, _shared = world
    _worker, colleague, _other = _users
    _panel(colleague)
    compilations = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        compilations.append(type(self).__name__)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    with django_assert_num_queries(7):
        _panel(colleague)
    if POSTGRESQL:
        assert compilations == []


def test_rows_of_puts_each_value_in_the_compiled_sql(world, clock):
    users, own, _shared = world
    worker, colleague, _other = users

    def build(ids, referent):
        return Household.objects.filter(pk__any_of=ids, referent_id=referent).order_by("pk").values_list("pk")

    everyone = sorted(pk for pks in own.values() for pk in pks)
    for user in (worker, colleague, worker):
        rows = compiled.rows_of(("test.rows_of",), build, ids=everyone, referent=user.pk)
        assert [pk for (pk,) in rows] == sorted(own[user.pk])
    assert compiled.rows_of(("test.rows_of",), build, ids=[], referent=worker.pk) == []
    # A list is a marker on PostgreSQL only: elsewhere nothing is kept, the ORM answers each time.
    assert (("test.rows_of",) in compiled._COMPILED) is POSTGRESQL
    # Converted as the ORM converts them (SQLite's moments are text for its driver).
    moments = compiled.rows_of(
        ("test.rows_of.moments",),
        lambda ids: Household.objects.filter(pk__any_of=ids).order_by("pk").values_list("pk", "created_at"),
        ids=own[worker.pk],
    )
    assert moments == list(
        Household.objects.filter(pk__in=own[worker.pk]).order_by("pk").values_list("pk", "created_at")
    )
    with pytest.raises(ValueError):
        compiled.rows_of(("test.unused",), lambda number: Household.objects.values_list("pk"), number=3)


def test_the_alerts_to_treat_are_each_users_own(world, clock):
    """The alerts panel's SQL is compiled once per user and organization: each user of the association
    sees its alerts, due first, the partner's worker and the SIAO's coordinator theirs, not another's."""
    from parcours.support.home import alerts_to_treat
    from parcours.support.models import PreventionAlert

    users, own, _shared = world
    worker, colleague, other = users
    net_landlord = worker.active_membership.organization  # only its pk matters to the rule below
    for number, pk in enumerate([*own[worker.pk][:2], *own[other.pk][:2]]):
        PreventionAlert.objects.create(
            household_id=pk,
            landlord=net_landlord,
            kind="unpaid_rent",
            association=Household.objects.get(pk=pk).referent_organization,
            due_on=DAYS[0].date() + dt.timedelta(days=3 - number) if number % 2 else None,
        )
    for user in (worker, other, colleague, worker, other):
        panel = alerts_to_treat(user, user.active_membership)
        expected = (
            PreventionAlert.objects.visible_to(user)
            .pending()
            .order_by(F("due_on").asc(nulls_last=True), "created_at", "pk")
            .values_list("pk", "household_id")
        )
        assert [(r.url, r.household.pk) for r in panel.rows] == [
            (reverse("support:alert", args=[pk]), household) for pk, household in expected
        ]
        assert len(panel.rows) == 2 and panel.total == 2


def test_the_appointments_to_handle_follow_the_moment_of_each_call(world, clock, monkeypatch):
    """The appointments' SQL is compiled once per user and day with `now` a marker: from one moment of
    the day to the next, a move request that has passed leaves the first list, as the ORM says."""
    from parcours.support.home import appointments_to_handle
    from tests.factories.support import AppointmentFactory

    users, own, _shared = world
    worker, colleague, other = users
    plan = ((9, "move", 0), (14, "move", 0), (11, "planned", 0), (16, "confirmed", 0), (10, "planned", -1))
    for user in users:
        for n, (hour, status, days) in enumerate((*plan, (18, "move", 2))):
            AppointmentFactory(
                household_id=own[user.pk][n % 4],
                organization=user.active_membership.organization,
                starts_at=local(2026, 12, 7 + days, hour, 0),
                status=status,
                purpose=f"Point {n}",
            )

    def rows(user):
        panel = appointments_to_handle(user, user.active_membership)
        return panel and ([(r.url, r.household.pk, r.reason, r.late) for r in panel.rows], panel.total)

    moments = [local(2026, 12, 7, h, m) for h, m in ((8, 0), (9, 30), (13, 59), (14, 1), (17, 0))]
    found = {}
    for at in moments:
        clock.set(at)
        for user in (worker, other, colleague):
            found[at, user.pk] = rows(user)
    assert found[moments[0], worker.pk] != found[moments[-1], worker.pk]
    _orm(monkeypatch)
    for at in moments:
        clock.set(at)
        for user in (worker, other, colleague):
            assert found[at, user.pk] == rows(user), (at, user)
