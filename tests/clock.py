"""A fixed clock for the tests that depend on the time of day or the date.

`freeze(monkeypatch, at)` replaces `django.utils.timezone.now` (and so `localtime`, `localdate`,
`current_night`, `auto_now` fields and every service that asks Django for the time) with a clock
that starts at `at` and only moves by one microsecond per reading, so that rows keep their order,
or when the test moves it (`clock.advance(...)`, `clock.set(...)`). Without `at`, it starts from the
real time, moved back out of the last minute before the 115's night change and before midnight:
a test that starts at 8:59:59 no longer ends on another night, nor one at 23:59:59 on another day.
Column defaults bound at import (`default=timezone.now`) keep the real time.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from parcours.emergency.nights import DEFAULT_CHANGE_HOUR

TICK = timedelta(microseconds=1)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        self.at += TICK
        return self.at

    def set(self, at: datetime) -> datetime:
        self.at = at
        return at

    def advance(self, **delta) -> datetime:
        self.at += timedelta(**delta)
        return self.at


def local(year, month, day, hour=0, minute=0, second=0) -> datetime:
    """An instant in the project's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute, second))  # noqa: DTZ001


def safe_start(real: datetime) -> datetime:
    """`real`, moved back two minutes if it falls in the minute before a night change or midnight."""
    moment = timezone.localtime(real)
    change_hour = getattr(settings, "EMERGENCY_NIGHT_CHANGE_HOUR", DEFAULT_CHANGE_HOUR)
    if moment.minute == 59 and moment.hour in ((change_hour - 1) % 24, 23):
        return real - timedelta(minutes=2)
    return real


def freeze(monkeypatch, at: datetime | None = None) -> Clock:
    clock = Clock(at or safe_start(timezone.now()))
    monkeypatch.setattr(timezone, "now", clock)
    return clock
