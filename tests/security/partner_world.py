"""A small network for the visibility tests: one household followed by an association, its insertion
request (validated, with the commission's matching facts), a proposal on a landlord's flat or a
facility's room, an assessment, and one member of each of the seven roles.

The clock is fixed (`Clock`) so that consents start, expire and are checked on known days.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.assessments import services as assessment_services
from parcours.households import services as household_services
from parcours.households.models import Household, MoneyLine
from parcours.matching.models import RequestFacts
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation import proposals, services
from parcours.orientation.models import InsertionRequest, ProposalEvent
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    as_member,
    make_household,
)

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 3, 10)

# What only the whole file holds: the tests look for these strings on pages and in API answers.
SECRET_REASON = "Décision de la commission : violences conjugales"
SECRET_NOTE = "Note interne du SIAO sur la proposition"
SECRET_SIAO_NUMBER = "SI-93-000777"
RECOMMENDATION = "Préconisation : logement proche de l'école"
REFERENT_ORG = "Les Amarres du Canal"
ADDRESS = "12 avenue du Canal, 93000 Bobigny"


class Clock:
    """A fixed clock: `django.utils.timezone.now` answers `at` until moved."""

    def __init__(self, monkeypatch, day=TODAY):
        self.at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=PARIS)
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def move_to(self, day):
        self.at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=PARIS)


def build(partner: str = "landlord") -> SimpleNamespace:
    """The network, with a proposal on the `partner`'s place ("landlord" or "facility")."""
    t93 = TerritoryFactory(code="93")
    association = OrganizationFactory(name=REFERENT_ORG, territory=t93)
    other = OrganizationFactory(name="Autre association", territory=t93)
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    landlord = OrganizationFactory(name="Logis de la Plaine", landlord=True, territory=t93)
    chrs = OrganizationFactory(name="Association du Foyer", territory=t93)
    state = OrganizationFactory(name="DDETS 93", state=True, territory=t93)
    referent = UserFactory(username="referente", first_name="Aline", last_name="Référente")
    m = {
        Role.SOCIAL_WORKER: MembershipFactory(
            role=Role.SOCIAL_WORKER, organization=association, user=referent
        ),
        "other_worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=other),
        Role.CALL_HANDLER: MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        Role.SIAO_COORDINATOR: MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        Role.FACILITY_MANAGER: MembershipFactory(role=Role.FACILITY_MANAGER, organization=chrs),
        Role.LANDLORD: MembershipFactory(role=Role.LANDLORD, organization=landlord),
        Role.OBSERVER: MembershipFactory(role=Role.OBSERVER, organization=state),
        Role.NETWORK_ADMIN: MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    household = make_household(
        organization=association,
        referent=referent,
        people=[("Benoît", "Lefèvre", dt.date(1984, 7, 3)), ("Léa", "Lefèvre", dt.date(2015, 2, 1))],
    )
    Household.objects.filter(pk=household.pk).update(
        si_siao_number=SECRET_SIAO_NUMBER,
        address=ADDRESS,
        public_family=1,
    )
    MoneyLine.objects.create(
        household=household, is_resource=True, kind="rsa", monthly_amount=Decimal("987.65")
    )
    household = Household.objects.get(pk=household.pk)
    worker = as_member(m[Role.SOCIAL_WORKER])
    coordinator = as_member(m[Role.SIAO_COORDINATOR])
    assessment_services.assessment_save(
        actor=worker, household=household, perspective="worker", answers=[], recommendations=RECOMMENDATION
    )
    request = services.request_create(
        actor=worker, household=household, wished_kinds=["logement_social", "chrs"], wished_territories=["93"]
    )
    services.request_submit(actor=worker, insertion_request=request)
    services.request_validate(actor=coordinator, insertion_request=request)
    request = InsertionRequest.objects.get(pk=request.pk)
    RequestFacts.objects.create(
        request=request, vulnerability="P1", manual_priority=2, manual_priority_reason=SECRET_REASON
    )
    if partner == "landlord":
        facility = Facility.objects.create(
            name="Résidence du Parc", kind="logement_social", organization=landlord, territory=t93
        )
        unit = Unit.objects.create(facility=facility, label="Bât. A 12", capacity=3, typology="T2", rent=420)
        partner_org = landlord
    else:
        facility = Facility.objects.create(
            name="CHRS du Canal", kind="chrs", organization=chrs, territory=t93
        )
        unit = Unit.objects.create(facility=facility, label="Chambre 4", capacity=3, typology="room")
        partner_org = chrs
    vacancy = Vacancy.objects.create(unit=unit, available_from=timezone.localdate())
    proposal = proposals.proposal_create(actor=coordinator, insertion_request=request, vacancy=vacancy)
    ProposalEvent.objects.create(
        proposal=proposal,
        from_status=proposal.status,
        to_status=proposal.status,
        actor=coordinator,
        note=SECRET_NOTE,
    )
    return SimpleNamespace(
        m=m,
        orgs={
            "association": association,
            "other": other,
            "siao": siao,
            "partner": partner_org,
            "state": state,
        },
        household=household,
        request=request,
        proposal=proposal,
        partner=partner,
    )


def consent(world, organization, purpose, *, starts_on=None, ends_on=None):
    return household_services.consent_record(
        actor=as_member(world.m[Role.SOCIAL_WORKER]),
        household=world.household,
        organization=organization,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on or timezone.localdate() + dt.timedelta(days=90),
    )
