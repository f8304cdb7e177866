"""Asserting a whole role × object × action matrix at once, with every mismatch reported together."""

from collections.abc import Callable, Mapping

from parcours.accounts.roles import Role

# The seven roles, stated here rather than read from the code, in the order the tests report them.
SEVEN_ROLES = (
    Role.SOCIAL_WORKER,
    Role.CALL_HANDLER,
    Role.SIAO_COORDINATOR,
    Role.FACILITY_MANAGER,
    Role.LANDLORD,
    Role.OBSERVER,
    Role.NETWORK_ADMIN,
)


def assert_matrix(expected: Mapping[tuple, bool], check: Callable[..., bool]) -> None:
    """`expected` maps (role, object_key, action) to allowed; `check(role, object_key, action)` answers.

    All cells are evaluated before failing, so one run shows the whole difference.
    """
    wrong = []
    for (role, obj, action), allowed in expected.items():
        got = check(role, obj, action)
        if got != allowed:
            wrong.append(f"{role} × {obj} × {action}: expected {allowed}, got {got}")
    assert not wrong, "Permission matrix mismatch:\n" + "\n".join(wrong)
