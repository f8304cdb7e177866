"""Template context: the active membership, the others the user can switch to, and the menu entries."""


def active_membership(request):
    from parcours.emergency.perms import can_use_115
    from parcours.households.perms import can_list_households
    from parcours.observatory.perms import can_view_observatory
    from parcours.offers.perms import can_list_facilities
    from parcours.orientation.perms import can_list_proposals, can_list_requests, can_manage_commissions
    from parcours.plan.perms import can_view_plan
    from parcours.support.perms import can_list_alerts, can_list_measures

    user = getattr(request, "user", None)
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        "nav": {
            "emergency": user is not None and can_use_115(user),
            "households": user is not None and can_list_households(user),
            "support": user is not None and can_list_measures(user),
            "alerts": user is not None and can_list_alerts(user) and not can_list_measures(user),
            "offers": user is not None and can_list_facilities(user),
            "orientation": user is not None and can_list_requests(user),
            "proposals": user is not None and can_list_proposals(user),
            "commissions": user is not None and can_manage_commissions(user),
            "observatory": user is not None and can_view_observatory(user),
            "plan": user is not None and can_view_plan(user),
        },
    }
