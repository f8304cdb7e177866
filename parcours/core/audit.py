"""Writing and verifying the audit trail: every audited write and every read of a named record."""

import contextvars
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, AuditKind

GENESIS_HASH = "0" * 64

# Where the current action comes from: "web", "api" or "command"; set by the entry points.
current_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="command")


def object_label(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    object_type, object_id = obj
    return object_type, str(object_id)


def compute_hash(prev_hash: str, payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict:
    return {
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
            action=action,
            object_type=object_type,
            object_id=object_id,
            fields=sorted(set(fields)),
            sections=sorted(set(sections)),
            purpose=purpose,
            via=current_channel.get(),
            prev_hash=head.hash,
        )
        event.hash = compute_hash(head.hash, _payload(event))
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
            )
            event.hash = compute_hash(head.hash, _payload(event))
            head.seq, head.hash = event.seq, event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
    return events


def record_write(*, actor, action: str, obj=None, fields: Iterable[str] = ()) -> AuditEvent:
    """Trace a write made through a service: the names of the changed fields, never their values."""
    return _append(actor=actor, kind=AuditKind.WRITE, action=action, obj=obj, fields=fields)


def record_read(*, actor, obj, sections: Iterable[str], purpose: str) -> AuditEvent:
    """Trace a read of a named record: which sections were shown, and for which purpose."""
    return _append(
        actor=actor, kind=AuditKind.READ, action="read", obj=obj, sections=sections, purpose=purpose
    )


def record_auth(*, actor, action: str) -> AuditEvent:
    """Trace a login, a logout, a second-factor step or a token change."""
    return _append(actor=actor, kind=AuditKind.AUTH, action=action, obj=actor)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every link; report the first row whose content, order or link does not hold."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing row")
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.seq, "link to the previous row broken")
        if compute_hash(prev_hash, _payload(event)) != event.hash:
            return ChainReport(checked, event.seq, "content altered")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainReport(checked, checked + 1, "rows removed at the end of the trail")
    return ChainReport(checked)
