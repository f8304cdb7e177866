"""A small orientation network shared by the security tests of proposals, partner links and workflow
invariants: one member of each of the seven roles, a household with a validated request, a landlord's
two vacancies and a CHRS room."""

import datetime as dt

from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.households import services as household_services
from parcours.offers.models import Vacancy
from parcours.orientation import proposals, services
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    as_member,
    make_household,
    make_orientation_places,
)


def validated_request(household, worker, coordinator):
    req = services.request_create(
        actor=worker, household=household, wished_kinds=["logement_social", "chrs"], wished_territories=["93"]
    )
    services.request_submit(actor=worker, insertion_request=req)
    return services.request_validate(actor=coordinator, insertion_request=req)


def build_world() -> dict:
    t93 = TerritoryFactory(code="93")
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    landlord_org = OrganizationFactory(name="Logis de la Plaine", landlord=True, territory=t93)
    chrs_org = OrganizationFactory(name="Association du Canal", territory=t93)
    referent = UserFactory(username="referente", email="referente@example.org")
    m = {
        Role.SOCIAL_WORKER: MembershipFactory(
            role=Role.SOCIAL_WORKER, organization=association, user=referent
        ),
        Role.SIAO_COORDINATOR: MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        Role.CALL_HANDLER: MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        Role.LANDLORD: MembershipFactory(role=Role.LANDLORD, organization=landlord_org),
        Role.FACILITY_MANAGER: MembershipFactory(role=Role.FACILITY_MANAGER, organization=chrs_org),
        Role.OBSERVER: MembershipFactory(role=Role.OBSERVER),
        Role.NETWORK_ADMIN: MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    flat, flat2, room = make_orientation_places(landlord=landlord_org, chrs_org=chrs_org, territory=t93)
    household = make_household(
        organization=association,
        referent=referent,
        people=[("Benoît", "Lefèvre", dt.date(1984, 7, 3)), ("Zoé", "Départie", dt.date(2010, 2, 1))],
    )
    worker, coordinator = as_member(m[Role.SOCIAL_WORKER]), as_member(m[Role.SIAO_COORDINATOR])
    today = timezone.localdate()
    return {
        "m": m,
        "worker": worker,
        "coordinator": coordinator,
        "landlord": as_member(m[Role.LANDLORD]),
        "household": household,
        "request": validated_request(household, worker, coordinator),
        "vacancy": Vacancy.objects.create(unit=flat, available_from=today),
        "vacancy2": Vacancy.objects.create(unit=flat2, available_from=today),
        "room_vacancy": Vacancy.objects.create(unit=room, available_from=today),
        "association": association,
        "landlord_org": landlord_org,
        "chrs_org": chrs_org,
    }


def propose(world, vacancy="vacancy", request=None):
    return proposals.proposal_create(
        actor=world["coordinator"], insertion_request=request or world["request"], vacancy=world[vacancy]
    )


def consent(world, organization, *, purpose="orientation", days=90):
    return household_services.consent_record(
        actor=world["worker"],
        household=world["household"],
        organization=organization,
        purpose=purpose,
        ends_on=timezone.localdate() + dt.timedelta(days=days),
    )
