"""When a validated insertion request expires, and when its referent is reminded (settings-driven)."""

import calendar
import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .choices import RequestStatus


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day (31 → 30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(insertion_request) -> dt.date | None:
    """The day a validated request expires: PARCOURS_REQUEST_VALIDITY_MONTHS after its validation or
    its last renewal. Other statuses do not expire."""
    if insertion_request.status != RequestStatus.VALIDATED:
        return None
    start = insertion_request.renewed_at or insertion_request.validated_at
    if start is None:
        return None
    return add_months(timezone.localdate(start), settings.PARCOURS_REQUEST_VALIDITY_MONTHS)


def due(requests, *, today: dt.date, days_ahead: int = 0):
    """The validated requests (from an iterable) whose expiry date falls on or before today + days_ahead."""
    limit = today + dt.timedelta(days=days_ahead)
    return [r for r in requests if (until := valid_until(r)) is not None and until <= limit]


def prefilter(queryset, *, today: dt.date, days_ahead: int = 0):
    """Narrow in SQL to validated requests old enough to be close to expiry (months have ≥ 28 days)."""
    return queryset.filter(prefilter_q(today=today, days_ahead=days_ahead))


def prefilter_q(*, today: dt.date, days_ahead: int = 0) -> Q:
    """prefilter's condition, to OR it with another in one query."""
    oldest_possible = (
        today
        + dt.timedelta(days=days_ahead)
        - dt.timedelta(days=28 * settings.PARCOURS_REQUEST_VALIDITY_MONTHS)
    )
    edge = timezone.make_aware(dt.datetime.combine(oldest_possible + dt.timedelta(days=1), dt.time.min))
    return Q(status=RequestStatus.VALIDATED) & (
        Q(renewed_at__lt=edge) | Q(renewed_at__isnull=True, validated_at__lt=edge)
    )
