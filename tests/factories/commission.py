"""A realistic week of the orientation commission of a département (issue 15): the agenda of one
session prepared with `n_requests` submitted requests and `n_vacancies` open vacancies, the validated
requests waiting for a place (the households a vacancy line offers), a few with a vulnerability
priority, and proposals answered since the previous session.

    week = commission_week()                   70 requests, 45 vacancies, 60 validated, 12 answered
    week["commission"], week["coordinator"]    the session (agenda prepared) and its SIAO coordinator

Used by the commission's tests, its browser test and bench/bench_commission.py.
"""

import datetime as dt
import itertools

from django.utils import timezone

from .accounts import MembershipFactory, OrganizationFactory, TerritoryFactory, as_member
from .households import HouseholdFactory
from .offers import FacilityFactory, UnitFactory, VacancyFactory
from .orientation import InsertionRequestFactory, ProposalFactory

FIRST = [
    "Awa",
    "Karim",
    "Jeanne",
    "Moussa",
    "Inès",
    "Paul",
    "Fatou",
    "Yanis",
    "Léa",
    "Samir",
    "Nadia",
    "Hugo",
]
LAST = ["Diallo", "Martin", "Benali", "Rossi", "Traoré", "Lefèvre", "Nguyen", "Petit", "Mendes", "Bernard"]
FEMALE = {"Awa", "Jeanne", "Inès", "Fatou", "Léa", "Nadia"}
KINDS = ["logement_social", "chrs", "residence_sociale", "pension_de_famille", "logement_accompagne"]


def _people(i: int, today: dt.date):
    first = FIRST[i % len(FIRST)]
    last = LAST[(i // len(FIRST)) % len(LAST)]
    people = [(first, last, dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 27))]
    if i % 3 == 1:
        people.append((FIRST[(i + 5) % len(FIRST)], last, dt.date(1975 + i % 20, 3, 4), "spouse"))
    for child in range(i % 4 if i % 2 == 0 else 0):
        people.append(
            (FIRST[(i + child + 2) % len(FIRST)], last, today - dt.timedelta(days=365 * (3 + child)))
        )
    return people


def commission_week(*, n_requests=70, n_vacancies=45, n_validated=60, n_answered=12, territory="93"):
    from parcours.matching.models import RequestFacts
    from parcours.orientation import commissions

    today = timezone.localdate()
    now = timezone.now()
    t = TerritoryFactory(code=territory)
    elsewhere = TerritoryFactory(code="75" if territory != "75" else "92")
    siao = OrganizationFactory(name=f"SIAO {territory}", siao=True, territory=t)
    coordinator = as_member(MembershipFactory(role="siao_coordinator", organization=siao))
    associations = [OrganizationFactory(name=f"Association {n}", territory=t) for n in range(4)]
    counter = itertools.count()

    def household():
        from parcours.households.models import Person

        i = next(counter)
        made = HouseholdFactory(
            territory=t,
            referent_organization=associations[i % len(associations)],
            people=_people(i, today),
            protected=(i % 29 == 7),
        )
        Person.objects.filter(household=made, first_name__in=FEMALE).update(sex="F")
        Person.objects.filter(household=made).exclude(first_name__in=FEMALE).update(sex="M")
        return made

    submitted = []
    for i in range(n_requests):
        r = InsertionRequestFactory(
            household=household(),
            submitted=True,
            submitted_at=now - dt.timedelta(days=1 + i % 40),
            wished_kinds=[KINDS[i % len(KINDS)], KINDS[(i + 2) % len(KINDS)]],
            wished_territories=[territory],
        )
        submitted.append(r)
    validated = []
    for i in range(n_validated):
        r = InsertionRequestFactory(
            household=household(),
            validated=True,
            seniority_date=today - dt.timedelta(days=30 + 7 * i),
            wished_kinds=[KINDS[i % len(KINDS)]],
            wished_territories=[territory],
        )
        validated.append(r)
    for i, r in enumerate(submitted[::5] + validated[::4]):
        RequestFacts.objects.create(
            request=r,
            vulnerability=["P1", "P2", "P3", "P4"][i % 4],
            manual_priority=10 if i % 3 == 0 else 0,
            manual_priority_reason="Sortie d'hôpital prévue" if i % 3 == 0 else "",
        )
    landlords = [OrganizationFactory(name=f"Bailleur {n}", landlord=True, territory=t) for n in range(3)]
    facilities = [
        FacilityFactory(
            name=f"Résidence {name}", kind=KINDS[n % len(KINDS)], territory=t, organization=landlords[n % 3]
        )
        for n, name in enumerate(
            ["du Parc", "des Lilas", "Jean Jaurès", "du Canal", "Les Tilleuls", "Voltaire"]
        )
    ]
    vacancies = [
        VacancyFactory(
            unit=UnitFactory(facility=facilities[i % len(facilities)], label=f"Logement {100 + i}"),
            available_from=today + dt.timedelta(days=i % 20),
        )
        for i in range(n_vacancies)
    ]
    # Answers since the previous session, on places of another département (so they do not add
    # vacancies to this agenda): accepted, then refused by the household or by the facility.
    far = FacilityFactory(name="Résidence Lointaine", territory=elsewhere)
    answered = []
    for i in range(n_answered):
        kind = {0: "accepted", 1: "refused", 2: "admitted"}[i % 3]
        answered.append(
            ProposalFactory(
                **{kind: True},
                request__household=household(),
                vacancy__unit=UnitFactory(facility=far, label=f"Chambre {i}"),
                answered_at=now - dt.timedelta(days=1 + i),
            )
        )
    commission = commissions.commission_create(actor=coordinator, territory=t, held_on=today, title="")
    commissions.agenda_prepare(actor=coordinator, commission=commission)
    return {
        "territory": t,
        "coordinator": coordinator,
        "commission": commission,
        "submitted": submitted,
        "validated": validated,
        "vacancies": vacancies,
        "answered": answered,
    }
