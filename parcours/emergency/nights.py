"""Which night it is: the 115's night runs from the evening to the next morning."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

# Until this local hour, a call still belongs to the previous evening's night.
DEFAULT_CHANGE_HOUR = 9


def current_night(now: datetime | None = None) -> date:
    """The night calls are taken for now: before the morning change hour it is still yesterday's."""
    local = timezone.localtime(now)
    change_hour = getattr(settings, "EMERGENCY_NIGHT_CHANGE_HOUR", DEFAULT_CHANGE_HOUR)
    return local.date() - timedelta(days=1) if local.hour < change_hour else local.date()


def is_closed(night: date) -> bool:
    """A past night is closed: nothing is allocated or recorded on it any more."""
    return night < current_night()


# A request or a declaration is made for tonight or the next few nights, not further.
MAX_NIGHTS_AHEAD = 7
