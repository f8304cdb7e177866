"""Support and prevention pages: measures, alerts, workshops, supported-housing programmes, kinds.
One module per sub-domain; the URL conf reaches them through the names re-exported here."""

from .alerts import (
    alert_action,
    alert_create,
    alert_detail,
    alert_list,
)
from .appointments import (
    appointment_action,
    appointment_create,
    appointment_detail,
    appointment_list,
)
from .measures import (
    MEASURE_ACTIONS,
    kind_list,
    measure_action,
    measure_create,
    measure_detail,
    measure_list,
)
from .programmes import (
    programme_action,
    programme_detail,
    programme_list,
)
from .workshops import (
    workshop_action,
    workshop_detail,
    workshop_list,
)

__all__ = [
    "MEASURE_ACTIONS",
    "alert_action",
    "alert_create",
    "alert_detail",
    "alert_list",
    "appointment_action",
    "appointment_create",
    "appointment_detail",
    "appointment_list",
    "kind_list",
    "measure_action",
    "measure_create",
    "measure_detail",
    "measure_list",
    "programme_action",
    "programme_detail",
    "programme_list",
    "workshop_action",
    "workshop_detail",
    "workshop_list",
]
