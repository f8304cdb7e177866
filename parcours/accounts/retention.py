"""Accounts are the network's professionals, not the people supported: the retention of households
does not touch them; an account is deactivated, never anonymised, so that the audit trail keeps who
acted (registry: parcours.core.retention)."""

from parcours.core.retention import register

from .models import ApiToken, Membership, Organization, User

STAFF = (
    "compte d'un·e professionnel·le du réseau (désactivé à son départ, pas anonymisé : l'audit dit qui a agi)"
)

register(
    User,
    not_personal={
        STAFF: (
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "phone",
            "access_version",
            "groups",
            "user_permissions",
        )
    },
)
register(
    Organization,
    not_personal={"structure du réseau": ("name", "type", "siret", "finess", "territory", "active")},
)
register(
    Membership,
    not_personal={
        STAFF: (
            "user",
            "organization",
            "role",
            "active",
            "approval",
            "requested_by",
            "decided_by",
            "decided_at",
        )
    },
)
register(
    ApiToken,
    not_personal={
        STAFF: ("membership", "name", "prefix", "key_hash", "expires_at", "revoked_at", "last_used_at")
    },
)
