"""The audit action names of accounts: accounts, organizations, memberships, tokens, and the sign-in events.

Their values are stored in the sealed trail and read by tests: never rename one (ADR 0016).
"""

from parcours.core.audit_actions import AuditAction


class AccountAction(AuditAction):
    ORGANIZATION_CREATE = "accounts.organization.create"
    ORGANIZATION_UPDATE = "accounts.organization.update"
    MEMBERSHIP_REQUEST = "accounts.membership.request"
    MEMBERSHIP_GRANT = "accounts.membership.grant"
    MEMBERSHIP_APPROVE = "accounts.membership.approve"
    MEMBERSHIP_REFUSE = "accounts.membership.refuse"
    MEMBERSHIP_REVOKE = "accounts.membership.revoke"
    MEMBERSHIP_SWITCH = "accounts.membership.switch"
    USER_CREATE = "accounts.user.create"
    USER_INVITE = "accounts.user.invite"
    USER_SET_ACTIVE = "accounts.user.set_active"
    TOKEN_CREATE = "accounts.token.create"  # noqa: S105  # nosec B105 (an action name, not a password)
    TOKEN_REVOKE = "accounts.token.revoke"  # noqa: S105  # nosec B105 (an action name, not a password)
    TWO_FACTOR_ENABLE = "accounts.two_factor.enable"
    TWO_FACTOR_REPLACE = "accounts.two_factor.replace"
    TWO_FACTOR_VERIFY = "accounts.two_factor.verify"
    TWO_FACTOR_RECOVERY_CODES = "accounts.two_factor.recovery_codes"
    TWO_FACTOR_RESET = "accounts.two_factor.reset"
    LOGIN = "accounts.login"
    LOGOUT = "accounts.logout"
