"""Template context: the active membership, the others the user can switch to, and the menu entries
that the domain apps registered (parcours.core.menu) and that this user may see.

The header keeps its rendered menu in the cache under `menu_key` (the user, their access version and
active membership, the registry, the entry marked as the current page) and the language: `menu` is
then never built, so it is given as a function that the template calls only when the cache misses.
The whole header is kept likewise under `header_key` (core.templatetags.layout_tags). Both keys are
computed only when a template shows them: an htmx fragment or an e-mail does not pay for them."""

import secrets
from functools import partial

from parcours.core import menu


def active_membership(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    # Lazy: computed only by a page that shows the header (not by htmx fragments nor e-mails).
    menu_key = _Deferred(partial(_menu_key, user, match))
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        "menu": partial(menu.menu_for, user, match),
        "menu_key": menu_key,
        "header_key": _Deferred(partial(_header_key, user, match, menu_key)),
    }


class _Deferred:
    """A string computed the first time a template shows it (django.utils.functional.lazy builds a
    class at each call: dearer than the work it defers). Not callable, so the template engine keeps
    it as it is and str() computes it."""

    __slots__ = ("compute", "value")

    def __init__(self, compute):
        self.compute = compute
        self.value = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = self.compute()
        return self.value


def _header_key(user, match, menu_key) -> str:
    """What the whole header shows (core.templatetags.layout_tags): the menu's key (user, access
    version, active membership, current entry), the account page marked as current or not, and the
    user's name (shown when they have no membership; not covered by the access version)."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    on_account = match is not None and match.view_name == "accounts:account"
    return f"{menu_key}:{int(on_account)}:{user.get_username()}:{user.get_full_name()}"


def _menu_key(user, match) -> str:
    """The user's menu key and the entry the page marks as current (not the page itself: a dozen
    fragments per user, not one per page)."""
    key = menu.cache_key(user) if user is not None and user.is_authenticated else None
    if key is None:
        # A user the cache cannot key (no access version): a key of this request alone, never another's.
        return f"request-{secrets.token_hex(8)}"
    return f"{key}:{menu.current_of(user, match)}"
