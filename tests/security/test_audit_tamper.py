"""Promise: the audit trail cannot be rewritten, even by whoever owns the database (issue 13, finding 9).

The attacker here has the database and today's code: they drop or disable the append-only triggers,
change rows, recompute the unkeyed SHA-256 chain exactly as the code before the keyed seals did,
move the chain head, or cut the last rows. They do not have the audit key, which lives outside the
database. `verify-audit` must catch every one of these, naming the row.
"""

import hashlib
import json
import uuid
from datetime import UTC

import pytest
from django.core.checks import run_checks
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from parcours.__main__ import command_argv
from parcours.core import audit, db_guards
from parcours.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganizationFactory

KEY_1 = "k1:first-audit-key-for-the-tamper-tests-0123456789"
KEY_2 = "k2:second-audit-key-for-the-tamper-tests-abcdefghij"


@pytest.fixture(autouse=True)
def _anchor_file(settings, tmp_path):
    settings.PARCOURS_AUDIT_KEYS = KEY_1
    settings.PARCOURS_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    return tmp_path / "anchors.jsonl"


def _events(count=6):
    user = MembershipFactory().user
    org = OrganizationFactory()
    for i in range(count):
        audit.record_read(actor=user, obj=org, sections=["identity"], purpose=f"orientation-{i}")
    audit.seal_pending()
    return list(AuditEvent.objects.order_by("seq"))


def _old_payload(row: dict) -> dict:
    """The row as the code before keyed seals hashed it (the attacker's copy of `_payload`)."""
    return {
        "seq": row["seq"],
        "occurred_at": row["occurred_at"].astimezone(UTC).isoformat(),
        "actor": row["actor_id"],
        "membership": row["membership_id"],
        "organization": row["organization_id"],
        "role": row["role"],
        "kind": row["kind"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "fields": list(row["fields"]),
        "sections": list(row["sections"]),
        "purpose": row["purpose"],
        "via": row["via"],
    }


def _unkeyed(prev_hash: str, payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _as_owner(statements):
    """Run raw SQL as the database's owner would: triggers off, statements, triggers back on."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            for sql, params in statements:
                cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
    else:
        db_guards.uninstall(connection)
        try:
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
        finally:
            db_guards.install(connection)


def _rewrite(from_seq: int, *, purpose=None, strip_key_ids=False):
    """Edit row `from_seq` (its purpose), recompute the unkeyed chain from there on, move the head."""
    columns = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname != "key_id"]
    rows = list(AuditEvent.objects.order_by("seq").values(*columns))
    prev_hash = audit.GENESIS_HASH
    statements = []
    for row in rows:
        if row["seq"] >= from_seq:
            if row["seq"] == from_seq and purpose is not None:
                row["purpose"] = purpose
            new_hash = _unkeyed(prev_hash, _old_payload(row))
            sql = "UPDATE core_auditevent SET purpose = %s, prev_hash = %s, hash = %s"
            if strip_key_ids:
                sql += ", key_id = '', mac = ''"
            statements.append((sql + " WHERE id = %s", [row["purpose"], prev_hash, new_hash, row["id"]]))
            row["hash"] = new_hash
        prev_hash = row["hash"]
    statements.append(("UPDATE core_auditchainhead SET seq = %s, hash = %s", [rows[-1]["seq"], prev_hash]))
    _as_owner(statements)


def _verify_fails(**options) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", **options)
    return str(failure.value)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("strip_key_ids", [False, True], ids=["key-ids-kept", "key-ids-blanked"])
def test_rows_rewritten_with_a_recomputed_unkeyed_chain_are_reported(strip_key_ids, capsys):
    events = _events()
    call_command("verify_audit")
    assert "intègre" in capsys.readouterr().out
    target = events[2]
    _rewrite(target.seq, purpose="curiosity", strip_key_ids=strip_key_ids)
    # The forgery is consistent for the old algorithm: every unkeyed link holds.
    assert AuditEvent.objects.get(pk=target.pk).purpose == "curiosity"
    message = _verify_fails()
    assert f"ligne n° {target.seq} " in message
    assert f"{target.seq - 1} lignes valides" in message
    # The operator's command, as cron runs it: a non-zero exit status and the row on stderr.
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(command_argv(["parcours", "verify-audit"]))
    assert exit_status.value.code != 0
    assert f"ligne n° {target.seq} " in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_a_trail_rewritten_whole_as_unkeyed_rows_is_reported():
    events = _events()
    _rewrite(1, purpose="curiosity", strip_key_ids=True)
    # Every row now looks written before keyed seals: but after the upgrade the last row is keyed.
    message = _verify_fails()
    assert f"ligne n° {events[-1].seq} " in message and "no row sealed" in message


@pytest.mark.django_db(transaction=True)
def test_rows_cut_at_the_end_are_detected_by_the_anchors(_anchor_file):
    events = _events(4)
    call_command("audit_anchor")
    events += [audit.record_write(actor=None, action="test.write", obj=("x", i)) for i in range(3)]
    call_command("audit_anchor")
    call_command("verify_audit")
    kept = events[3]
    # The owner deletes the last three rows and moves the head back: the database alone is consistent.
    _as_owner(
        [
            ("DELETE FROM core_auditevent WHERE seq > %s", [kept.seq]),
            ("UPDATE core_auditchainhead SET seq = %s, hash = %s", [kept.seq, kept.hash]),
        ]
    )
    assert AuditEvent.objects.count() == kept.seq
    assert audit.verify_chain().ok
    message = _verify_fails()
    assert f"ligne n° {kept.seq + 1} " in message and "anchor" in message


@pytest.mark.django_db(transaction=True)
def test_an_anchor_forged_without_the_key_is_reported(_anchor_file):
    events = _events(4)
    call_command("audit_anchor")
    kept = events[1]
    _as_owner(
        [
            ("DELETE FROM core_auditevent WHERE seq > %s", [kept.seq]),
            ("UPDATE core_auditchainhead SET seq = %s, hash = %s", [kept.seq, kept.hash]),
        ]
    )
    # The attacker also rewrites the anchor to the truncated head, signing with a key of their own.
    line = json.loads(_anchor_file.read_text().splitlines()[-1])
    forged = {"seq": kept.seq, "hash": kept.hash, "at": line["at"]}
    forged |= {"key": line["key"], "sig": hashlib.sha256(json.dumps(forged).encode()).hexdigest()}
    _anchor_file.write_text(json.dumps(forged) + "\n")
    message = _verify_fails()
    assert "invalid signature" in message


@pytest.mark.django_db
def test_the_anchor_file_is_readable_by_its_owner_only(_anchor_file):
    _events(1)
    call_command("audit_anchor")
    assert _anchor_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_a_rotated_key_keeps_verifying_the_rows_it_sealed(settings, capsys):
    old_rows = _events(2)
    call_command("audit_anchor")
    settings.PARCOURS_AUDIT_KEYS = f"{KEY_2},{KEY_1}"
    new_row = audit.record_write(actor=None, action="test.write", obj=("x", 1))
    assert {e.key_id for e in old_rows} == {"k1"} and new_row.key_id == "k2"
    call_command("audit_anchor")
    call_command("verify_audit")
    assert "2 ancrages concordants" in capsys.readouterr().out
    # Dropping the old key from the keyring too early: its rows no longer verify, and it says so.
    settings.PARCOURS_AUDIT_KEYS = KEY_2
    report = audit.verify_chain()
    assert report.broken_at == 1 and "unknown audit key 'k1'" in report.reason


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_trail_verifies_and_its_unkeyed_rows_stay_protected():
    _events(4)
    # A database written before keyed seals: every row unkeyed.
    _rewrite(1, strip_key_ids=True)
    assert audit.verify_chain().reason == audit.UNSEALED
    seal = audit.seal_legacy()  # what `migrate` does (core/0003)
    assert seal.action == audit.SEAL_ACTION and seal.key_id == "k1"
    assert audit.verify_chain().ok and audit.seal_legacy() is None
    # Rewriting an unkeyed row and its unkeyed successors no longer holds: the seal signed them.
    _rewrite(2, purpose="curiosity")
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == seal.seq


@pytest.mark.django_db(transaction=True)
def test_unkeyed_rows_that_do_not_verify_are_not_sealed():
    events = _events(3)
    _rewrite(1, strip_key_ids=True)
    _as_owner([("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", [events[1].pk])])
    with pytest.raises(ValueError, match="row 2"):
        audit.seal_legacy()
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize(
    ("keys", "error"),
    [("", "parcours.E002"), ("k1:short", "parcours.E002"), ("nocolon", "parcours.E002")],
)
def test_the_application_refuses_to_start_without_a_sound_audit_key(settings, keys, error):
    settings.PARCOURS_AUDIT_KEYS = keys
    assert error in [e.id for e in run_checks()]


def test_the_audit_key_must_not_be_the_secret_key(settings):
    settings.PARCOURS_AUDIT_KEYS = f"k1:{settings.SECRET_KEY}"
    assert "parcours.E003" in [e.id for e in run_checks()]


@pytest.mark.django_db
def test_the_application_role_cannot_rewrite_the_trail_on_postgresql():
    """docs/exploitation.md: the application runs as a role that may INSERT and SELECT audit rows, and
    set the seal of a row waiting for it (ADR 0017), nothing else."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles and privileges are a PostgreSQL matter")
    _events(2)
    role = f"parcours_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test's transaction
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT INSERT, UPDATE (seq, prev_hash, hash) ON core_auditevent TO {role}")
        cursor.execute(f"GRANT INSERT, UPDATE ON core_auditchainhead TO {role}")
        cursor.execute(f"SET ROLE {role}")
    try:
        # It writes and seals the trail as the application does…
        event = audit.record_write(actor=None, action="test.write", obj=("x", 1))
        assert audit.seal_pending() == 1
        before = list(AuditEvent.objects.order_by("seq").values_list("seq", "purpose", "hash"))
        # …but cannot change, reseal, delete, empty the trail, nor switch its guards off.
        for sql, params in (
            ("UPDATE core_auditevent SET purpose = 'curiosity' WHERE id = %s", [event.pk]),
            ("UPDATE core_auditevent SET hash = 'f', seq = seq WHERE id = %s", [event.pk]),
            ("DELETE FROM core_auditevent WHERE id = %s", [event.pk]),
            ("TRUNCATE core_auditevent", []),
            ("ALTER TABLE core_auditevent DISABLE TRIGGER USER", []),
            ("DROP TRIGGER core_auditevent_append_only ON core_auditevent", []),
            ("DROP FUNCTION core_auditevent_append_only() CASCADE", []),
        ):
            with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
            message = str(refused.value)
            assert any(
                reason in message for reason in ("permission denied", "must be owner", "append-only")
            ), (sql, message)
        after = list(AuditEvent.objects.order_by("seq").values_list("seq", "purpose", "hash"))
        assert after == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert audit.verify_chain().ok
