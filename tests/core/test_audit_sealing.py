"""ADR 0017: audit rows are written without locking anything and chained in batches by the sealer.

Promises kept from ADR 0003: the row is written in the change's own transaction (a rolled-back change
leaves none), and any edit, deletion, insertion or reordering is reported by verify-audit — now also
for the rows still waiting for their seal, which carry their writer's HMAC.
"""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from parcours.core import audit, db_guards
from parcours.core.models import AuditChainHead, AuditEvent
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="concurrent writers: SQLite has one writer at a time"
)


def _rows(count: int, purpose: str = "orientation"):
    user = MembershipFactory().user
    org = OrganizationFactory()
    for i in range(count):
        audit.record_read(actor=user, obj=org, sections=["identity"], purpose=f"{purpose}-{i}")
    return user, org


def _as_owner(*statements):
    """Someone with the database, not the key: guards off, raw SQL, guards back on."""
    db_guards.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
    finally:
        db_guards.install(connection)


def _seqs():
    return list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True))


def test_a_row_is_written_unsealed_with_its_writers_mac_then_chained_by_the_sealer():
    org = OrganizationFactory()
    event = audit.record_write(actor=None, action="test.write", obj=org, fields=["name"])
    assert event.seq is None and event.hash == "" and len(event.mac) == 64 and event.key_id == "test"
    report = audit.verify_chain()
    assert report.ok and (report.checked, report.unsealed) == (0, 1)
    assert audit.seal_pending() == 1
    event.refresh_from_db()
    assert event.seq == 1 and event.prev_hash == audit.GENESIS_HASH and len(event.hash) == 64
    report = audit.verify_chain()
    assert report.ok and (report.checked, report.unsealed) == (1, 0)
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (1, event.hash)


def test_a_rolled_back_change_leaves_no_audit_row():
    org = OrganizationFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record_write(actor=None, action="test.write", obj=org, fields=["name"])
        raise RuntimeError("the change fails after its audit row")
    assert AuditEvent.objects.count() == before
    assert audit.seal_pending() == 0


def test_the_sealer_is_idempotent_and_continues_the_chain():
    _rows(3)
    assert audit.seal_pending() == 3
    first = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    assert audit.seal_pending() == 0
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")) == first
    _rows(2)
    assert audit.seal_pending() == 2
    assert _seqs() == [1, 2, 3, 4, 5]
    assert audit.verify_chain().ok


def test_the_sealer_works_in_batches():
    _rows(7)
    assert audit.seal_pending(batch_size=3) == 7
    assert _seqs() == list(range(1, 8))
    assert audit.verify_chain().ok


# -- Tampering with sealed rows -----------------------------------------------------------------------


def _edit_hash(rows):
    return [("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, rows[2].pk])], 3


def _edit_payload(rows):
    return [("UPDATE core_auditevent SET purpose = 'curiosity' WHERE id = %s", [rows[2].pk])], 3


def _edit_mac(rows):
    return [("UPDATE core_auditevent SET mac = %s WHERE id = %s", ["0" * 64, rows[2].pk])], 3


def _delete(rows):
    return [("DELETE FROM core_auditevent WHERE id = %s", [rows[2].pk])], 3


def _insert(rows):
    # A copy of row 3 slipped in as row 3, the following ones moved up: its link no longer holds.
    columns = [f.column for f in AuditEvent._meta.concrete_fields if f.column != "id"]
    names = ", ".join(columns)
    return [
        ("UPDATE core_auditevent SET seq = seq + 1000 WHERE seq >= 3", []),
        ("UPDATE core_auditevent SET seq = seq - 999 WHERE seq >= 1003", []),
        (
            f"INSERT INTO core_auditevent ({names}) SELECT {names.replace('seq', '3', 1)} "  # noqa: S608
            "FROM core_auditevent WHERE seq = 4",
            [],
        ),
    ], 4


def _reorder(rows):
    # Rows 2 and 3 swap their places in the chain.
    return [
        ("UPDATE core_auditevent SET seq = 1000 WHERE id = %s", [rows[1].pk]),
        ("UPDATE core_auditevent SET seq = 2 WHERE id = %s", [rows[2].pk]),
        ("UPDATE core_auditevent SET seq = 3 WHERE id = %s", [rows[1].pk]),
    ], 2


@pytest.mark.parametrize("tamper", [_edit_hash, _edit_payload, _edit_mac, _delete, _insert, _reorder])
def test_tampering_with_a_sealed_row_is_reported(tamper):
    _rows(5)
    audit.seal_pending()
    rows = list(AuditEvent.objects.order_by("seq"))
    statements, first_broken = tamper(rows)
    _as_owner(*statements)
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == first_broken, report


# -- Tampering with rows waiting for their seal -----------------------------------------------------------


def test_an_unsealed_row_edited_in_the_database_is_reported_and_not_sealed():
    _rows(2)
    audit.seal_pending()
    _rows(3, purpose="later")
    target = AuditEvent.objects.filter(seq__isnull=True).order_by("id")[1]
    _as_owner(("UPDATE core_auditevent SET purpose = 'curiosity' WHERE id = %s", [target.pk]))
    report = audit.verify_chain()
    assert (
        not report.ok and f"row id {target.pk}" in report.reason and "without the audit key" in report.reason
    )
    # The sealer leaves it out of the chain and seals the others; verify-audit keeps reporting it.
    assert audit.seal_pending() == 2
    assert AuditEvent.objects.get(pk=target.pk).seq is None
    assert not audit.verify_chain().ok


def test_a_row_inserted_without_the_key_is_reported_and_never_sealed():
    _rows(2)
    forged = AuditEvent(
        occurred_at=AuditEvent.objects.first().occurred_at,
        kind="read",
        action="read",
        object_type="households.household",
        object_id="1",
        purpose="alibi",
        key_id="test",
        mac="a" * 64,
    )
    forged.save()
    report = audit.verify_chain()
    assert not report.ok and f"row id {forged.pk}" in report.reason
    assert audit.seal_pending() == 2
    assert AuditEvent.objects.get(pk=forged.pk).seq is None


def test_an_unsealed_row_deleted_before_its_seal_leaves_a_sound_chain():
    """The known window (ADR 0017): until sealed, a row deleted by the database's owner is not seen.
    The sealer runs a few seconds after each write; the rest of the chain is unaffected."""
    _rows(3)
    victim = AuditEvent.objects.order_by("id")[1]
    _as_owner(("DELETE FROM core_auditevent WHERE id = %s", [victim.pk]))
    assert audit.seal_pending() == 2
    assert audit.verify_chain().ok


# -- The database guard -------------------------------------------------------------------------------


def test_the_database_lets_a_seal_be_set_once_and_nothing_else():
    _rows(2)
    unsealed = AuditEvent.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = 1, purpose = 'x' WHERE id = %s", [unsealed.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", [unsealed.pk])
    audit.seal_pending()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, unsealed.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = 99 WHERE id = %s", [unsealed.pk])
    assert audit.verify_chain().ok


def test_the_guard_names_every_column_but_the_seal():
    columns = {f.column for f in AuditEvent._meta.concrete_fields}
    assert columns == set(db_guards.CONTENT_COLUMNS) | {"seq", "prev_hash", "hash"}


# -- Scheduling and commands --------------------------------------------------------------------------


def test_a_committed_write_queues_the_sealer_at_most_once_per_interval(settings, monkeypatch):
    settings.PARCOURS_AUDIT_SEAL_SECONDS = 60
    monkeypatch.setattr(audit, "_next_schedule", 0.0)
    org = OrganizationFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record_write(actor=None, action="test.write", obj=org)
        raise RuntimeError("rolled back: nothing queued")
    assert audit._next_schedule > 0  # the interval started, but the task went with the rollback
    monkeypatch.setattr(audit, "_next_schedule", 0.0)
    with transaction.atomic():
        first = audit.record_write(actor=None, action="test.write", obj=org)
    # The test backend runs the task at once (the real worker, PARCOURS_AUDIT_SEAL_SECONDS later).
    first.refresh_from_db()
    assert first.seq == 1
    with transaction.atomic():
        second = audit.record_write(actor=None, action="test.write", obj=org)
    second.refresh_from_db()
    assert second.seq is None  # the next run seals it: one task per interval and per process


def test_verify_audit_seals_what_waits_unless_told_not_to(fixed_clock):
    _rows(3)
    out = StringIO()
    call_command("verify_audit", "--no-seal", stdout=out)
    assert "3 lignes attendent leur sceau" in out.getvalue() and "0 lignes vérifiées" in out.getvalue()
    assert "Attention" not in out.getvalue()
    # Rows left waiting for long: the worker is probably not running, and it says so.
    fixed_clock.advance(minutes=16)
    out = StringIO()
    call_command("verify_audit", "--no-seal", stdout=out)
    assert "depuis 960 s" in out.getvalue() and "le worker" in out.getvalue()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "3 lignes en attente scellées" in out.getvalue() and "3 lignes vérifiées" in out.getvalue()


def test_an_anchor_records_the_rows_just_sealed(settings, tmp_path):
    settings.PARCOURS_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    _rows(2)
    call_command("audit_anchor", stdout=StringIO())
    (anchor,) = audit.read_anchors(settings.PARCOURS_AUDIT_ANCHOR_FILE)
    assert anchor.seq == 2
    assert audit.verify_chain(anchors=[anchor]).ok


# -- Concurrency, on PostgreSQL -----------------------------------------------------------------------


def _in_thread(target, results, *args):
    try:
        results.append(target(*args))
    except Exception as exc:  # noqa: BLE001 - reported by the test
        results.append(exc)
    finally:
        connections.close_all()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_running_sealer_give_one_sound_chain():
    writers, per_writer = 8, 40
    org = OrganizationFactory()
    stop = threading.Event()
    results: list = []

    def write(number):
        for i in range(per_writer):
            if i % 2:
                audit.record_read(actor=None, obj=org, sections=["identity"], purpose=f"w{number}-{i}")
            else:
                with transaction.atomic():
                    audit.record_write(actor=None, action="test.write", obj=org, fields=[f"f{i}"])
        return "ok"

    def seal_loop():
        sealed = 0
        while not stop.is_set():
            sealed += audit.seal_pending(batch_size=25)
            time.sleep(0.01)
        return sealed

    sealer = threading.Thread(target=_in_thread, args=(seal_loop, results))
    sealer.start()
    threads = [threading.Thread(target=_in_thread, args=(write, results, n)) for n in range(writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stop.set()
    sealer.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    audit.seal_pending()
    total = writers * per_writer
    assert _seqs() == list(range(1, total + 1))
    report = audit.verify_chain()
    assert report.ok and report.checked == total and report.unsealed == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_do_not_fork_the_chain():
    _rows(600)
    barrier = threading.Barrier(4)
    results: list = []

    def seal():
        barrier.wait()
        return audit.seal_pending(batch_size=50)

    threads = [threading.Thread(target=_in_thread, args=(seal, results)) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 600
    assert _seqs() == list(range(1, 601))
    assert audit.verify_chain().ok


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_row_committed_after_a_younger_one_is_sealed_after_it():
    """Ids are given at insert, commits happen in another order: the sealer only ever sees committed
    rows, and gives the late one the next place in the chain."""
    org = OrganizationFactory()
    inserted, release = threading.Event(), threading.Event()
    results: list = []

    def slow_writer():
        with transaction.atomic():
            event = audit.record_write(actor=None, action="test.slow", obj=org)
            inserted.set()
            release.wait(10)
        return event.pk

    slow = threading.Thread(target=_in_thread, args=(slow_writer, results))
    slow.start()
    assert inserted.wait(10)
    fast = audit.record_write(actor=None, action="test.fast", obj=org)
    assert audit.seal_pending() == 1  # the older id is not committed yet: not visible, not sealed
    release.set()
    slow.join()
    (slow_id,) = results
    assert slow_id < fast.pk
    assert audit.seal_pending() == 1
    assert AuditEvent.objects.get(pk=fast.pk).seq == 1 and AuditEvent.objects.get(pk=slow_id).seq == 2
    assert audit.verify_chain().ok
