"""Working without network: one service worker for the whole site (served at /sw.js) and the web app
manifest. Each domain registers what its offline screens need (registry filled when apps are ready):

- `static`: files precached when the worker installs (paths under STATIC_URL);
- `pages`: (URL prefix, offline page URL name): a page under the prefix that cannot be loaded falls
  back to the offline page, which the worker keeps from the last time it was loaded online;
- `snapshots`: URL names of JSON read network first and kept for an outage (the 115 board).

What is kept on the device is the minimum (docs/continuite.md): no page naming a person is cached.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

# What a browser keeps for an outage (pages, snapshots, records noted offline) is wiped after this time.
KEEP_HOURS = 12


@dataclass
class OfflineEntry:
    static: list[str] = field(default_factory=list)
    pages: list[tuple[str, str]] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)


# The assets of every page (base.html): precached whatever the domain.
BASE_STATIC = [
    "vendor/bootstrap-5.3.8/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js",
    "django_htmx/htmx-2.min.js",
    "css/parcours.css",
    "js/parcours.js",
    "js/offline/queue.js",
    "img/favicon.svg",
    "img/favicon-32.png",
    "img/icon-192.png",
    "img/icon-512.png",
]

_registry: list[OfflineEntry] = []


def register(*, static: list[str] = (), pages: list[tuple[str, str]] = (), snapshots: list[str] = ()) -> None:
    _registry.append(OfflineEntry(list(static), list(pages), list(snapshots)))


def worker_config() -> dict:
    """What /sw.js is built from: the URLs (hashed static names), and a version that changes with them."""
    statics = list(dict.fromkeys(BASE_STATIC + [s for e in _registry for s in e.static]))
    config = {
        "precache": [static(path) for path in statics],
        "pages": [[prefix, reverse(name)] for e in _registry for prefix, name in e.pages],
        "snapshots": [reverse(name) for e in _registry for name in e.snapshots],
    }
    config["version"] = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    return config


# The replay endpoints' protocol (js/offline/queue.js): POST {records: [{client_id, …}]}, with the
# session and the CSRF token like every page, answered {results: [{client_id, status, message, url}]}.
MAX_REPLAYED = 50


def replay(request, each: Callable[[dict], dict], *, limit: int = MAX_REPLAYED) -> JsonResponse:
    """Answer what a browser's queue sends back: `each(record)` handles one record (a dict, {} when
    the record is not one) and returns its result, to which its client_id is added. A body that is
    not JSON, or holds no records or more than `limit`, is a 400 and nothing is handled."""
    try:
        records = json.loads(request.body or b"{}").get("records")
    except (ValueError, AttributeError):
        records = None
    if not isinstance(records, list) or not 1 <= len(records) <= limit:
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Envoi illisible."), "fields": {}}}, status=400
        )
    results = []
    for record in records:
        record = record if isinstance(record, dict) else {}
        results.append({"client_id": str(record.get("client_id", "")), **each(record)})
    return JsonResponse({"results": results})
