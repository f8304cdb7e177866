"""The audit action names of demo: the marks the seeding leaves (read back to stay idempotent).

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class DemoAction(AuditAction):
    HOUSEHOLDS_SEED = "demo.households.seed"
    OFFERS_SEED = "demo.offers.seed"
    EMERGENCY_SEED = "demo.emergency.seed"
    SUPPORT_SEED = "demo.support.seed"
    ORIENTATION_SEED = "demo.orientation.seed"
    ORIENTATION_PROPOSALS = "demo.orientation.proposals"
    DORMANT_SEED = "demo.dormant.seed"
    OUTREACH_SEED = "demo.outreach.seed"
