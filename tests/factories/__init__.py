"""factory_boy factories, one module per domain, all re-exported here: `from tests.factories import …`
(or `from .factories import …`) keeps working for every name.

Each factory builds a valid row at a given point of its life cycle through Traits (see each module):
households with members, protected, with consents; insertion requests and proposals at each status;
support measures open, closed or refused; 115 requests allocated or unmet.
"""

from .accounts import (
    ORGANIZATION_TYPE_FOR_ROLE,
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    api_for,
    as_member,
    confirmed_totp,
)
from .commission import commission_week
from .emergency import EmergencyRequestFactory, NightAllocationFactory, UnmetDemandFactory
from .households import ConsentFactory, HouseholdFactory, PersonFactory, make_household
from .offers import (
    FacilityFactory,
    UnitFactory,
    VacancyFactory,
    make_emergency_facility,
    make_orientation_places,
)
from .orientation import InsertionRequestFactory, ProposalFactory
from .outreach import (
    CommuneFactory,
    EncounterFactory,
    OutreachTeamFactory,
    RoundFactory,
    SignalementFactory,
)
from .portal import PortalAccessFactory, portal_login
from .support import MeasureKindFactory, SupportMeasureFactory

__all__ = [
    "CommuneFactory",
    "EncounterFactory",
    "OutreachTeamFactory",
    "RoundFactory",
    "SignalementFactory",
    "commission_week",
    "ORGANIZATION_TYPE_FOR_ROLE",
    "PASSWORD",
    "ConsentFactory",
    "EmergencyRequestFactory",
    "FacilityFactory",
    "HouseholdFactory",
    "InsertionRequestFactory",
    "MeasureKindFactory",
    "MembershipFactory",
    "NightAllocationFactory",
    "OrganizationFactory",
    "PersonFactory",
    "PortalAccessFactory",
    "ProposalFactory",
    "SupportMeasureFactory",
    "TerritoryFactory",
    "UnitFactory",
    "UnmetDemandFactory",
    "UserFactory",
    "VacancyFactory",
    "api_for",
    "as_member",
    "confirmed_totp",
    "make_emergency_facility",
    "make_household",
    "make_orientation_places",
    "portal_login",
]
