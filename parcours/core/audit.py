"""Writing and verifying the audit trail: every audited write and every read of a named record.

Writers insert their row freely, in their own transaction, with an HMAC of the row alone (`mac`);
nothing is locked. The sealer (`seal_pending`: the task worker a few seconds later, `verify-audit`,
`audit-anchor`) then chains the committed rows, in one short locked batch: each gets its number and
its seal, HMAC-SHA256 under a key kept outside the database (`PARCOURS_AUDIT_KEYS` or
`PARCOURS_AUDIT_KEYS_FILE`), over the previous row's seal and the row itself. Rows store the id of
their key, so that a rotated key keeps verifying the rows it sealed. Rows written before keys
existed ("legacy", unkeyed SHA-256) are accepted only as a prefix closed by a keyed row. The head
of the chain is also anchored, signed, in a file outside the database (`parcours audit-anchor`), so
that rows removed at the end are detected too. See ADR 0003 and ADR 0017.
"""

import contextvars
import hashlib
import hmac
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from .audit_actions import AuditAction, CoreAction
from .models import AuditChainHead, AuditEvent, AuditKind

GENESIS_HASH = "0" * 64
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MIN_KEY_LENGTH = 32
SEAL_ACTION = CoreAction.AUDIT_SEAL
ROW_MAC_PREFIX = "parcours-audit-row:"

logger = logging.getLogger(__name__)


UNSEALED = "no row sealed with an audit key after the unsigned rows (`parcours migrate` seals them)"


class AuditKeyError(ImproperlyConfigured):
    """The audit keyring is missing or malformed: nothing can be sealed or verified without it."""


@dataclass(frozen=True)
class Keyring:
    """The audit keys by id; the first one configured seals new rows, the others only verify."""

    current_id: str
    keys: dict[str, bytes] = field(repr=False)

    @property
    def current_key(self) -> bytes:
        return self.keys[self.current_id]


def parse_keyring(text: str) -> Keyring:
    """`id:secret` entries separated by commas, spaces or new lines (`#` starts a comment line)."""
    keys: dict[str, bytes] = {}
    current = ""
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        for entry in re.split(r"[\s,]+", line.strip()):
            if not entry:
                continue
            key_id, sep, secret = entry.partition(":")
            if not sep or not KEY_ID_PATTERN.match(key_id):
                raise AuditKeyError(
                    "Audit key entries are written id:secret, the id made of 1 to 32 letters, digits, "
                    "'.', '_' or '-'."
                )
            if len(secret) < MIN_KEY_LENGTH:
                raise AuditKeyError(f"Audit key {key_id!r} is shorter than {MIN_KEY_LENGTH} characters.")
            if key_id in keys:
                raise AuditKeyError(f"Audit key id {key_id!r} is given twice.")
            keys[key_id] = secret.encode()
            current = current or key_id
    if not keys:
        raise AuditKeyError("No audit key: set PARCOURS_AUDIT_KEYS or PARCOURS_AUDIT_KEYS_FILE.")
    return Keyring(current, keys)


@lru_cache(maxsize=8)
def _keyring_from_text(text: str) -> Keyring:
    return parse_keyring(text)


@lru_cache(maxsize=8)
def _keyring_from_file(path: str, mtime_ns: int) -> Keyring:
    return parse_keyring(Path(path).read_text())


def keyring() -> Keyring:
    """The configured keyring: from the environment, or from a file (re-read when it changes)."""
    text = getattr(settings, "PARCOURS_AUDIT_KEYS", "")
    path = getattr(settings, "PARCOURS_AUDIT_KEYS_FILE", "")
    if text and path:
        raise AuditKeyError("Set PARCOURS_AUDIT_KEYS or PARCOURS_AUDIT_KEYS_FILE, not both.")
    if path:
        try:
            return _keyring_from_file(path, os.stat(path).st_mtime_ns)
        except OSError as exc:
            raise AuditKeyError(f"Cannot read the audit keyring {path}: {exc.strerror}.") from exc
    return _keyring_from_text(text)


# Where the current action comes from: "web", "api" or "command"; set by the entry points.
current_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="command")
# The rows of the user action under way, while `one_insert` collects them (None: each row at once).
_collected: contextvars.ContextVar[list | None] = contextvars.ContextVar("audit_collected", default=None)


@contextmanager
def one_insert():
    """The audit rows of one user action made of several services (a 115 call: the file, the call,
    the request) written together, in one INSERT when the block ends without error (issue 18: one
    audit statement per action). To be entered inside the action's transaction, so that the rows
    commit or roll back with its writes; a failing block writes none. Nested blocks leave the writing
    to the outermost one. The rows it returns meanwhile have no id yet."""
    if _collected.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _collected.set(events)
    try:
        yield
    finally:
        _collected.reset(token)
    if events:
        _insert_rows(events)
        _schedule_seal()


def object_label(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    object_type, object_id = obj
    return object_type, str(object_id)


def _canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def compute_hash(prev_hash: str, payload: dict) -> str:
    """The legacy, unkeyed link: verifies the rows written before audit keys existed, nothing else."""
    return hashlib.sha256((prev_hash + _canonical(payload)).encode()).hexdigest()


def compute_seal(key: bytes, prev_hash: str, payload: dict) -> str:
    """The keyed link: HMAC-SHA256 of the previous seal and the row (its key id included)."""
    return hmac.new(key, (prev_hash + _canonical(payload)).encode(), hashlib.sha256).hexdigest()


def _payload(event: AuditEvent) -> dict:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "membership": event.membership_id,
        "organization": event.organization_id,
        "role": event.role,
        "kind": event.kind,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": list(event.fields),
        "sections": list(event.sections),
        "purpose": event.purpose,
        "via": event.via,
    }
    if event.key_id:
        payload["key"] = event.key_id
    if event.mac:
        payload["mac"] = event.mac
    return payload


def _row_payload(event: AuditEvent) -> dict:
    """What the writer's MAC covers: the row without its place in the chain (not known yet)."""
    payload = _payload(event)
    del payload["seq"]
    payload.pop("mac", None)
    return payload


def compute_row_mac(key: bytes, event: AuditEvent) -> str:
    # A prefix of its own: a row's MAC can never be taken for a seal or an anchor's signature.
    return hmac.new(
        key, (ROW_MAC_PREFIX + _canonical(_row_payload(event))).encode(), hashlib.sha256
    ).hexdigest()


def _row_mac_ok(ring: "Keyring", event: AuditEvent) -> bool:
    key = ring.keys.get(event.key_id)
    return key is not None and bool(event.mac) and hmac.compare_digest(compute_row_mac(key, event), event.mac)


def _new_event(ring: Keyring, *, actor, membership, kind, action, obj, fields, sections, purpose, now):
    object_type, object_id = object_label(obj)
    event = AuditEvent(
        seq=None,  # given by the sealer
        occurred_at=now,
        actor=actor if actor is not None and actor.is_authenticated else None,
        membership_id=membership.pk if membership else None,
        organization_id=membership.organization_id if membership else None,
        role=membership.role if membership else "",
        kind=kind,
        action=str(action),  # the stored name, not the enum member
        object_type=object_type,
        object_id=object_id,
        fields=sorted(set(fields)),
        sections=sorted(set(sections)),
        purpose=purpose,
        via=current_channel.get(),
        key_id=ring.current_id,
    )
    event.mac = compute_row_mac(ring.current_key, event)
    return event


def _append(
    *,
    actor,
    kind: str,
    action: str,
    obj=None,
    fields: Iterable[str] = (),
    sections: Iterable[str] = (),
    purpose: str = "",
) -> AuditEvent:
    """One INSERT in the caller's transaction, nothing locked: a rolled-back change takes its audit
    row with it, a committed one is sealed into the chain by the sealer (ADR 0017)."""
    membership = getattr(actor, "active_membership", None) if actor is not None else None
    event = _new_event(
        keyring(),
        actor=actor,
        membership=membership,
        kind=kind,
        action=action,
        obj=obj,
        fields=fields,
        sections=sections,
        purpose=purpose,
        now=timezone.now(),
    )
    collected = _collected.get()
    if collected is not None:
        collected.append(event)
        return event
    # A list of one: the same prebuilt INSERT as a list read (Model.save compiled an INSERT and sent
    # its signals at every audited page, for the same row).
    _insert_reads([event])
    _schedule_seal()
    return event


def _row_signer(key: bytes, template: AuditEvent):
    """`sign(object_type, object_id)` = compute_row_mac(key, event) for the events that differ from
    `template` by their object only (the rows of one list read): the HMAC of what they share is
    computed once and copied, then fed the object's part. The same bytes are signed as
    compute_row_mac signs, so verification does not change (tests/core/test_audit.py checks it); None
    when the payload cannot be split so."""
    payload = _row_payload(template)
    payload["object_id"] = payload["object_type"] = _SLOT
    parts = (ROW_MAC_PREFIX + _canonical(payload)).split(_SLOT_JSON)
    # object_id comes before object_type in the canonical (sorted) form: head, id, middle, type, tail.
    if len(parts) != 3:
        return None
    head, middle, tail = parts
    shared = hmac.new(key, head.encode(), hashlib.sha256)
    # The object type's JSON and what follows it, once per type (a list names one or two types).
    after_id: dict[str, bytes] = {}

    def sign(object_type: str, object_id: str) -> str:
        rest = after_id.get(object_type)
        if rest is None:
            rest = after_id[object_type] = f"{middle}{json.dumps(object_type)}{tail}".encode()
        mac = shared.copy()
        # A number's JSON is itself in quotes (what json.dumps writes for ASCII digits).
        number = object_id.isdigit() and object_id.isascii()
        mac.update((f'"{object_id}"' if number else json.dumps(object_id)).encode())
        mac.update(rest)
        return mac.hexdigest()

    return sign


_SLOT = "\x00object\x00"  # stands for the object in the shared part of a list's rows (never a value)
_SLOT_JSON = json.dumps(_SLOT)

# PostgreSQL: a list's rows in one statement, the shared columns given once and the object's as
# arrays, in the list's order (bulk_create sent and converted every column of every row: about a
# millisecond for a page of 25 households, a tenth of the list page's own work).
_INSERT_READS_PG = """INSERT INTO "core_auditevent" (occurred_at, actor_id, membership_id, organization_id,
        role, kind, action, object_type, object_id, fields, sections, purpose, via, prev_hash, hash,
        key_id, mac)
    SELECT %s, %s, %s, %s, %s, %s, %s, v.object_type, v.object_id, %s::jsonb, %s::jsonb, %s, %s, '', '',
        %s, v.mac
    FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS v(object_type, object_id, mac, n)
    ORDER BY v.n
    RETURNING id, object_type, object_id"""


def _insert_reads(events: list[AuditEvent]) -> None:
    """Insert the rows of one list read (they differ by their object only), or a single row of any
    kind; ids set as bulk_create does."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        return
    e = events[0]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_READS_PG,
            [
                e.occurred_at,
                e.actor_id,
                e.membership_id,
                e.organization_id,
                # Plain strings: the driver would write an enum member (AuditKind.READ) by its name.
                str(e.role),
                str(e.kind),
                str(e.action),
                json.dumps(e.fields),
                json.dumps(e.sections),
                str(e.purpose),
                str(e.via),
                str(e.key_id),
                [x.object_type for x in events],
                [x.object_id for x in events],
                [x.mac for x in events],
            ],
        )
        _set_ids(events, cursor.fetchall())


def _set_ids(events: list[AuditEvent], returned: list[tuple]) -> None:
    """The ids the INSERT returned (id, object_type, object_id) set on `events` in their order, as
    bulk_create sets them: the rows were inserted in the list's order, so each object's ids too."""
    alias = connection.alias
    # Each object once (a list's rows): its one id, without sorting nor a list per object.
    single = {(object_type, object_id): pk for pk, object_type, object_id in returned}
    if len(single) == len(events) == len(returned) and not AuditEvent._meta.parents:
        # What `event.pk = ...` sets on a model without parents: its primary key's attribute.
        attname = AuditEvent._meta.pk.attname
        for event in events:
            setattr(event, attname, single[event.object_type, event.object_id])
            state = event._state
            state.adding = False
            state.db = alias
        return
    inserted: dict[tuple[str, str], list[int]] = {}
    for pk, object_type, object_id in sorted(returned):
        inserted.setdefault((object_type, object_id), []).append(pk)
    for event in events:
        event.pk = inserted[event.object_type, event.object_id].pop(0)
        event._state.adding = False
        event._state.db = connection.alias


# PostgreSQL: the rows of one user action (`one_insert`: writes and reads of several records, each
# its own kind, action, fields and time) in one statement, every column as an array, in the list's
# order: the same columns and values as _INSERT_READS_PG (bulk_create compiled and converted every
# field of every row, a tenth of a 115 call's save).
_INSERT_ROWS_PG = """INSERT INTO "core_auditevent" (occurred_at, actor_id, membership_id, organization_id,
        role, kind, action, object_type, object_id, fields, sections, purpose, via, prev_hash, hash,
        key_id, mac)
    SELECT v.occurred_at, v.actor_id, v.membership_id, v.organization_id, v.role, v.kind, v.action,
        v.object_type, v.object_id, v.fields::jsonb, v.sections::jsonb, v.purpose, v.via, '', '',
        v.key_id, v.mac
    FROM unnest(%s::timestamptz[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[],
        %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
        %s::text[])
        WITH ORDINALITY AS v(occurred_at, actor_id, membership_id, organization_id, role, kind, action,
        object_type, object_id, fields, sections, purpose, via, key_id, mac, n)
    ORDER BY v.n
    RETURNING id, object_type, object_id"""


def _insert_rows(events: list[AuditEvent]) -> None:
    """Insert rows of any kinds in one statement, in their order; ids set as bulk_create does. The
    rows of one list read go through _INSERT_READS_PG (their shared columns sent once)."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_ROWS_PG,
            [
                [e.occurred_at for e in events],
                [e.actor_id for e in events],
                [e.membership_id for e in events],
                [e.organization_id for e in events],
                # Plain strings: the driver would write an enum member (AuditKind.READ) by its name.
                [str(e.role) for e in events],
                [str(e.kind) for e in events],
                [str(e.action) for e in events],
                [e.object_type for e in events],
                [e.object_id for e in events],
                [json.dumps(e.fields) for e in events],
                [json.dumps(e.sections) for e in events],
                [str(e.purpose) for e in events],
                [str(e.via) for e in events],
                [str(e.key_id) for e in events],
                [e.mac for e in events],
            ],
        )
        _set_ids(events, cursor.fetchall())


def _copies(first: AuditEvent, objs: list, sign, key: bytes) -> list[AuditEvent]:
    """`first` for each of `objs`, its object and MAC its own: what `copy.copy(first)` gave (a Model
    is copied through its pickling: __reduce_ex__, __getstate__, model_unpickle, __setstate__; a
    fifth of a list read's work), built from first's attributes directly: the same field values, a
    state of its own with its own copy of the related objects' cache (the actor). Each model's label
    found once (Options.label_lower is a property)."""
    attributes = first.__dict__.copy()
    attributes.pop("_state")
    first_state = first._state
    state_attributes = first_state.__dict__.copy()
    fields_cache = first_state.fields_cache
    new, model_state = AuditEvent.__new__, ModelState
    labels: dict[type, str] = {}
    events = []
    for obj in objs:
        if isinstance(obj, models.Model):
            cls = type(obj)
            object_type = labels.get(cls)
            if object_type is None:
                object_type = labels[cls] = obj._meta.label_lower
            object_id = str(obj.pk)
        else:
            object_type, object_id = object_label(obj)
        event = new(AuditEvent)
        state = model_state()
        state.__dict__.update(state_attributes)
        state.fields_cache = fields_cache.copy()
        event.__dict__.update(attributes)
        event._state = state
        event.object_type, event.object_id = object_type, object_id
        event.mac = sign(object_type, object_id) if sign else compute_row_mac(key, event)
        events.append(event)
    return events


def record_reads(*, actor, objs, sections: Iterable[str], purpose: str) -> list[AuditEvent]:
    """Trace the reads of several named records shown together (a list, search results): one insert
    for all of them. Each row is whole and signed as a single read's (its own MAC); what the rows
    share is built and hashed once."""
    objs = list(objs)
    if not objs:
        return []
    membership = getattr(actor, "active_membership", None) if actor is not None else None
    ring, now = keyring(), timezone.now()
    first = _new_event(
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
    if len(objs) > 1:
        sign = _row_signer(ring.current_key, first)
        events.extend(_copies(first, objs[1:], sign, ring.current_key))
    collected = _collected.get()
    if collected is not None:
        collected.extend(events)
        return events
    _insert_reads(events)
    _schedule_seal()
    return events


def record_write(*, actor, action: AuditAction | str, obj=None, fields: Iterable[str] = ()) -> AuditEvent:
    """Trace a write made through a service: the names of the changed fields, never their values.
    `action` is a member of the app's AuditAction subclass (a plain string only in the apps not yet
    moved to it; tests/core/test_audit_actions.py lists them)."""
    return _append(actor=actor, kind=AuditKind.WRITE, action=action, obj=obj, fields=fields)


def record_read(*, actor, obj, sections: Iterable[str], purpose: str) -> AuditEvent:
    """Trace a read of a named record: which sections were shown, and for which purpose."""
    return _append(
        actor=actor, kind=AuditKind.READ, action="read", obj=obj, sections=sections, purpose=purpose
    )


def record_auth(*, actor, action: AuditAction | str) -> AuditEvent:
    """Trace a login, a logout, a second-factor step or a token change."""
    return _append(actor=actor, kind=AuditKind.AUTH, action=action, obj=actor)


# -- Sealing (ADR 0017) ----------------------------------------------------------------------------

SEAL_BATCH = 5000
_COLUMNS = [f.attname for f in AuditEvent._meta.concrete_fields]
_UPDATE_SEAL = "UPDATE core_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL"
# PostgreSQL: the whole batch in one statement (a round trip per row made the sealer slower than 32
# writers); `seq IS NULL` again, in case the lock were ever bypassed.
_UPDATE_SEALS_PG = """UPDATE core_auditevent AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[]) AS v(seq, prev_hash, hash, id)
    WHERE e.id = v.id AND e.seq IS NULL"""
_schedule_lock = threading.Lock()
_next_schedule = 0.0


def _schedule_seal() -> None:
    """Ask the task worker to seal, at most once per PARCOURS_AUDIT_SEAL_SECONDS from this process:
    the task runs after that delay and seals every row committed meanwhile, from every process."""
    global _next_schedule
    delay = getattr(settings, "PARCOURS_AUDIT_SEAL_SECONDS", 0)
    if delay <= 0:
        return
    now = time.monotonic()
    with _schedule_lock:
        if now < _next_schedule:
            return
        _next_schedule = now + delay
    transaction.on_commit(lambda: _enqueue_seal(delay))


def _enqueue_seal(delay: float) -> None:
    from datetime import timedelta

    from .tasks import seal_audit_trail

    try:
        if seal_audit_trail.get_backend().supports_defer:
            seal_audit_trail.using(run_after=timezone.now() + timedelta(seconds=delay + 1)).enqueue()
        else:
            seal_audit_trail.enqueue()
    except Exception:  # the write is committed; the next one, verify-audit or audit-anchor seal it
        logger.exception("audit: could not queue the sealing task")


def _seal_batch(ring: Keyring, after_id: int, batch_size: int) -> tuple[int, int, int]:
    """Seal up to `batch_size` committed unsealed rows after `after_id`, in id order, in one
    transaction holding the chain head: (rows read, rows sealed, last id read)."""
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
    with transaction.atomic():
        # The head row is the sealers' lock (writers never take it): two sealers never fork the chain.
        # On SQLite the transaction already holds the write lock (IMMEDIATE).
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        # Read after the lock: on PostgreSQL this statement sees what a previous sealer committed.
        # Plain rows, not model instances: the sealer must outrun 32 writers (ADR 0017).
        pending = AuditEvent.objects.filter(seq__isnull=True, id__gt=after_id).order_by("id")
        rows = [SimpleNamespace(**row) for row in pending.values(*_COLUMNS)[:batch_size]]
        if not rows:
            return 0, 0, after_id
        last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").only("seq", "hash").first()
        seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        updates = []
        for event in rows:
            if not _row_mac_ok(ring, event):
                # Not written with the key: left out of the chain, and verify-audit reports it.
                logger.error("audit: row id %s does not carry a valid MAC; it is not sealed", event.id)
                continue
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = compute_seal(ring.keys[event.key_id], prev_hash, _payload(event))
            prev_hash = event.hash
            updates.append((event.seq, event.prev_hash, event.hash, event.id))
        if updates:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(_UPDATE_SEALS_PG, [list(column) for column in zip(*updates, strict=True)])
                    if cursor.rowcount != len(updates):
                        raise RuntimeError("audit: rows sealed behind the sealer's lock")
                else:
                    cursor.executemany(_UPDATE_SEAL, updates)
            head.seq, head.hash = seq, prev_hash
            head.save(update_fields=["seq", "hash"])
        return len(rows), len(updates), rows[-1].id


def seal_pending(batch_size: int = SEAL_BATCH) -> int:
    """Chain every committed row still waiting for its seal; returns how many were sealed.

    Rows are sealed in the order of their ids among those committed when the batch reads them; a row
    committed later with a smaller id is simply sealed by a later batch: its number in the chain is
    the order of sealing, not of writing. Idempotent, safe to run from several processes at once."""
    ring = keyring()
    sealed, after_id = 0, 0
    while True:
        read, done, after_id = _seal_batch(ring, after_id, batch_size)
        sealed += done
        if read < batch_size:
            return sealed


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchors: int = 0
    unsealed: int = 0  # rows waiting for their seal, each with a valid MAC
    oldest_unsealed: datetime | None = None  # when the oldest of them was written

    @property
    def ok(self) -> bool:
        return self.broken_at is None


@dataclass(frozen=True)
class Anchor:
    """The head of the chain (last row number and seal) at a moment, signed with an audit key."""

    line: int
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str

    def signed_payload(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": self.at}


class AnchorError(Exception):
    """An anchor file that cannot be read; the message says which line."""


def _sign_anchor(key: bytes, payload: dict) -> str:
    # A prefix of its own: an anchor's signature can never be taken for a row's seal.
    return hmac.new(
        key, ("parcours-audit-anchor:" + _canonical(payload)).encode(), hashlib.sha256
    ).hexdigest()


def anchor_head(path: Path | str) -> dict:
    """Append the current head of the chain, signed, to `path` (outside the database).

    Seals the waiting rows first, then reads the last sealed row: the writers never wait for it."""
    ring = keyring()
    seal_pending()
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").only("seq", "hash").first()
    payload = {
        "seq": last.seq if last else 0,
        "hash": last.hash if last else GENESIS_HASH,
        "at": timezone.now().astimezone(UTC).isoformat(),
    }
    record = payload | {"key": ring.current_id, "sig": _sign_anchor(ring.current_key, payload)}
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (_canonical(record) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return record


def read_anchors(path: Path | str) -> list[Anchor]:
    anchors = []
    for number, text in enumerate(Path(path).read_text().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            anchors.append(
                Anchor(
                    number,
                    int(data["seq"]),
                    str(data["hash"]),
                    str(data["at"]),
                    str(data["key"]),
                    str(data["sig"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"line {number} of {path} is not an anchor") from exc
    return anchors


def _check_anchor_signatures(anchors: list[Anchor], ring: Keyring) -> ChainReport | None:
    previous = 0
    for anchor in anchors:
        key = ring.keys.get(anchor.key_id)
        if key is None or not hmac.compare_digest(
            _sign_anchor(key, anchor.signed_payload()), anchor.signature
        ):
            return ChainReport(0, anchor.seq, f"anchor on line {anchor.line} has an invalid signature")
        if anchor.seq < previous:
            return ChainReport(0, anchor.seq, f"anchor on line {anchor.line} goes back in the chain")
        previous = anchor.seq
    return None


def verify_chain(batch_size: int = 5000, anchors: list[Anchor] | None = None) -> ChainReport:
    """Recompute every link; report the first row whose content, order, seal or link does not hold,
    or the first row that an anchor (kept outside the database) records and the trail lost."""
    ring = keyring()
    anchors = anchors or []
    bad_anchor = _check_anchor_signatures(anchors, ring)
    if bad_anchor is not None:
        return bad_anchor
    anchored: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        anchored.setdefault(anchor.seq, []).append(anchor)
    # The head first: rows sealed while we read are extra, never a false alarm.
    head = AuditChainHead.objects.filter(pk=1).first()
    head_hash = None
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    keyed = False
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing row")
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.seq, "link to the previous row broken")
        if not event.key_id:
            if keyed:
                return ChainReport(checked, event.seq, "unsigned row after the keyed rows")
            expected = compute_hash(prev_hash, _payload(event))
        else:
            key = ring.keys.get(event.key_id)
            if key is None:
                return ChainReport(checked, event.seq, f"sealed with unknown audit key {event.key_id!r}")
            expected = compute_seal(key, prev_hash, _payload(event))
            keyed = True
        if not hmac.compare_digest(expected, event.hash):
            return ChainReport(checked, event.seq, "content altered")
        for anchor in anchored.get(event.seq, ()):
            if anchor.hash != event.hash:
                return ChainReport(checked, event.seq, f"row differs from the anchor of {anchor.at}")
        if head is not None and event.seq == head.seq:
            head_hash = event.hash
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    lost = [a for a in anchors if a.seq > checked]
    if lost:
        return ChainReport(
            checked,
            checked + 1,
            f"rows removed at the end of the trail: the anchor of {lost[0].at} records row {lost[0].seq}",
        )
    if head is not None and head.seq and (head.seq > checked or head_hash != head.hash):
        return ChainReport(checked, checked + 1, "rows removed at the end of the trail")
    if checked and not keyed:
        # Someone may have rewritten every row as unkeyed: after the upgrade the last row is keyed.
        return ChainReport(checked, checked, UNSEALED)
    # The rows waiting for their seal: each must carry its writer's MAC (ADR 0017).
    unsealed, oldest = 0, None
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=batch_size):
        if not _row_mac_ok(ring, event):
            return ChainReport(
                checked,
                checked + 1,
                f"row id {event.pk}, waiting for its seal, was written or altered without the audit key",
            )
        unsealed += 1
        oldest = min(oldest or event.occurred_at, event.occurred_at)
    return ChainReport(checked, anchors=len(anchors), unsealed=unsealed, oldest_unsealed=oldest)


def seal_legacy() -> AuditEvent | None:
    """After the upgrade to keyed seals: close the unkeyed rows with one keyed row, which signs the
    last unkeyed seal and so the whole unkeyed prefix. Does nothing if the trail is empty or already
    keyed, and refuses to vouch for an unkeyed prefix that does not verify."""
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    if last is None or last.key_id:
        return None
    report = verify_chain()
    if not report.ok and report.reason != UNSEALED:
        raise ValueError(f"unkeyed audit rows do not verify: row {report.broken_at} ({report.reason})")
    event = record_write(actor=None, action=SEAL_ACTION, obj=("core.auditevent", last.seq))
    seal_pending()
    event.refresh_from_db()
    return event
