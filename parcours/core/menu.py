"""The main menu: each domain app registers its entries from its own `menu.py`, imported by its
AppConfig.ready() (like the home panels). The kernel's own links (home, organisations, account) stay
in the header template.

An entry is shown when its `visible(user)` predicate (a `can_*` rule of the app's perms) is true;
entries come by `order`. It is marked as the current page when the request's URL belongs to
`current_app` (an app's URL namespace) or is exactly `current_view` (a view name).

Entries gather in groups (issue 15: the coordinator had 11 links in a row, wrapping at 1366 px): an app
declares a group with `group(key, label, order=…)` (the same key from several apps is one group) and
registers its entries with `group=key`. The header shows a group as a dropdown, or as its only entry's
link when the user sees one entry of it.

Which entries a user sees depends on their active membership only (its role, its organization, the
outreach teams it belongs to): it is computed once and cached under a key that holds the membership
and `User.access_version` (accounts.access), which every change to a membership, an organization or a
team's members bumps (issue 18: the predicates cost a query and ~1 ms on every page)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    order: int = 50
    current_app: str = ""
    current_view: str = ""
    group: str = ""

    def is_current(self, match) -> bool:
        if match is None:
            return False
        if self.current_view.endswith("*"):  # "support:alert*": the alerts' list, form and pages
            return match.view_name.startswith(self.current_view[:-1])
        if self.current_view:
            return match.view_name == self.current_view
        return bool(self.current_app) and match.app_name == self.current_app


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    order: int = 50


ENTRIES: list[Entry] = []
GROUPS: dict[str, Group] = {}


def group(key: str, label, *, order: int = 50) -> str:
    """Declare a group of entries (once per key: the first declaration wins) and return its key."""
    GROUPS.setdefault(key, Group(key=key, label=label, order=order))
    return key


def register(
    label,
    url_name: str,
    *,
    order: int = 50,
    current_app: str = "",
    current_view: str = "",
    group: str = "",
):
    """Decorator on a predicate `visible(user) → bool`: show the entry to the users it accepts."""

    def decorator(visible):
        ENTRIES.append(
            Entry(
                label=label,
                url_name=url_name,
                visible=visible,
                order=order,
                current_app=current_app,
                current_view=current_view,
                group=group,
            )
        )
        return visible

    return decorator


def cache_key(user) -> str | None:
    """Where the user's visible entries are cached: the user's access version and active membership
    (None when the user has no access version, e.g. a user object built by hand)."""
    version = getattr(user, "access_version", None)
    if version is None or user.pk is None:
        return None
    membership = getattr(user, "active_membership", None)
    membership_id = getattr(membership, "pk", None)
    # The registry's size: a process that registered other entries (tests) does not read this one's.
    return f"parcours:menu:{user.pk}:{version}:{membership_id}:{len(ENTRIES)}"


def entries_for(user) -> list[Entry]:
    """The entries this user sees, in order (from the cache while the user's access is unchanged)."""
    if user is None or not user.is_authenticated:
        return []
    ordered = sorted(ENTRIES, key=lambda e: e.order)
    key = cache_key(user)
    shown = cache.get(key) if key else None
    if shown is None or max(shown, default=-1) >= len(ordered):
        shown = [i for i, entry in enumerate(ordered) if entry.visible(user)]
        if key:
            cache.set(key, shown, CACHE_SECONDS)
    return [ordered[i] for i in shown]


def current_of(user, match) -> str:
    """Which of the user's entries the page marks as current (their places in the user's menu; "home"
    for the home page): with the user's cache key, what the header's cached menu depends on."""
    if match is None:
        return ""
    if match.view_name == "core:home":
        return "home"
    return ",".join(str(i) for i, entry in enumerate(entries_for(user)) if entry.is_current(match))


def menu_for(user, match) -> list[dict]:
    """The header's items for this user, in order: a link `{"label", "url_name", "current"}` or a
    dropdown `{"label", "key", "entries": [links], "current"}` for a group of two entries or more."""
    links: list[tuple[int, dict]] = []
    grouped: dict[str, list[tuple[Entry, dict]]] = {}
    for entry in entries_for(user):
        link = {"label": entry.label, "url_name": entry.url_name, "current": entry.is_current(match)}
        if entry.group in GROUPS:
            grouped.setdefault(entry.group, []).append((entry, link))
        else:
            links.append((entry.order, link))
    for key, members in grouped.items():
        declared = GROUPS[key]
        if len(members) == 1:
            links.append((declared.order, members[0][1]))
            continue
        entries = [link for _entry, link in members]
        links.append(
            (
                declared.order,
                {
                    "label": declared.label,
                    "key": key,
                    "entries": entries,
                    "current": any(link["current"] for link in entries),
                },
            )
        )
    return [item for _order, item in sorted(links, key=lambda pair: pair[0])]


def may_open(user, view_name: str) -> bool:
    """False when this view is a menu entry's page and none of its entries is shown to the user: a
    breadcrumb then shows its label without a link (core.templatetags.parcours_tags.crumb_links)."""
    entries = [entry for entry in ENTRIES if entry.url_name == view_name]
    if not entries:
        return True
    if user is not None and user.is_authenticated:
        return any(entry in entries for entry in entries_for(user))
    return any(entry.visible(user) for entry in entries)
