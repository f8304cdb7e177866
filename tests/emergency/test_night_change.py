"""The 115's night changes at 9 h local time, whatever the clock of the machine says (fixed clocks)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from parcours.emergency.nights import current_night, is_closed
from tests.clock import freeze, local, safe_start


@pytest.mark.parametrize(
    ("at", "night"),
    [
        (local(2026, 12, 7, 8, 59, 59), date(2026, 12, 6)),
        (local(2026, 12, 7, 9, 0, 0), date(2026, 12, 7)),
        (local(2026, 12, 7, 23, 59, 59), date(2026, 12, 7)),
        # 00:30 in Paris is still the previous day in UTC: the local date decides.
        (local(2027, 1, 1, 0, 30), date(2026, 12, 31)),
        # Daylight saving time starts on 28 March 2027 at 2 h: 8:30 CEST is still the previous night.
        (local(2027, 3, 28, 8, 30), date(2027, 3, 27)),
        (local(2027, 10, 31, 9, 30), date(2027, 10, 31)),
    ],
)
def test_the_night_changes_at_nine_local_time(monkeypatch, at, night):
    freeze(monkeypatch, at)
    assert current_night() == night
    assert not is_closed(night) and is_closed(night - timedelta(days=1))


def test_the_change_hour_is_a_setting(monkeypatch, settings):
    settings.EMERGENCY_NIGHT_CHANGE_HOUR = 7
    freeze(monkeypatch, local(2026, 12, 7, 8, 0))
    assert current_night() == date(2026, 12, 7)


def test_a_night_closes_when_the_clock_passes_nine(monkeypatch):
    clock = freeze(monkeypatch, local(2026, 12, 7, 8, 59, 59))
    night = current_night()
    assert not is_closed(night)
    clock.advance(seconds=1)
    assert is_closed(night) and current_night() == night + timedelta(days=1)


@pytest.mark.parametrize(
    ("real", "start"),
    [
        (local(2026, 12, 7, 8, 59, 30), local(2026, 12, 7, 8, 57, 30)),
        (local(2026, 12, 7, 23, 59, 59), local(2026, 12, 7, 23, 57, 59)),
        (local(2026, 12, 7, 9, 0, 0), local(2026, 12, 7, 9, 0, 0)),
        (local(2026, 12, 7, 14, 59, 0), local(2026, 12, 7, 14, 59, 0)),
    ],
)
def test_a_frozen_test_never_starts_in_the_minute_before_a_change(real, start):
    assert safe_start(real) == start


def test_the_fixed_clock_keeps_order_but_not_pace(monkeypatch):
    clock = freeze(monkeypatch, local(2026, 12, 7, 22, 0))
    first, second = timezone.now(), timezone.now()
    assert first < second < local(2026, 12, 7, 22, 0, 1)
    assert clock.advance(hours=11) > local(2026, 12, 8, 9, 0)
    assert current_night() == date(2026, 12, 8)
