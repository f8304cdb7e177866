"""The audit action names of plan: the writes on the strategic plan.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class PlanAction(AuditAction):
    ACTION_CREATE = "plan.action.create"
    ACTION_UPDATE = "plan.action.update"
    VALUE_RECORD = "plan.value.record"
