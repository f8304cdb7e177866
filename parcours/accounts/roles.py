"""The roles of design §1 and what each may reach, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CALL_HANDLER = "call_handler", _("Écoutant·e 115")
    SIAO_COORDINATOR = "siao_coordinator", _("Coordinateur·rice SIAO")
    SOCIAL_WORKER = "social_worker", _("Travailleur·se social·e")
    FACILITY_MANAGER = "facility_manager", _("Gestionnaire de structure")
    LANDLORD = "landlord", _("Bailleur social")
    OBSERVER = "observer", _("Observateur·rice")
    NETWORK_ADMIN = "network_admin", _("Administrateur·rice du réseau")


# Roles whose work shows named persons. They must pass a second factor (TOTP) to reach any page.
ROLES_READING_NAMED_PERSONS = frozenset(
    {
        Role.CALL_HANDLER,
        Role.SIAO_COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.FACILITY_MANAGER,
        Role.LANDLORD,
    }
)

# Second factor required: readers of named persons, and administrators, who manage their accounts.
ROLES_REQUIRING_TWO_FACTOR = ROLES_READING_NAMED_PERSONS | {Role.NETWORK_ADMIN}


class OrganizationType(models.TextChoices):
    SIAO_OPERATOR = "siao_operator", _("Opérateur SIAO")
    ASSOCIATION = "association", _("Association")
    LANDLORD = "landlord", _("Bailleur social")
    STATE_SERVICE = "state_service", _("Service de l'État")
    PARTNER = "partner", _("Partenaire")


# Which roles make sense in which kind of organization; anything else is refused at creation.
ROLES_BY_ORGANIZATION_TYPE = {
    OrganizationType.SIAO_OPERATOR: {
        Role.CALL_HANDLER,
        Role.SIAO_COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.FACILITY_MANAGER,
        Role.NETWORK_ADMIN,
        Role.OBSERVER,
    },
    OrganizationType.ASSOCIATION: {
        Role.SOCIAL_WORKER,
        Role.FACILITY_MANAGER,
        Role.NETWORK_ADMIN,
        Role.OBSERVER,
    },
    OrganizationType.LANDLORD: {Role.LANDLORD, Role.OBSERVER},
    OrganizationType.STATE_SERVICE: {Role.OBSERVER},
    OrganizationType.PARTNER: {Role.SOCIAL_WORKER, Role.OBSERVER},
}
