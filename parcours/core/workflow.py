"""Workflows: the allowed moves of a record's status, declared on its model, and the one way to make
them (ADR 0015).

A model declares its workflow::

    WORKFLOW = Workflow(
        transitions=REQUEST_TRANSITIONS,              # status -> the statuses it may move to
        log=Log("orientation.RequestTransition", parent="request", reason="reason"),
        labels=RequestStatus,                        # for the refusal's message
        impossible=_("Impossible de passer une demande « %(from)s » à l'état « %(to)s »."),
        error=TransitionConflict,                    # the app's Conflict subclass
        guard=invariants.request_guard,               # further rules, checked under the lock
    )

and a service moves a record with `transition(obj, to, actor=…, action=…)`, which, in one
transaction: locks the row, checks the version the user read (StaleVersion), checks the move
against the declaration and the guard (the app's InvalidTransition error, the row untouched), writes
the status, the other changes, the version and `updated_at`, writes the log row in the app's history
table and the audit row. `event()` records a line of history that keeps the status (a renewal, a
transfer) the same way, and `created()` the first line of a new record's history.

The history stays in each app's own table (typed columns, foreign keys such as a proposal's partner
link or a closing's co-evaluations, indexes for the indicators): `Log` says which table and which of
its columns take the reason, the note and the organization. Core knows no domain app: the table is
named by its label and resolved when first written.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import audit, versioning
from .errors import DomainError, InvalidTransition


@dataclass(frozen=True)
class Log:
    """Where a workflow writes its history: the table (`app_label.Model`), the foreign key to the
    record (`parent`), the columns of the previous and new status (`from_field` None when the table
    keeps only the new one) and, when the table has them, the columns of the reason, the note and the
    organization of the actor. `actor` and `at` are always written."""

    model: str
    parent: str
    from_field: str | None = "from_status"
    to_field: str = "to_status"
    reason: str | None = None
    note: str | None = None
    organization: str | None = None

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class Workflow:
    """The allowed transitions of a model's status field, and how they are logged and refused."""

    transitions: Mapping[str, Collection[str]]
    log: Log | None = None
    field: str = "status"
    labels: Any = None  # a TextChoices class: the labels of the statuses in messages
    impossible: Any = gettext_lazy("Impossible de passer de l'état « %(from)s » à l'état « %(to)s ».")
    error: type[DomainError] = InvalidTransition
    # Called under the row lock with (locked, current, target): the reason the move breaks a rule
    # of the domain (a French sentence), or None.
    guard: Callable[[models.Model, str, str], str | None] | None = None
    # Rows the lock also reads in the same query (select_related), as the services used to.
    lock_related: tuple[str, ...] = ()
    # False when the record's version guards its edited fields only, not its status (a change of
    # status then leaves the version as it is).
    versioned: bool = True

    def allows(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, ())

    def label(self, status: str) -> str:
        if self.labels is not None and status in self.labels.values:
            return str(self.labels(status).label)
        return status

    def refusal(self, current: str, target: str) -> DomainError:
        return self.error(str(self.impossible) % {"from": self.label(current), "to": self.label(target)})


@dataclass
class Moved:
    """What `transition()` and `event()` did: the record as stored now, its status before, the log row."""

    obj: Any
    source: str
    log: Any


def workflow_of(obj_or_model) -> Workflow:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    wf = getattr(model, "WORKFLOW", None)
    if not isinstance(wf, Workflow):
        raise TypeError(f"{model.__name__} declares no WORKFLOW")
    return wf


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _write(
    locked, changes: dict, now, on_integrity_error: Callable[[], Exception] | None, *, versioned: bool = True
) -> None:
    """One UPDATE of the locked row (versioning.bump), a broken constraint turned into a refusal."""
    try:
        with transaction.atomic():
            versioning.bump(type(locked), locked.pk, new_version=versioned, **changes, updated_at=now)
    except IntegrityError as exc:
        if on_integrity_error is None:
            raise
        raise on_integrity_error() from exc


def _log_row(
    wf: Workflow,
    obj,
    source: str,
    target: str,
    *,
    actor,
    at,
    reason="",
    note="",
    organization=None,
    extra=None,
):
    spec = wf.log
    if spec is None:
        return None
    values = {spec.parent: obj, spec.to_field: target, "actor": _user(actor), "at": at}
    if spec.from_field:
        values[spec.from_field] = source
    if spec.reason:
        values[spec.reason] = (reason or "").strip()
    if spec.note:
        values[spec.note] = (note or "").strip()
    if spec.organization:
        if organization is None and actor is not None:
            membership = getattr(actor, "active_membership", None)
            organization = membership.organization if membership else None
        values[spec.organization] = organization
    values.update(extra or {})
    return spec.model_class.objects.create(**values)


def _audit(actor, action, obj, fields: Iterable[str] | None, default: Iterable[str]) -> None:
    if action:
        audit.record_write(
            actor=actor, action=action, obj=obj, fields=list(fields if fields is not None else default)
        )


def transition(
    obj: models.Model,
    to: str,
    *,
    actor,
    action: str | None,
    reason: str = "",
    note: str = "",
    organization=None,
    expected_version: int | None = None,
    only_from: Collection[str] | None = None,
    refused: str | None = None,
    prepare: Callable[[models.Model], dict | None] | None = None,
    audit_fields: Iterable[str] | None = None,
    log_extra: dict | None = None,
    on_integrity_error: Callable[[], Exception] | None = None,
    at=None,
    **changes,
) -> Moved:
    """Move `obj` to the status `to`, in one transaction and under its row lock:

    - a stale `expected_version` → StaleVersion (nothing written);
    - a move the workflow does not allow, or one from outside `only_from`, or one its guard refuses →
      the workflow's error, with `refused` as message when given (nothing written);
    - `prepare(locked)`, called then, may refuse too (a ValidationError…) or return more changes;
    - then one UPDATE (status, `changes`, version + 1, updated_at), one log row (reason, note,
      `log_extra`), and one audit row (`action`, fields `audit_fields` or the changed ones; none
      without `action`).
    `on_integrity_error` turns a constraint the UPDATE breaks into the domain's refusal."""
    wf = workflow_of(obj)
    with transaction.atomic():
        locked = versioning.lock(obj, expected_version=expected_version, related=wf.lock_related)
        current = getattr(locked, wf.field)
        if only_from is not None and current not in only_from:
            raise wf.error(refused) if refused else wf.refusal(current, to)
        if not wf.allows(current, to):
            raise wf.error(refused) if refused else wf.refusal(current, to)
        if wf.guard is not None:
            broken = wf.guard(locked, current, to)
            if broken:
                raise wf.error(broken)
        if prepare is not None:
            changes.update(prepare(locked) or {})
        now = at or timezone.now()
        values = {wf.field: to, **changes}
        _write(locked, values, now, on_integrity_error, versioned=wf.versioned)
        locked.refresh_from_db()
        row = _log_row(
            wf,
            locked,
            current,
            to,
            actor=actor,
            at=now,
            reason=reason,
            note=note,
            organization=organization,
            extra=log_extra,
        )
        _audit(actor, action, locked, audit_fields, [*values, *(["reason"] if reason.strip() else [])])
    return Moved(locked, current, row)


def event(
    obj: models.Model,
    *,
    actor,
    action: str | None = None,
    reason: str = "",
    note: str = "",
    expected_version: int | None = None,
    audit_fields: Iterable[str] | None = None,
    log_extra: dict | None = None,
    **changes,
) -> Moved:
    """Record in the history a step that keeps the status (a renewal, a transfer), under the row lock;
    the version is bumped when it changes a field; audited when `action` is given."""
    wf = workflow_of(obj)
    with transaction.atomic():
        locked = versioning.lock(obj, expected_version=expected_version, related=wf.lock_related)
        current = getattr(locked, wf.field)
        now = timezone.now()
        if changes:
            _write(locked, changes, now, None, versioned=wf.versioned)
            locked.refresh_from_db()
        row = _log_row(
            wf, locked, current, current, actor=actor, at=now, reason=reason, note=note, extra=log_extra
        )
        _audit(actor, action, locked, audit_fields, list(changes))
    return Moved(locked, current, row)


def created(
    obj: models.Model, *, actor, reason: str = "", note: str = "", log_extra: dict | None = None, at=None
):
    """The first line of a new record's history: from nothing to its first status."""
    wf = workflow_of(obj)
    return _log_row(
        wf,
        obj,
        "",
        getattr(obj, wf.field),
        actor=actor,
        at=at or timezone.now(),
        reason=reason,
        note=note,
        extra=log_extra,
    )
