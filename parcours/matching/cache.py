"""A process-wide copy of every open request's engine columns, kept fresh by small deltas.

Reading 100,000 requests with their households' people and money takes seconds; ranking one vacancy
must take a fraction of that. The copy is checked on every use by one aggregate query (how many open
requests, and the latest change to a request, its household or its matching facts): every write
goes through a service that moves `updated_at` (households bump it for people and money too). When
the stamp moved, only the requests touched since are read again; if the count still disagrees after
that, or after MAX_AGE, or on a new day (ages and seniority move), everything is read again.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Q
from django.utils import timezone

from parcours.households.models import Household
from parcours.orientation.models import InsertionRequest, Parking

from . import loaders
from .engine import Engine
from .engine.data import Requests, concat, take
from .models import RequestFacts

MAX_AGE = 3600.0  # seconds before a full reload, whatever the stamp says
MAX_DELTA = 20_000  # touched requests beyond which reading everything again is as quick
# A write stamped before the last stamp may commit after it (a slow transaction): each delta reads
# again what changed in this margin before the previous stamp.
MARGIN = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Stamp:
    count: int  # requests in an open status, whatever their household
    requests: dt.datetime | None
    households: dt.datetime | None
    facts: dt.datetime | None
    facts_count: int
    parkings: dt.datetime | None = None  # a refusal parks a household away from a facility


def current_stamp() -> Stamp:
    """Scans without joins (cheaper than one joined scan): requests in an open status, every
    household, every matching facts row, every parking after a refusal."""
    requests = InsertionRequest.objects.filter(status__in=loaders.OPEN_STATUSES).aggregate(
        count=Count("id"), latest=Max("updated_at")
    )
    households = Household.objects.aggregate(latest=Max("updated_at"))
    facts = RequestFacts.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    parkings = Parking.objects.aggregate(latest=Max("created_at"))
    return Stamp(
        requests["count"],
        requests["latest"],
        households["latest"],
        facts["latest"],
        facts["count"],
        parkings["latest"],
    )


def _dead_requests() -> set[int]:
    """Requests in an open status whose household was deleted or merged: not loaded, but counted."""
    return set(
        InsertionRequest.objects.filter(status__in=loaders.OPEN_STATUSES)
        .filter(Q(household__deleted_at__isnull=False) | Q(household__merged_into__isnull=False))
        .values_list("id", flat=True)
    )


def _since(field: str, moment) -> Q:
    if moment is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__gte": moment - MARGIN})


class RequestCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._requests: Requests | None = None
        self._stamp: Stamp | None = None
        self._day: dt.date | None = None
        self._loaded_at = 0.0
        self._dead: set[int] = set()
        self._engines: dict[tuple, Engine] = {}
        self.full_loads = 0
        self.delta_loads = 0

    def clear(self) -> None:
        with self._lock:
            self._requests = None
            self._engines.clear()

    def requests(self, today: dt.date | None = None) -> Requests:
        today = today or timezone.localdate()
        with self._lock:
            stamp = current_stamp()
            fresh = self._requests is not None and self._day == today
            fresh = fresh and time.monotonic() - self._loaded_at < MAX_AGE
            if not fresh:
                self._full(stamp, today)
            elif stamp != self._stamp:
                self._delta(stamp, today)
            return self._requests

    def engine(self, weights: dict[str, float], today: dt.date | None = None) -> Engine:
        """An engine on the cached requests, reused (with its kind × département buckets) until the
        requests or the weights change."""
        today = today or timezone.localdate()
        requests = self.requests(today)
        key = (id(requests), today, tuple(sorted(weights.items())))
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                self._engines = {key: Engine(requests, today, weights=weights)}
                engine = self._engines[key]
            return engine

    def _full(self, stamp: Stamp, today: dt.date) -> None:
        """Everything again (the stamp is read before, so a change made meanwhile shows next time)."""
        self._requests = loaders.load_requests(today=today)
        self._dead = _dead_requests()
        self._stamp, self._day, self._loaded_at = stamp, today, time.monotonic()
        self.full_loads += 1

    def _delta(self, stamp: Stamp, today: dt.date) -> None:
        old = self._stamp
        if stamp.facts_count < old.facts_count:  # facts deleted leave no trace to follow
            self._full(stamp, today)
            return
        # Three scans without joins, then the touched requests by primary key.
        ids = set(
            InsertionRequest.objects.filter(_since("updated_at", old.requests)).values_list("id", flat=True)
        )
        households = Household.objects.filter(_since("updated_at", old.households)).values("id")
        ids |= set(InsertionRequest.objects.filter(household_id__in=households).values_list("id", flat=True))
        ids |= set(
            RequestFacts.objects.filter(_since("updated_at", old.facts)).values_list("request_id", flat=True)
        )
        parked = Parking.objects.filter(_since("created_at", old.parkings)).values("household_id")
        ids |= set(InsertionRequest.objects.filter(household_id__in=parked).values_list("id", flat=True))
        rows = list(InsertionRequest.objects.filter(pk__in=ids).values_list("id", "status")) if ids else []
        if len(rows) > MAX_DELTA:
            self._full(stamp, today)
            return
        touched_ids = np.array([pk for pk, _status in rows], dtype=np.int64)
        open_ids = [pk for pk, status in rows if status in loaders.OPEN_STATUSES]
        keep = np.flatnonzero(~np.isin(self._requests.request_id, touched_ids))
        changed = loaders.load_requests(loaders.open_requests().filter(pk__in=open_ids), today=today)
        merged = concat(take(self._requests, keep), changed)
        dead = (self._dead - set(touched_ids.tolist())) | (set(open_ids) - set(changed.request_id.tolist()))
        if len(merged) + len(dead) != stamp.count:  # a change that did not move updated_at
            self._full(stamp, today)
            return
        self._requests, self._stamp, self._dead = merged, stamp, dead
        self.delta_loads += 1


REQUESTS = RequestCache()


def engine_for_vacancy(
    vacancy_row, *, settings: loaders.EngineSettings | None = None, today: dt.date | None = None
):
    """(engine, vacancy) for one vacancy, the engine working on the process-wide copy of every open
    request (REQUESTS)."""
    today = today or timezone.localdate()
    settings = settings or loaders.load_settings()
    vacancy = loaders.load_vacancy(vacancy_row, settings)
    return REQUESTS.engine(settings.weights, today), vacancy
