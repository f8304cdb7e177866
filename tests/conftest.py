from io import StringIO
from types import SimpleNamespace

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from parcours.accounts.roles import Role
from tests.clock import freeze
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    api_for,
    as_member,
    confirmed_totp,
)


@pytest.fixture
def member(db):
    """member(role, **kwargs) → a user with one active membership of that role."""

    def make(role=Role.SOCIAL_WORKER, **kwargs):
        return MembershipFactory(role=role, **kwargs).user

    return make


@pytest.fixture
def login(client):
    """login(user) → the test client logged in with its second factor verified, as after a real login."""

    def do(user, the_client=None):
        c = the_client or client
        c.force_login(user)
        device = confirmed_totp(user)
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return c

    return do


@pytest.fixture
def api(client, db):
    """api(role, organization=None) → a function calling the API with that membership's token."""
    TerritoryFactory(code="93")

    def for_role(role=Role.SOCIAL_WORKER, **kwargs):
        membership = MembershipFactory(role=role, **kwargs)
        call = api_for(client, membership)
        call.membership = membership
        return call

    return for_role


@pytest.fixture
def fixed_clock(monkeypatch):
    """The clock stands still during the test (tests/clock.py): tests take today's date or tonight's
    night, then compare it with what the services computed. Files that need it for every test say
    `pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]`."""
    return freeze(monkeypatch)


@pytest.fixture
def role_network(db):
    """Départements 93 and 75; the SIAO 93, an association (« Association référente »), another
    association, a landlord and a state service; one member of each role acting in its usual
    organization (`users[role]`), and a social worker of the other association (`other_worker`)."""
    TerritoryFactory(code="93")
    TerritoryFactory(code="75")
    siao = OrganizationFactory(siao=True, name="SIAO 93")
    association = OrganizationFactory(name="Association référente")
    partner = OrganizationFactory(name="Autre association")
    landlord = OrganizationFactory(landlord=True, name="Bailleur")
    state = OrganizationFactory(state=True, name="État")
    orgs = {
        Role.CALL_HANDLER: siao,
        Role.SIAO_COORDINATOR: siao,
        Role.SOCIAL_WORKER: association,
        Role.FACILITY_MANAGER: association,
        Role.LANDLORD: landlord,
        Role.OBSERVER: state,
        Role.NETWORK_ADMIN: siao,
    }
    users = {role: as_member(MembershipFactory(role=role, organization=org)) for role, org in orgs.items()}
    other_worker = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=partner))
    return SimpleNamespace(
        siao=siao,
        association=association,
        partner=partner,
        landlord=landlord,
        state=state,
        users=users,
        other_worker=other_worker,
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back rows' ids (and counters) are given again."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page served in English must not leak into the next."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _commit_hooks_as_in_production(monkeypatch):
    """A test runs inside a transaction that never commits, so `transaction.on_commit` callbacks (the
    outbox's e-mails and SMS) would never run. Here they run when the code's own outermost atomic
    block exits successfully (or at once outside any), exactly as a real commit would run them, and
    a rolled-back block drops them as it would in production."""
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper

    def only_test_blocks(connection) -> bool:
        return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)

    def run_hooks(connection) -> None:
        while connection.run_on_commit and not connection.needs_rollback:
            _sids, func, _robust = connection.run_on_commit.pop(0)
            func()

    original_exit = transaction.Atomic.__exit__
    original_on_commit = BaseDatabaseWrapper.on_commit

    def exit_(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if exc_type is None and connection.in_atomic_block and only_test_blocks(connection):
            run_hooks(connection)
        return result

    def on_commit(self, func, robust=False):
        original_on_commit(self, func, robust)
        if self.in_atomic_block and only_test_blocks(self):
            run_hooks(self)

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)


# -- The demo network, seeded once for every test that reads it ------------------------------------
# Seeding the demo takes half a minute (more on PostgreSQL). The tests that read it (not the ones that
# test the seed itself) ask for `demo_network`: they are moved to the end of the database tests, just
# before the transactional ones (pytest-django's order), the demo is seeded once in a transaction
# when the first of them starts, each test still runs in its own savepoint (`db`), and the
# transaction is rolled back as soon as the last of them ends, before any other test runs.

_DEMO = {"atomic": None}


def _uses_demo(item) -> bool:
    return "demo_network" in getattr(item, "fixturenames", ())


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    demo = [item for item in items if _uses_demo(item)]
    if not demo:
        return
    if any(_transactional(item) for item in demo):
        raise pytest.UsageError("demo_network is for tests in a transaction (not transactional ones)")
    rest = [item for item in items if not _uses_demo(item)]
    first_transactional = next((n for n, item in enumerate(rest) if _transactional(item)), len(rest))
    items[:] = rest[:first_transactional] + demo + rest[first_transactional:]


def _end_demo() -> None:
    atomic = _DEMO["atomic"]
    if atomic is None:
        return
    from django.db import transaction

    _DEMO["atomic"] = None
    blocker = _DEMO.pop("blocker")
    with blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's own fixtures (its savepoint) are gone
    if _DEMO["atomic"] is not None and (nextitem is None or not _uses_demo(nextitem)):
        _end_demo()


@pytest.fixture(scope="session")
def _demo_session(django_db_setup, django_db_blocker):
    yield
    _end_demo()  # (the run stopped early: -x, Ctrl+C)


@pytest.fixture(scope="module")
def _demo_seeded(_demo_session, django_db_blocker):
    """Seeds the demo in its transaction if it is not there yet. Module-scoped so that it runs before
    the test's own transaction (pytest-django's autouse `django_db` fixture), which nests inside it."""
    if _DEMO["atomic"] is None:
        from django.core.management import call_command
        from django.db import transaction

        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic._from_testcase = True  # as TestCase's own blocks: durable blocks, commit hooks
            atomic.__enter__()
            _DEMO.update(atomic=atomic, blocker=django_db_blocker)
            call_command("seed_demo", stdout=StringIO())
    yield


@pytest.fixture
def demo_network(_demo_seeded, db):
    """The demo network (`seed-demo`), seeded once for all the tests that ask for it (see above)."""
    assert _DEMO["atomic"] is not None, "the demo tests must run one after the other (see above)"
