"""The audit action names of households: the writes on the household file.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class HouseholdAction(AuditAction):
    HOUSEHOLD_CREATE = "households.household.create"
    HOUSEHOLD_UPDATE = "households.household.update"
    REFERENT_TRANSFER = "households.household.referent_transfer"
    SITUATION_CHANGE = "households.situation.change"
    CONSENT_RECORD = "households.consent.record"
    CONSENT_REVOKE = "households.consent.revoke"
    HOUSEHOLD_MERGE = "households.household.merge"
    HOUSEHOLD_MERGE_INTO = "households.household.merge_into"
    HOUSEHOLD_SPLIT = "households.household.split"
    HOUSEHOLD_SPLIT_FROM = "households.household.split_from"
    COMPOSITION_UPDATE = "households.composition.update"
    MONEY_UPDATE = "households.money.update"
    HOUSEHOLD_DELETE = "households.household.delete"
