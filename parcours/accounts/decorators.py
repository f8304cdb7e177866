"""View markers read by the access middlewares."""


def two_factor_exempt(view):
    """The view stays reachable before the second factor is verified (login, 2FA set-up, logout…)."""
    view.two_factor_exempt = True
    return view
