"""The reference data every page reads, from the cache (issue 18): the AFFIL grid, the territories…

`cached(namespace, key, compute)` keeps `compute()`'s answer under a key that holds the namespace's
generation; `invalidate_on(namespace, *models)` starts a new generation whenever a row of those models
is saved or deleted — at once (the writer's own next request sees the change) and again after the
commit (a reader that filled the cache from the old rows in between is not believed either).

With a shared cache (Redis: `CACHE_URL`), every worker process sees a new generation at once. With the
default local-memory cache each process holds its own generations: another worker process may keep
serving the old reference data until its entry expires (`PARCOURS_REFERENCE_CACHE_SECONDS`, 60 s by
default). Only data that an administrator changes rarely goes here; what decides an access (the
memberships) does not: accounts.access keys it on a counter of the user's row instead.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

LOCAL = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


def shared() -> bool:
    """Whether every worker process reads the same cache (Redis, Memcached, the database)."""
    return settings.CACHES["default"]["BACKEND"] not in LOCAL


def timeout() -> int:
    return 3600 if shared() else getattr(settings, "PARCOURS_REFERENCE_CACHE_SECONDS", 60)


def _generation_key(namespace: str) -> str:
    return f"parcours:generation:{namespace}"


def generation(namespace: str) -> int:
    # A clock value, not a counter: a generation lost (evicted, cache restarted) never comes back.
    return cache.get_or_set(_generation_key(namespace), time.time_ns, None)


def bump(namespace: str) -> None:
    cache.set(_generation_key(namespace), time.time_ns(), None)


def cached(namespace: str, key, compute):
    """`compute()`'s answer, computed once per generation of the namespace (and per expiry)."""
    full = f"parcours:{namespace}:{generation(namespace)}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, timeout())
    return value


# Values `kept` hands out as they are, per full key (namespace, generation, key): read-only reference data.
_KEPT: dict = {}
KEPT_MAX = 256


def kept(namespace: str, key, compute):
    """`cached(namespace, key, compute)`'s value, the same object for every request of this process while
    the namespace's generation holds and its entry has not expired (issue 18): the cache hands out a
    copy at each read (the local-memory cache unpickles it, Redis sends it), and copying the AFFIL grid
    (its sections and items) at every assessments page was 2.3 % of the app's CPU under load. Only for
    values nobody changes once read: a published grid is never edited (a change is a new version).
    A new generation (`bump`, a row saved) is seen at the next call, as with `cached`."""
    full = f"parcours:{namespace}:{generation(namespace)}:{key}"
    now = time.monotonic()
    found = _KEPT.get(full)
    if found is not None and found[1] > now:
        return found[0]
    value = cached(namespace, key, compute)
    if value is not None:
        if len(_KEPT) >= KEPT_MAX:
            _KEPT.clear()
        _KEPT[full] = (value, now + timeout())
    return value


def invalidate_on(namespace: str, *models) -> None:
    """A new generation of `namespace` whenever a row of one of `models` is saved or deleted."""

    def changed(sender, **kwargs):
        bump(namespace)
        transaction.on_commit(lambda: bump(namespace))

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                changed,
                sender=model,
                weak=False,
                dispatch_uid=f"cache_{namespace}_{model.__name__}_{id(signal)}",
            )
