"""Writing and verifying the audit trail: every audited write and every read of a named record.

Each row is sealed with HMAC-SHA256 under a key kept outside the database (`PARCOURS_AUDIT_KEYS`
or `PARCOURS_AUDIT_KEYS_FILE`), over the previous row's seal and the row itself; the row stores the
id of its key, so that a rotated key keeps verifying the rows it sealed. Rows written before keys
existed ("legacy", unkeyed SHA-256) are accepted only as a prefix closed by a keyed row. The head
of the chain is also anchored, signed, in a file outside the database (`parcours audit-anchor`), so
that rows removed at the end are detected too. See ADR 0003.
"""

import contextvars
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from .audit_actions import AuditAction, CoreAction
from .models import AuditChainHead, AuditEvent, AuditKind

GENESIS_HASH = "0" * 64
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MIN_KEY_LENGTH = 32
SEAL_ACTION = CoreAction.AUDIT_SEAL


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
    return payload


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
    membership = getattr(actor, "active_membership", None) if actor is not None else None
    object_type, object_id = object_label(obj)
    ring = keyring()  # read before taking the lock
    # No savepoint: inside a service's transaction the audit row succeeds or fails with the write it
    # records, and each saved round trip shortens the time the chain head stays locked.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
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
            prev_hash=head.hash,
            key_id=ring.current_id,
        )
        event.hash = compute_seal(ring.current_key, head.hash, _payload(event))
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def record_reads(*, actor, objs, sections: Iterable[str], purpose: str) -> list[AuditEvent]:
    """Trace the reads of several named records shown together (a list, search results): one lock on
    the chain head and one insert for all of them."""
    objs = list(objs)
    if not objs:
        return []
    membership = getattr(actor, "active_membership", None) if actor is not None else None
    sections = sorted(set(sections))
    ring = keyring()  # read before taking the lock
    # No savepoint: inside a service's transaction the audit row succeeds or fails with the write it
    # records, and each saved round trip shortens the time the chain head stays locked.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        now = timezone.now()
        events = []
        for obj in objs:
            object_type, object_id = object_label(obj)
            event = AuditEvent(
                seq=head.seq + 1,
                occurred_at=now,
                actor=actor if actor is not None and actor.is_authenticated else None,
                membership_id=membership.pk if membership else None,
                organization_id=membership.organization_id if membership else None,
                role=membership.role if membership else "",
                kind=AuditKind.READ,
                action="read",
                object_type=object_type,
                object_id=object_id,
                fields=[],
                sections=sections,
                purpose=purpose,
                via=current_channel.get(),
                prev_hash=head.hash,
                key_id=ring.current_id,
            )
            event.hash = compute_seal(ring.current_key, head.hash, _payload(event))
            head.seq, head.hash = event.seq, event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
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


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchors: int = 0

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

    Reads the last row without locking anything: the writers of the trail never wait for it."""
    ring = keyring()
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
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
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    keyed = False
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
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
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainReport(checked, checked + 1, "rows removed at the end of the trail")
    if checked and not keyed:
        # Someone may have rewritten every row as unkeyed: after the upgrade the last row is keyed.
        return ChainReport(checked, checked, UNSEALED)
    return ChainReport(checked, anchors=len(anchors))


def seal_legacy() -> AuditEvent | None:
    """After the upgrade to keyed seals: close the unkeyed rows with one keyed row, which signs the
    last unkeyed seal and so the whole unkeyed prefix. Does nothing if the trail is empty or already
    keyed, and refuses to vouch for an unkeyed prefix that does not verify."""
    last = AuditEvent.objects.order_by("-seq").first()
    if last is None or last.key_id:
        return None
    report = verify_chain()
    if not report.ok and report.reason != UNSEALED:
        raise ValueError(f"unkeyed audit rows do not verify: row {report.broken_at} ({report.reason})")
    return record_write(actor=None, action=SEAL_ACTION, obj=("core.auditevent", last.seq))
