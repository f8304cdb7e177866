"""No double booking under any concurrency (PostgreSQL): 50 call handlers, each on its own database
connection, try to allocate 10 units for one night at the same instant, several rounds in a row."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from parcours.accounts.roles import Role
from parcours.emergency import services
from parcours.emergency.models import EmergencyRequest, NightAllocation
from parcours.emergency.nights import current_night
from parcours.offers.models import Unit
from tests.factories import MembershipFactory, OrganizationFactory, make_emergency_facility

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 50
UNITS = 10
ROUNDS = 5


def _attempt(barrier, handler_membership, request_id, unit_id, results, lock):
    try:
        user = handler_membership.user
        user.active_membership = handler_membership
        try:
            request = EmergencyRequest.objects.get(pk=request_id)
            unit = Unit.objects.select_related("facility").get(pk=unit_id)
            barrier.wait()
        except Exception as exc:  # noqa: BLE001  (no connection for this client: fail, never hang)
            barrier.abort()
            with lock:
                results.append(f"error before the start: {type(exc).__name__}: {exc}")
            return
        try:
            services.allocate(actor=user, request=request, unit=unit)
            outcome = "allocated"
        except services.PlaceTaken:
            outcome = "taken"
        except Exception as exc:  # noqa: BLE001  (reported and failing the test below)
            outcome = f"error: {type(exc).__name__}: {exc}"
        with lock:
            results.append(outcome)
    finally:
        connections.close_all()


def test_fifty_concurrent_attempts_on_ten_units_give_ten_allocations_every_time():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent unique checks are measured on PostgreSQL")
    siao = OrganizationFactory(name="SIAO 93", siao=True)
    membership = MembershipFactory(role=Role.CALL_HANDLER, organization=siao)
    membership.user.active_membership = membership
    _facility, units = make_emergency_facility(organization=OrganizationFactory(), units=UNITS)
    for round_no in range(ROUNDS):
        night = current_night() + timedelta(days=round_no)
        requests = [
            services.request_create(actor=membership.user, night=night, persons=1) for _ in range(CLIENTS)
        ]
        results, lock = [], threading.Lock()
        # A client that cannot start breaks the barrier: the round fails at once instead of hanging.
        barrier = threading.Barrier(CLIENTS, timeout=60)
        threads = [
            threading.Thread(
                target=_attempt,
                args=(barrier, membership, r.pk, units[i % UNITS].pk, results, lock),
            )
            for i, r in enumerate(requests)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert len(results) == CLIENTS
        errors = [r for r in results if r.startswith("error")]
        assert not errors, errors[:3]
        assert results.count("allocated") == UNITS, f"round {round_no}"
        assert results.count("taken") == CLIENTS - UNITS, f"round {round_no}"
        booked = NightAllocation.objects.booked().filter(night=night)
        assert booked.count() == UNITS
        assert booked.values("unit").distinct().count() == UNITS
        assert EmergencyRequest.objects.filter(night=night, status="allocated").count() == UNITS
