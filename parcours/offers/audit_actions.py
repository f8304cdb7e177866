"""The audit action names of offers: the writes on facilities, units and vacancies.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class OfferAction(AuditAction):
    FACILITY_CREATE = "offers.facility.create"
    FACILITY_UPDATE = "offers.facility.update"
    UNIT_CREATE = "offers.unit.create"
    UNIT_UPDATE = "offers.unit.update"
    VACANCY_DECLARE = "offers.vacancy.declare"
    VACANCY_WITHDRAW = "offers.vacancy.withdraw"
