"""On SQLite, the browser tests' live server and the test itself reach one in-memory database through
SQLite's shared cache, where a table locked by one connection is refused at once to the others:
tests/conftest.py makes their threads take turns. Requests that write and the test's own atomic
blocks, at the same time, are all served, and the test's connection is left as it was found: in
autocommit, out of any block, `on_commit` usable by the next transactional test. Without the turns,
requests failed with "database table is locked"."""

import http.client
import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction

from parcours.accounts import services as account_services
from parcours.accounts.roles import Role
from parcours.households.models import Household
from tests.factories import MembershipFactory, make_household

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 60


def test_requests_and_the_tests_own_blocks_at_once_leave_the_connection_in_autocommit(live_server):
    membership = MembershipFactory(role=Role.SOCIAL_WORKER)
    household = make_household(organization=membership.organization)
    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")
    server = urlsplit(live_server.url)
    statuses, failures = [], []

    def reader():  # each answer records the read of a named household: an atomic block of the server
        for _ in range(ROUNDS):
            link = http.client.HTTPConnection(server.hostname, server.port, timeout=30)
            try:
                link.request(
                    "GET", f"/api/v1/households/{household.pk}", headers={"Authorization": f"Bearer {key}"}
                )
                answer = link.getresponse()
                answer.read()
                (statuses if answer.status == 200 else failures).append(answer.status)
            except Exception as exc:  # noqa: BLE001
                failures.append(repr(exc))
            finally:
                link.close()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    hooks = []
    for n in range(ROUNDS * 3):
        with transaction.atomic():
            Household.objects.filter(pk=household.pk).update(version=household.version + n + 1)
            transaction.on_commit(lambda: hooks.append(1))
    for thread in threads:
        thread.join()

    assert failures == []
    assert statuses == [200] * (ROUNDS * 3)
    assert len(hooks) == ROUNDS * 3
    assert connection.get_autocommit() and not connection.in_atomic_block
    transaction.on_commit(lambda: hooks.append(2))  # at once, outside any block
    assert hooks[-1] == 2
