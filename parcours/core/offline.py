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
from dataclasses import dataclass, field

from django.templatetags.static import static
from django.urls import reverse

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
