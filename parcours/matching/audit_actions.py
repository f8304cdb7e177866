"""The audit action names of matching: the writes of the matching engine's inputs.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class MatchingAction(AuditAction):
    REQUEST_FACTS_UPDATE = "matching.request_facts.update"
    SETTINGS_UPDATE = "matching.settings.update"
