"""The audit action names: the base every app subclasses, and the kernel's own (issue 14 item 3).

Each app declares its names in `<app>/audit_actions.py` (a subclass of AuditAction with members
such as `HOUSEHOLD_CREATE = "households.household.create"`) and passes a member to
`audit.record_write` / `audit.record_auth`, never a free string: the names are listed, unique
across apps (tests/core/test_audit_actions.py) and greppable. The values are stored in the trail and
sealed: never rename one.
"""

import enum


class AuditAction(enum.StrEnum):
    """The base of the audit action names. It has no members itself: an enum with members cannot be
    subclassed."""


class CoreAction(AuditAction):
    """The kernel's own audited writes: the seal of the chain, a restore, the retention run."""

    AUDIT_SEAL = "core.audit.seal"
    DATABASE_RESTORE = "core.database.restore"
    RETENTION_ANONYMISE = "retention.anonymise"
