"""record_reads builds a list's rows without copy.copy (issue 18): the same rows as before, column by
column, for several households, a record listed twice, (type, id) pairs, ids that are not numbers,
and the chain sealed and verified over them."""

import copy

import pytest

from parcours.core import audit
from parcours.core.models import AuditEvent, AuditKind
from tests.factories import MembershipFactory, OrganizationFactory, make_household

pytestmark = pytest.mark.django_db

_COLUMNS = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname != "id"]


def _as_before(actor, objs, sections, purpose, now):
    """The events record_reads built before issue 18's change: copy.copy of the first, each object's
    label and a MAC computed whole (compute_row_mac, which the shared-prefix signer equals)."""
    membership = getattr(actor, "active_membership", None)
    ring = audit.keyring()
    first = audit._new_event(
        ring,
        actor=actor,
        membership=membership,
        kind=AuditKind.READ,
        action="read",
        obj=objs[0],
        fields=(),
        sections=sections,
        purpose=purpose,
        now=now,
    )
    events = [first]
    for obj in objs[1:]:
        event = copy.copy(first)
        event.object_type, event.object_id = audit.object_label(obj)
        event.mac = audit.compute_row_mac(ring.current_key, event)
        events.append(event)
    return events


def _columns(event):
    return {name: getattr(event, name) for name in _COLUMNS}


@pytest.mark.parametrize("collected", [False, True])
def test_a_list_read_writes_the_rows_it_wrote_before(collected):
    membership = MembershipFactory()
    user = membership.user
    user.active_membership = membership
    households = [make_household(organization=membership.organization) for _ in range(4)]
    person = households[0].people.first()
    objs = [
        *households,
        households[2],  # listed twice
        ("households.household", 7),
        ("households.household", 'é<"x'),  # an id that is not a number: json.dumps's escapes
        ("households.person", "١٢"),  # digits that are not ASCII: escaped as \\u
        *([person] if person is not None else []),
        OrganizationFactory(),
    ]
    before = AuditEvent.objects.count()
    if collected:
        with audit.one_insert():
            events = audit.record_reads(actor=user, objs=objs, sections=["list", "identity"], purpose="call")
    else:
        events = audit.record_reads(actor=user, objs=objs, sections=["list", "identity"], purpose="call")
    assert AuditEvent.objects.count() == before + len(objs)
    old = _as_before(user, objs, ["list", "identity"], "call", events[0].occurred_at)
    stored = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert len(stored) == len(objs)
    assert [e.pk for e in events] == sorted(stored)  # ids in the list's order, each its own row
    key = audit.keyring().current_key
    for event, was in zip(events, old, strict=True):
        row = stored[event.pk]
        assert _columns(event) == _columns(was)
        assert _columns(row) == _columns(was)
        assert row.mac == audit.compute_row_mac(key, row)
        # The objects returned are what copy.copy gave: their own state, saved in this database.
        assert event._state is not old[0]._state and not event._state.adding
        assert event._state.db == row._state.db
        assert event.actor == user
    assert len({id(e._state.fields_cache) for e in events}) == len(events)
    assert audit.seal_pending() == len(objs)
    assert audit.verify_chain().ok


def test_a_list_of_one_and_an_anonymous_reader():
    household = make_household(organization=OrganizationFactory())
    events = audit.record_reads(actor=None, objs=[household, household], sections=["list"], purpose="x")
    old = _as_before(None, [household, household], ["list"], "x", events[0].occurred_at)
    assert [_columns(e) for e in events] == [_columns(e) for e in old]
    assert audit.seal_pending() == 2
    assert audit.verify_chain().ok
