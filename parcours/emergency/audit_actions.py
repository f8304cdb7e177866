"""The audit action names of emergency: the writes of the 115: calls, requests, nights, places.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class EmergencyAction(AuditAction):
    CALL_RECORD = "emergency.call.record"
    REQUEST_CREATE = "emergency.request.create"
    REQUEST_PRIORITY = "emergency.request.priority"
    REQUEST_CANCEL = "emergency.request.cancel"
    ALLOCATION_CREATE = "emergency.allocation.create"
    ALLOCATION_CANCEL = "emergency.allocation.cancel"
    ALLOCATION_NO_SHOW = "emergency.allocation.no_show"
    ALLOCATION_EXTEND = "emergency.allocation.extend"
    ALLOCATION_SMS = "emergency.allocation.sms"
    UNMET_RECORD = "emergency.unmet.record"
    PLACES_DECLARE = "emergency.places.declare"
    ROLLOVER = "emergency.rollover"
    REPLAY_TASK = "emergency.replay.task"
