"""What the security tests expect, stated once here rather than read from the code, for the files that
assert the same promise through different doors."""

from parcours.accounts.roles import Role

# The roles whose work shows named persons (four eyes on their grants).
NAMED_DATA_ROLES = {
    Role.CALL_HANDLER,
    Role.SIAO_COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.FACILITY_MANAGER,
    Role.LANDLORD,
}

# The fields of GET /api/v1/households/{id} for who holds the whole file.
HOUSEHOLD_FULL = {
    "id",
    "access",
    "version",
    "members",
    "territory",
    "protected",
    "monthly_resources",
    "situation",
    "referent_organization",
    "public_family",
    "identifiers",
    "whereabouts",
}
