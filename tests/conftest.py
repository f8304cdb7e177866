import threading
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


# -- The live server on an in-memory SQLite database ------------------------------------------------
# On SQLite the test database lives in memory, in SQLite's shared cache: the live server's threads and
# the test's own thread each have a connection to it, and there a table locked by one connection is
# refused at once to the others ("database table is locked"), without the busy timeout a database on
# disk would wait for. A request still running when its test ended (an assessment's draft saved in
# the background) made the flush that empties the tables fail; Django could then not put the test's
# connection back in autocommit, and every later transactional test failed with "on_commit() cannot be
# used in manual transaction management" (a CI run of 7 December). So the threads take turns: the
# server holds one lock for each whole request, the test's thread for each atomic block (its commit
# included) and each statement; when the test ends, the requests under way are waited for and the
# later ones are answered 503 without touching the database, so the flush runs alone. PostgreSQL
# waits for its locks: nothing to do there.

_SHARED_SQLITE = threading.RLock()
_SERVING = threading.Event()


def _locked_app(app):
    def serve(environ, start_response):
        with _SHARED_SQLITE:
            if not _SERVING.is_set():  # the test is over: its database is being emptied
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"test over"]
            response = app(environ, start_response)
            try:
                body = list(response)  # a streamed body reads the database as it is sent
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()
        return body

    serve.locked = True
    return serve


@pytest.fixture(autouse=True)
def _one_thread_at_a_time_on_the_in_memory_sqlite_database(request, _commit_hooks_as_in_production):
    from django.db import connection, transaction

    if "live_server" not in request.fixturenames or not (
        connection.vendor == "sqlite" and connection.is_in_memory_db()
    ):
        yield
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    if not getattr(httpd.get_app(), "locked", False):
        httpd.set_app(_locked_app(httpd.get_app()))

    def statement(execute, sql, params, many, context):
        with _SHARED_SQLITE:
            return execute(sql, params, many, context)

    enter, exit_ = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def locked_enter(self):
        _SHARED_SQLITE.acquire()
        try:
            return enter(self)
        except BaseException:
            _SHARED_SQLITE.release()
            raise

    def locked_exit(self, exc_type, exc_value, traceback):
        try:
            return exit_(self, exc_type, exc_value, traceback)
        finally:
            _SHARED_SQLITE.release()

    patch = pytest.MonkeyPatch()
    patch.setattr(transaction.Atomic, "__enter__", locked_enter)
    patch.setattr(transaction.Atomic, "__exit__", locked_exit)
    connection.execute_wrappers.append(statement)
    _SERVING.set()
    try:
        yield
    finally:
        with _SHARED_SQLITE:  # the requests under way end first; the later ones touch nothing
            _SERVING.clear()
        connection.execute_wrappers.remove(statement)
        patch.undo()


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
