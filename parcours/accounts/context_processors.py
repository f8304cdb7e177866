"""Template context: the active membership, the others the user can switch to, and the menu entries
that the domain apps registered (parcours.core.menu) and that this user may see."""

from parcours.core import menu


def active_membership(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        "menu": menu.menu_for(user, match),
    }
