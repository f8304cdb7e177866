"""The main menu: each domain app registers its entries from its own `menu.py`, imported by its
AppConfig.ready() (like the home panels). The kernel's own links (home, organisations, account) stay
in the header template.

An entry is shown when its `visible(user)` predicate (a `can_*` rule of the app's perms) is true;
entries come by `order`. It is marked as the current page when the request's URL belongs to
`current_app` (an app's URL namespace) or is exactly `current_view` (a view name)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    order: int = 50
    current_app: str = ""
    current_view: str = ""

    def is_current(self, match) -> bool:
        if match is None:
            return False
        if self.current_view:
            return match.view_name == self.current_view
        return bool(self.current_app) and match.app_name == self.current_app


ENTRIES: list[Entry] = []


def register(label, url_name: str, *, order: int = 50, current_app: str = "", current_view: str = ""):
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
            )
        )
        return visible

    return decorator


def entries_for(user) -> list[Entry]:
    """The entries this user sees, in order."""
    if user is None or not user.is_authenticated:
        return []
    return [entry for entry in sorted(ENTRIES, key=lambda e: e.order) if entry.visible(user)]
