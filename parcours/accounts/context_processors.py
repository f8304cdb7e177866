"""Template context: the active membership, the others the user can switch to, and the menu entries
that the domain apps registered (parcours.core.menu) and that this user may see.

The header keeps its rendered menu in the cache under `menu_key` (the user, their access version and
active membership, the registry, the entry marked as the current page) and the language: `menu` is
then never built, so it is given as a function that the template calls only when the cache misses."""

import secrets
from functools import partial

from parcours.core import menu


def active_membership(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        "menu": partial(menu.menu_for, user, match),
        "menu_key": _menu_key(user, match),
    }


def _menu_key(user, match) -> str:
    """The user's menu key and the entry the page marks as current (not the page itself: a dozen
    fragments per user, not one per page)."""
    key = menu.cache_key(user) if user is not None and user.is_authenticated else None
    if key is None:
        # A user the cache cannot key (no access version): a key of this request alone, never another's.
        return f"request-{secrets.token_hex(8)}"
    return f"{key}:{menu.current_of(user, match)}"
