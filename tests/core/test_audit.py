"""The audit trail: chained, append-only, and any tampering is reported."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from parcours.core import audit, db_guards
from parcours.core.models import AuditChainHead, AuditEvent
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _three_events():
    user = MembershipFactory().user
    org = OrganizationFactory()
    audit.record_write(actor=user, action="test.write", obj=org, fields=["name", "siret"])
    audit.record_read(actor=user, obj=org, sections=["identity"], purpose="orientation")
    audit.record_auth(actor=user, action="accounts.login")
    audit.seal_pending()  # as the task worker does a few seconds later (ADR 0017)
    return user, org


def _raw_tamper(sql, params):
    """Simulate someone with direct database access: the guards are dropped, the row is changed."""
    db_guards.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        db_guards.install(connection)


def test_events_are_chained_and_verified():
    user, org = _three_events()
    events = list(AuditEvent.objects.filter(actor=user).order_by("seq"))
    assert [e.kind for e in events[-3:]] == ["write", "read", "auth"]
    write = events[-3]
    assert write.fields == ["name", "siret"]
    assert write.object_type == "accounts.organization" and write.object_id == str(org.pk)
    assert events[-2].sections == ["identity"] and events[-2].purpose == "orientation"
    for previous, current in zip(events, events[1:], strict=False):
        assert current.prev_hash == previous.hash
    report = audit.verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    assert AuditChainHead.objects.get().seq == report.checked


def test_the_active_membership_is_recorded_with_the_actor():
    membership = MembershipFactory()
    user = membership.user
    user.active_membership = membership
    event = audit.record_write(actor=user, action="test.write", obj=membership.organization)
    assert (event.membership_id, event.organization_id, event.role) == (
        membership.pk,
        membership.organization_id,
        membership.role,
    )


def test_orm_cannot_change_or_delete_a_row():
    _three_events()
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update_and_delete():
    _three_events()
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["forged", event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


@pytest.mark.django_db(transaction=True)
def test_verify_audit_reports_a_row_changed_in_the_database(capsys):
    _three_events()
    call_command("verify_audit")
    assert "intègre" in capsys.readouterr().out
    target = AuditEvent.objects.order_by("seq")[1]
    _raw_tamper("UPDATE core_auditevent SET purpose = %s WHERE id = %s", ["curiosity", target.pk])
    with pytest.raises(CommandError, match=f"ligne n° {target.seq} \\(content altered\\)"):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_verify_audit_reports_a_deleted_row():
    _three_events()
    target = AuditEvent.objects.order_by("seq")[1]
    _raw_tamper("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == target.seq and report.reason == "missing row"


@pytest.mark.django_db(transaction=True)
def test_verify_audit_reports_rows_removed_at_the_end():
    _three_events()
    last = AuditEvent.objects.order_by("-seq").first()
    _raw_tamper("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == last.seq


def test_reads_of_a_list_are_chained_in_one_go():
    user, org = _three_events()
    others = [OrganizationFactory() for _ in range(5)]
    events = audit.record_reads(actor=user, objs=others, sections=["list"], purpose="list")
    assert [e.object_id for e in events] == [str(o.pk) for o in others]
    assert audit.seal_pending() == 5
    stored = list(AuditEvent.objects.order_by("seq"))[-5:]
    assert [e.seq for e in stored] == list(range(stored[0].seq, stored[0].seq + 5))
    assert audit.verify_chain().ok


def test_a_list_read_writes_each_row_whole_and_signed_as_a_single_read(django_assert_num_queries):
    """record_reads hashes what a list's rows share once and inserts them in one statement: each row
    still holds everything a single read holds and its own MAC, the same as compute_row_mac's."""
    membership = MembershipFactory()
    user = membership.user
    user.active_membership = membership
    others = [OrganizationFactory() for _ in range(4)]
    objs = [*others, others[1], ("households.household", 7)]  # a record listed twice, a (type, id) pair
    with django_assert_num_queries(1):
        events = audit.record_reads(actor=user, objs=objs, sections=["list", "identity"], purpose="list")
    key = audit.keyring().current_key
    assert all(e.mac == audit.compute_row_mac(key, e) for e in events)
    stored = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert len(stored) == len(objs)
    for event in events:
        row = stored[event.pk]
        assert (row.object_type, row.object_id) == (event.object_type, event.object_id)
        assert audit._payload(row) == audit._payload(event)
        assert row.mac == audit.compute_row_mac(key, row)
        assert (row.role, row.organization_id, row.membership_id) == (
            membership.role,
            membership.organization_id,
            membership.pk,
        )
        assert (row.kind, row.action, row.sections, row.fields) == ("read", "read", ["identity", "list"], [])
    assert [e.object_id for e in events] == [*(str(o.pk) for o in others), str(others[1].pk), "7"]
    assert [e.pk for e in events] == sorted(e.pk for e in events)  # written in the list's order
    assert audit.seal_pending() == len(objs)


def test_a_single_row_is_written_whole_by_the_list_reads_insert(django_assert_num_queries):
    """record_read, record_write and record_auth write their row through the list reads' prebuilt
    INSERT (a list of one): one statement, every column as Model.save wrote it, the id set."""
    membership = MembershipFactory()
    user = membership.user
    user.active_membership = membership
    org = OrganizationFactory()
    key = audit.keyring().current_key
    with django_assert_num_queries(4):
        events = [
            audit.record_write(actor=user, action="test.write", obj=org, fields=["siret", "name", "name"]),
            audit.record_read(actor=user, obj=("households.household", 7), sections=["b", "a"], purpose="p"),
            audit.record_auth(actor=user, action="accounts.login"),
            audit.record_write(actor=None, action="test.command"),
        ]
    stored = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert len(stored) == 4 and all(not e._state.adding for e in events)
    for event in events:
        row = stored[event.pk]
        assert audit._payload(row) == audit._payload(event)
        assert row.mac == event.mac == audit.compute_row_mac(key, row)
        assert (row.prev_hash, row.hash, row.seq, row.key_id) == ("", "", None, audit.keyring().current_id)
    write, read, auth, command = (stored[e.pk] for e in events)
    assert (write.kind, write.action, write.fields, write.sections) == (
        "write",
        "test.write",
        ["name", "siret"],
        [],
    )
    assert (write.membership_id, write.organization_id, write.role) == (
        membership.pk,
        membership.organization_id,
        membership.role,
    )
    assert (read.object_type, read.object_id, read.sections, read.purpose) == (
        "households.household",
        "7",
        ["a", "b"],
        "p",
    )
    assert (auth.kind, auth.object_type, auth.object_id) == ("auth", "accounts.user", str(user.pk))
    assert (command.actor_id, command.membership_id, command.object_type, command.role) == (
        None,
        None,
        "",
        "",
    )
    assert audit.seal_pending() == 4
    assert audit.verify_chain().ok


def test_one_insert_writes_the_rows_of_an_action_together_or_none():
    from django.test.utils import CaptureQueriesContext

    user = MembershipFactory().user
    org = OrganizationFactory()
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit.one_insert():
        audit.record_write(actor=user, action="test.write", obj=org, fields=["name"])
        with audit.one_insert():  # a nested block leaves the writing to the outer one
            audit.record_read(actor=user, obj=org, sections=["identity"], purpose="orientation")
        audit.record_reads(actor=user, objs=[org, user], sections=["list"], purpose="orientation")
        assert AuditEvent.objects.count() == before  # nothing written yet
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "core_auditevent"')]
    assert len(inserts) == 1
    assert AuditEvent.objects.count() == before + 4
    with pytest.raises(ValueError), transaction.atomic(), audit.one_insert():
        audit.record_write(actor=user, action="test.write", obj=org, fields=["name"])
        raise ValueError
    assert AuditEvent.objects.count() == before + 4  # a failed action writes no row
    audit.record_write(actor=user, action="test.write", obj=org, fields=["siret"])
    assert AuditEvent.objects.count() == before + 5  # outside a block, each row at once
    audit.seal_pending()
    assert audit.verify_chain().ok


def test_one_insert_rows_keep_their_own_columns_order_and_ids():
    """One statement for rows of different kinds, actors (none for a command) and times: each row
    stored as it was built, in the list's order, the ids set on the returned events."""
    user = MembershipFactory().user
    org = OrganizationFactory()
    with transaction.atomic(), audit.one_insert():
        events = [
            audit.record_write(actor=user, action="test.write", obj=org, fields=["siret", "name"]),
            audit.record_read(actor=user, obj=org, sections=["identity"], purpose="orientation"),
            audit.record_write(actor=None, action="test.command", obj=org, fields=["name"]),
            *audit.record_reads(actor=user, objs=[org, user], sections=["list"], purpose="orientation"),
        ]
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    stored = {row.pk: row for row in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    columns = ["occurred_at", "actor_id", "membership_id", "organization_id", "role", "kind", "action"]
    columns += ["object_type", "object_id", "fields", "sections", "purpose", "via", "key_id", "mac"]
    for event in events:
        row = stored[event.pk]
        assert [getattr(row, c) for c in columns] == [getattr(event, c) for c in columns]
    assert (stored[events[2].pk].actor_id, stored[events[2].pk].role) == (None, "")
    audit.seal_pending()
    assert audit.verify_chain().ok
