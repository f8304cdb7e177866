"""`parcours backup` and `parcours restore`: a restore gives back exactly the data and a valid audit chain."""

import hashlib
import os
import shutil
import stat
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from parcours.accounts.models import User
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.core.models import AuditEvent
from parcours.households.models import Household, Person
from tests.factories import MembershipFactory, make_household

# pg_dump runs in its own process: it only sees committed data, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _pg_tools():
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are required in CI (apt-get install postgresql-client)")
        pytest.skip("pg_dump/pg_restore not on PATH: PostgreSQL backup tests skipped (postgresql-client)")


def _plain(value):
    """One stable text per value, whatever the driver returns."""
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, datetime | date | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return repr(value)


def fingerprints(audit_up_to: int) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a checksum of its rows (order-independent); the audit trail up
    to row `audit_up_to`."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            # The chain head moves with each new audit row: verify_chain() checks it instead.
            if table in ("sqlite_sequence", "core_auditchainhead"):
                continue
            query = f"SELECT * FROM {connection.ops.quote_name(table)}"  # noqa: S608
            if table == "core_auditevent":
                query += f" WHERE seq <= {int(audit_up_to)}"
            cursor.execute(query)
            rows = sorted("|".join(_plain(v) for v in row) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def _some_work():
    """People, files, accounts and an audit trail made by the services' own audit calls."""
    social_worker = MembershipFactory(role=Role.SOCIAL_WORKER)
    MembershipFactory(role=Role.SIAO_COORDINATOR, organization=social_worker.organization)
    user = social_worker.user
    user.active_membership = social_worker
    for n in range(3):
        household = make_household(
            organization=social_worker.organization,
            referent=user,
            people=[("Aïssata", f"Koné-{n}", date(1990, 1, n + 1)), ("Élise", f"Koné-{n}", date(2015, 3, 9))],
        )
        audit.record_read(actor=user, obj=household, sections=["identity"], purpose="follow-up")
    audit.record_write(actor=user, action="households.household.update", obj=household, fields=["phone"])
    audit.seal_pending()


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_backup_wipe_restore_gives_back_exactly_the_same_data(tmp_path):
    _some_work()
    events = AuditEvent.objects.count()
    before = fingerprints(audit_up_to=events)
    assert before["households_person"][0] == 6 and before["core_auditevent"][0] == events >= 4

    path = tmp_path / "parcours.dump"
    printed = _run("backup", str(path))
    assert "Sauvegarde écrite" in printed and "SHA-256" in printed
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.partiel"))

    # A database in use is never overwritten by mistake.
    with pytest.raises(CommandError, match="n'est pas vide"):
        _run("restore", str(path))

    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists() and not AuditEvent.objects.exists()

    printed = _run("restore", str(path))
    assert f"Journal d'audit intègre : {events} lignes vérifiées" in printed
    assert fingerprints(audit_up_to=events) == before
    # The restore itself is the next link of the restored chain, and the chain holds.
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-id").first().action == "core.database.restore"
    assert audit.verify_chain().ok
    assert "intègre" in _run("verify_audit")
    # Sequences came back too: new records get fresh identifiers.
    household = make_household(organization=Household.objects.first().referent_organization)
    assert Person.objects.filter(household=household).count() == 1

    # --force replaces a database in use, and the data are those of the backup again.
    _run("restore", "--force", str(path))
    assert fingerprints(audit_up_to=events) == before
    assert not Household.objects.filter(pk=household.pk).exists()
    assert audit.verify_chain().ok


def test_backup_refuses_to_overwrite_a_file_and_restore_refuses_a_foreign_file(tmp_path):
    MembershipFactory()
    existing = tmp_path / "existing.dump"
    existing.write_text("précieux")
    with pytest.raises(CommandError, match="existe déjà"):
        _run("backup", str(existing))
    assert existing.read_text() == "précieux"
    with pytest.raises(CommandError, match="n'existe pas"):
        _run("backup", str(tmp_path / "nowhere" / "x.dump"))
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        _run("restore", "--force", str(existing))
    with pytest.raises(CommandError, match="n'existe pas"):
        _run("restore", str(tmp_path / "missing.dump"))
    # Nothing was lost on the way.
    assert User.objects.count() == 1 and audit.verify_chain().ok


def test_restore_refuses_a_backup_whose_audit_chain_was_tampered_with(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the tampered copy is made with sqlite3 itself")
    import sqlite3

    _some_work()
    path = tmp_path / "parcours.sqlite3"
    _run("backup", str(path))
    tampered = sqlite3.connect(path)
    tampered.execute("DROP TRIGGER core_auditevent_no_update")
    tampered.execute("UPDATE core_auditevent SET purpose = 'autre' WHERE seq = 2")
    tampered.commit()
    tampered.close()
    with pytest.raises(CommandError, match="journal d'audit est altéré"):
        _run("restore", "--force", str(path))
