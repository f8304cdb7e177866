"""The demo offer: about forty facilities of every kind in real communes of Seine-Saint-Denis, about
six hundred units and some open vacancies. The facility names are invented."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership, Organization
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.core.text import de
from parcours.offers.choices import AcceptedHousehold, AcceptedSex, FacilityKind, Typology
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.territories.models import Commune, Territory

from .audit_actions import DemoAction
from .network import ASSOCIATIONS, LANDLORDS, SIAO, TERRITORY

K = FacilityKind

# Real communes of the département (INSEE code, name), for the places of the fictional facilities.
COMMUNES = [
    ("93008", "Bobigny"),
    ("93066", "Saint-Denis"),
    ("93048", "Montreuil"),
    ("93001", "Aubervilliers"),
    ("93005", "Aulnay-sous-Bois"),
    ("93010", "Bondy"),
    ("93029", "Drancy"),
    ("93031", "Épinay-sur-Seine"),
    ("93051", "Noisy-le-Grand"),
    ("93055", "Pantin"),
    ("93070", "Saint-Ouen-sur-Seine"),
    ("93071", "Sevran"),
    ("93078", "Villepinte"),
    ("93006", "Bagnolet"),
    ("93027", "La Courneuve"),
    ("93014", "Clichy-sous-Bois"),
    ("93064", "Rosny-sous-Bois"),
    ("93072", "Stains"),
    ("93007", "Le Blanc-Mesnil"),
    ("93053", "Noisy-le-Sec"),
]

# kind → (how many facilities, units per facility (min, max), the name's prefix)
PLAN = [
    (K.CHU, 8, (12, 22), "CHU"),
    (K.HOTEL, 5, (8, 14), "Hôtel"),
    (K.HALTE_NUIT, 2, (12, 20), "Halte de nuit"),
    (K.CHRS, 6, (12, 20), "CHRS"),
    (K.CHS, 2, (10, 16), "CHS"),
    (K.RESIDENCE_SOCIALE, 4, (15, 25), "Résidence sociale"),
    (K.PENSION_DE_FAMILLE, 3, (12, 20), "Pension de famille"),
    (K.RESIDENCE_ACCUEIL, 1, (15, 20), "Résidence accueil"),
    (K.FJT, 2, (18, 26), "FJT"),
    (K.IML, 3, (6, 10), "IML"),
    (K.LOGEMENT_ACCOMPAGNE, 1, (8, 12), "Logements accompagnés"),
]
LANDLORD_UNITS = (14, 22)

# typology → (capacity, surface m², monthly rent €) for ordinary dwellings
DWELLINGS = {
    Typology.T1: (1, 28, 330),
    Typology.T2: (2, 45, 420),
    Typology.T3: (4, 62, 520),
    Typology.T4: (5, 78, 610),
    Typology.T5: (6, 92, 700),
}


def demo_facilities():
    """The facilities managed by an organization of the demo network."""
    return Facility.objects.filter(
        organization__name__in=[SIAO, *ASSOCIATIONS, *LANDLORDS], organization__territory__code=TERRITORY
    )


def _rules(kind: str, rng: random.Random) -> dict:
    if kind == K.FJT:
        return {"min_age": 18, "max_age": 30, "accepted_household": AcceptedHousehold.SINGLE}
    if kind in (K.PENSION_DE_FAMILLE, K.RESIDENCE_ACCUEIL):
        return {
            "min_age": 25,
            "accepted_household": AcceptedHousehold.SINGLE,
            "pets_accepted": rng.random() < 0.5,
        }
    if kind == K.HALTE_NUIT:
        return {"min_age": 18, "accepted_sex": AcceptedSex.FEMALE if rng.random() < 0.5 else AcceptedSex.ANY}
    if kind in (K.CHU, K.CHRS, K.CHS):
        household = rng.choice([AcceptedHousehold.ANY, AcceptedHousehold.SINGLE, AcceptedHousehold.FAMILY])
        sex = rng.choice([AcceptedSex.ANY, AcceptedSex.ANY, AcceptedSex.FEMALE, AcceptedSex.MALE])
        if household == AcceptedHousehold.FAMILY:
            sex = AcceptedSex.ANY
        return {"min_age": 18, "accepted_sex": sex, "accepted_household": household}
    return {}


STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Gabriel-Péri",
    "boulevard Lénine",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue Victor-Hugo",
    "avenue Paul-Vaillant-Couturier",
    "rue de Paris",
    "chemin des Vignes",
]
ARRIVALS = [
    "Arrivée de 18 h à 22 h, départ avant 9 h.",
    "Accueil 24 h/24 ; sonner à l'interphone après 22 h.",
    "Arrivée de 19 h à 23 h. Repas servi jusqu'à 20 h 30.",
    "Ouvert de 20 h à 8 h ; se présenter avant minuit.",
]


def _access(facility: Facility, postal_codes: dict, rng: random.Random) -> None:
    """Synthetic address, reception phone (in the range that ARCEP keeps for fiction), arrival
    times and, for the 115's places, a door code and couples taken or not."""
    facility.street_address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
    facility.postcode = postal_codes.get(facility.commune_id, "")
    facility.phone = f"01 99 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
    if facility.kind in (K.CHU, K.HOTEL, K.HALTE_NUIT):
        facility.door_code = f"{rng.randint(1000, 9999)}{rng.choice('ABC')}"
        facility.opening_hours = rng.choice(ARRIVALS)
        mixed = facility.accepted_household == AcceptedHousehold.ANY
        facility.couples_accepted = mixed and rng.random() < 0.6
        facility.pets_accepted = facility.pets_accepted or rng.random() < 0.3


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _units(facility: Facility, count: int, rng: random.Random) -> list[Unit]:
    kind = facility.kind
    units = []
    for n in range(1, count + 1):
        accessible = rng.random() < (0.15 if facility.wheelchair_accessible else 0.03)
        if kind == K.HALTE_NUIT:
            unit = Unit(label=f"Lit {n}", capacity=1, typology=Typology.BED)
        elif kind in (K.CHU, K.HOTEL, K.CHS, K.CHRS):
            family = facility.accepted_household != AcceptedHousehold.SINGLE and rng.random() < 0.4
            capacity = rng.randint(2, 5) if family else 1
            unit = Unit(label=f"Chambre {n}", capacity=capacity, typology=Typology.ROOM)
            if kind == K.CHRS:
                unit.rent = _money(rng.randint(50, 150))
        elif kind in (K.RESIDENCE_SOCIALE, K.PENSION_DE_FAMILLE, K.RESIDENCE_ACCUEIL, K.FJT):
            unit = Unit(
                label=f"Logement {n}",
                capacity=1 if rng.random() < 0.85 else 2,
                typology=Typology.T1,
                surface=Decimal(rng.randint(15, 30)),
                rent=_money(rng.randint(380, 520)),
                charges=_money(rng.randint(40, 80)),
            )
        else:
            typology = rng.choices(list(DWELLINGS), weights=[20, 30, 30, 15, 5])[0]
            capacity, surface, rent = DWELLINGS[typology]
            building = "ABCD"[rng.randrange(4)]
            unit = Unit(
                label=f"Bât. {building}, lgt {n}",
                capacity=capacity,
                typology=typology,
                surface=Decimal(surface + rng.randint(-5, 6)),
                rent=_money(rent * rng.uniform(0.9, 1.15)),
                charges=_money(rng.randint(60, 160)),
            )
        unit.facility = facility
        unit.accessible = accessible
        units.append(unit)
    return units


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the demo offer once; return how many facilities were created (0 when already there)."""
    if demo_facilities().exists():
        return 0
    territory = Territory.objects.get(code=TERRITORY)
    organizations = {o.name: o for o in Organization.objects.filter(territory=territory)}
    associations = [organizations[name] for name in ASSOCIATIONS if name in organizations]
    landlords = [organizations[name] for name in LANDLORDS if name in organizations]
    if not associations or SIAO not in organizations:
        return 0
    known = {c.code: c for c in Commune.objects.filter(code__in=[code for code, _name in COMMUNES])}
    finess_rng = random.Random(930)

    facilities: list[tuple[Facility, int]] = []
    used: set[str] = set()
    n = 0
    for kind, count, (low, high), prefix in PLAN:
        for _i in range(count):
            code, commune_name = COMMUNES[n % len(COMMUNES)]
            # The SIAO books the hotel nights; the other places are run by the associations, the demo
            # facility manager's association first so that her pages are never empty.
            organization = organizations[SIAO] if kind == K.HOTEL else associations[n % len(associations)]
            name = (
                f"{prefix} {organization.name} — {commune_name}"
                if kind != K.HOTEL
                else (
                    f"{prefix} {rng.choice(['du Canal', 'de la Gare', 'Central', 'des Lilas', 'du Parc'])} — "
                    f"{commune_name}"
                )
            )
            while name in used:
                name += " II"
            used.add(name)
            facility = Facility(
                name=name,
                kind=kind,
                organization=organization,
                territory=territory,
                commune=known.get(code),
                finess="93" + "".join(str(finess_rng.randrange(10)) for _ in range(7))
                if kind not in (K.HOTEL, K.IML)
                else "",
                wheelchair_accessible=rng.random() < 0.35,
                **_rules(kind, rng),
            )
            facilities.append((facility, rng.randint(low, high)))
            n += 1
    for i, landlord in enumerate(landlords):
        code, commune_name = COMMUNES[(n + 3 * i) % len(COMMUNES)]
        facility = Facility(
            name=f"{landlord.name} — résidence {de(commune_name)}",
            kind=K.LOGEMENT_SOCIAL,
            organization=landlord,
            territory=territory,
            commune=known.get(code),
            siret=landlord.siret,
            wheelchair_accessible=rng.random() < 0.5,
        )
        facilities.append((facility, rng.randint(*LANDLORD_UNITS)))

    # A generator of its own, so that the rest of the demo stays what it was.
    access_rng = random.Random(9315)
    postal_codes = {c.pk: (c.postal_codes or [""])[0] for c in known.values()}
    for facility, _count in facilities:
        _access(facility, postal_codes, access_rng)
    Facility.objects.bulk_create([f for f, _count in facilities])
    units = [u for facility, count in facilities for u in _units(facility, count, rng)]
    Unit.objects.bulk_create(units, batch_size=500)

    managers: dict[int, list] = {}
    for m in Membership.objects.filter(
        active=True, role__in=[Role.FACILITY_MANAGER, Role.LANDLORD], organization__territory=territory
    ).select_related("user"):
        managers.setdefault(m.organization_id, []).append(m.user)
    now = timezone.now()
    today = timezone.localdate()
    vacancies = []
    for unit in units:
        emergency = unit.facility.emergency
        if rng.random() < (0.12 if emergency else 0.06):
            declared = now - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
            people = managers.get(unit.facility.organization_id) or [None]
            vacancies.append(
                Vacancy(
                    unit=unit,
                    available_from=today + timedelta(days=0 if emergency else rng.randint(-5, 45)),
                    declared_by=rng.choice(people),
                    declared_at=declared,
                    created_at=declared,
                )
            )
    Vacancy.objects.bulk_create(vacancies)
    audit.record_write(actor=None, action=DemoAction.OFFERS_SEED, fields=["facilities", "units", "vacancies"])
    return len(facilities)
