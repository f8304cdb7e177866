"""Every write of support and prevention: keyword-only arguments, an explicit actor, one transaction,
an audit event (field names only, never values). One module per sub-domain; this package re-exports
their public names so that `services.measure_create` reads as before."""

from ._common import Conflict
from .alerts import (
    KEPT_HOME,
    alert_close,
    alert_open_measure,
    alert_raise,
    alert_take,
)
from .appointments import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_mark,
    appointment_move,
    appointment_request_move,
)
from .measures import (
    REQUIRED_PERSPECTIVES,
    action_log,
    coworker_add,
    coworker_end,
    goal_create,
    goal_set_status,
    measure_close,
    measure_create,
    measure_kind_create,
    measure_reopen,
    measure_set_intensity,
    review_hold,
    review_plan,
    step_add,
    step_done,
)
from .programmes import (
    funding_add,
    housing_add,
    housing_end,
    programme_add_unit,
    programme_create,
)
from .workshops import (
    attendance_record,
    enrol,
    session_add,
    workshop_create,
)

__all__ = [
    "Conflict",
    "KEPT_HOME",
    "REQUIRED_PERSPECTIVES",
    "action_log",
    "alert_close",
    "alert_open_measure",
    "alert_raise",
    "alert_take",
    "appointment_book",
    "appointment_cancel",
    "appointment_confirm",
    "appointment_mark",
    "appointment_move",
    "appointment_request_move",
    "attendance_record",
    "coworker_add",
    "coworker_end",
    "enrol",
    "funding_add",
    "goal_create",
    "goal_set_status",
    "housing_add",
    "housing_end",
    "measure_close",
    "measure_create",
    "measure_kind_create",
    "measure_reopen",
    "measure_set_intensity",
    "programme_add_unit",
    "programme_create",
    "review_hold",
    "review_plan",
    "session_add",
    "step_add",
    "step_done",
    "workshop_create",
]
