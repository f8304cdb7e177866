"""The daily round of reminders to the people (`parcours notifications-daily`, run by cron the evening
or the morning before): each domain registers its job here, so that this app knows none of them.

    @notifications.daily.job(_("Rappels de rendez-vous envoyés"))
    def appointment_reminders(today, wet) -> int:   # how many it sent (or would send)

Each job is idempotent: it marks what it reminded, and `notify` never sends the same (access, kind,
ref) twice, so a second run the same day sends nothing.
"""

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

_JOBS: list[tuple[str, Callable[[dt.date, bool], int]]] = []


def job(label):
    def register(function: Callable[[dt.date, bool], int]):
        _JOBS.append((label, function))
        return function

    return register


def run_daily(*, today: dt.date | None = None, wet: bool) -> dict[str, int]:
    today = today or timezone.localdate()
    return {str(label): function(today, wet) for label, function in _JOBS}
