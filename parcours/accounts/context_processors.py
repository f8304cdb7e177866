"""Template context: the active membership and the others the user can switch to."""


def active_membership(request):
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
    }
