"""The audit action names of the support app (core.audit.AuditAction): every `record_write` of
support passes one of these members; the values are the names already in the audit trail."""

from parcours.core.audit import AuditAction


class SupportAuditAction(AuditAction):
    # Measures
    KIND_CREATE = "support.kind.create"
    MEASURE_CREATE = "support.measure.create"
    MEASURE_REFUSED = "support.measure.refused"
    MEASURE_INTENSITY = "support.measure.intensity"
    MEASURE_CLOSE = "support.measure.close"
    MEASURE_REOPEN = "support.measure.reopen"
    REVIEW_PLAN = "support.review.plan"
    REVIEW_HOLD = "support.review.hold"
    REVIEW_REMIND = "support.review.remind"
    COWORKER_ADD = "support.coworker.add"
    COWORKER_END = "support.coworker.end"
    GOAL_CREATE = "support.goal.create"
    GOAL_STATUS = "support.goal.status"
    STEP_ADD = "support.step.add"
    STEP_DONE = "support.step.done"
    ACTION_LOG = "support.action.log"
    # Prevention alerts
    ALERT_RAISE = "support.alert.raise"
    ALERT_TAKE = "support.alert.take"
    ALERT_MEASURE = "support.alert.measure"
    ALERT_CLOSE = "support.alert.close"
    # Programmes
    PROGRAMME_CREATE = "support.programme.create"
    PROGRAMME_FUNDING = "support.programme.funding"
    PROGRAMME_HOUSING = "support.programme.housing"
    PROGRAMME_UNIT = "support.programme.unit"
    PROGRAMME_LEAVE = "support.programme.leave"
    # Workshops
    WORKSHOP_CREATE = "support.workshop.create"
    WORKSHOP_SESSION = "support.workshop.session"
    WORKSHOP_ENROL = "support.workshop.enrol"
    WORKSHOP_ATTENDANCE = "support.workshop.attendance"
    # Appointments
    APPOINTMENT_BOOK = "support.appointment.book"
    APPOINTMENT_MOVE = "support.appointment.move"
    APPOINTMENT_CANCEL = "support.appointment.cancel"
    APPOINTMENT_KEPT = "support.appointment.kept"
    APPOINTMENT_MISSED = "support.appointment.missed"
    APPOINTMENT_CONFIRM = "support.appointment.confirm"
    APPOINTMENT_MOVE_REQUEST = "support.appointment.move_request"
    APPOINTMENT_REMIND = "support.appointment.remind"
