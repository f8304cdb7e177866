"""About 2,000 fictional households followed by the demo network of Seine-Saint-Denis (93).

Single men and women of every adult age, 18–25 year-olds, couples, single-parent and two-parent
families; each with a dated path (street → 115 → hotel → CHU/CHRS → housing…), resources by
source, identifiers for some, a few consents and protected files. People are random combinations
of common names (`names.py`): any resemblance to a real person is accidental.

Written with bulk_create for speed, so `Person.search_text` is folded here (save() is bypassed).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership, Organization, User
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.core.text import fold
from parcours.households.choices import (
    SUGGESTED_FAMILY,
    ChargeKind,
    ConsentPurpose,
    DaloDecision,
    InformedHow,
    Relationship,
    ResourceKind,
    Sex,
    Situation,
)
from parcours.households.models import Consent, Household, MoneyLine, Person, SituationPeriod
from parcours.households.querysets import consent_last_day
from parcours.territories.models import Commune, Territory

from . import names
from .audit_actions import DemoAction
from .network import ASSOCIATIONS, SIAO, TERRITORY

HOUSEHOLDS = 2000
BATCH = 500
SIAO_SHARE = 0.10  # files opened by the SIAO itself (115, évaluation flash): no referent user

# Households by composition: (kind, weight).
KINDS = [
    ("single_man", 30),
    ("single_woman", 12),
    ("young", 10),  # 18–25, alone
    ("couple", 5),
    ("single_parent", 25),
    ("two_parents", 16),
    ("with_relative", 2),  # an adult with a parent, brother or sister
]
CHILDREN = [(1, 35), (2, 30), (3, 18), (4, 10), (5, 7)]
PERIODS = [(1, 30), (2, 35), (3, 22), (4, 13)]

S = Situation
# Where people come from before their first recorded situation.
START_SINGLE = [
    (S.STREET, 33),
    (S.FAMILY_OR_FRIENDS, 25),
    (S.EMERGENCY_NIGHT, 15),
    (S.SQUAT, 8),
    (S.INSTITUTION, 7),
    (S.OWN_HOUSING, 8),
    (S.HOTEL, 4),
]
START_FAMILY = [
    (S.FAMILY_OR_FRIENDS, 35),
    (S.EMERGENCY_NIGHT, 22),
    (S.HOTEL, 15),
    (S.SQUAT, 8),
    (S.OWN_HOUSING, 14),
    (S.STREET, 6),
]
# The next situation, from the current one (a realistic path, with steps back).
NEXT = {
    S.STREET: [
        (S.EMERGENCY_NIGHT, 40),
        (S.CHU, 20),
        (S.FAMILY_OR_FRIENDS, 15),
        (S.SQUAT, 10),
        (S.HOTEL, 10),
        (S.INSTITUTION, 5),
    ],
    S.EMERGENCY_NIGHT: [(S.CHU, 35), (S.HOTEL, 30), (S.STREET, 25), (S.FAMILY_OR_FRIENDS, 10)],
    S.HOTEL: [(S.CHRS, 30), (S.CHU, 25), (S.FAMILY_OR_FRIENDS, 12), (S.STREET, 8), (S.OWN_HOUSING, 4)],
    S.SQUAT: [(S.STREET, 35), (S.EMERGENCY_NIGHT, 30), (S.CHU, 20), (S.FAMILY_OR_FRIENDS, 15)],
    S.FAMILY_OR_FRIENDS: [
        (S.STREET, 30),
        (S.EMERGENCY_NIGHT, 30),
        (S.HOTEL, 20),
        (S.CHRS, 12),
        (S.SQUAT, 8),
    ],
    S.CHU: [
        (S.CHRS, 45),
        (S.FAMILY_OR_FRIENDS, 15),
        (S.STREET, 15),
        (S.OWN_HOUSING, 10),
        (S.HOTEL, 10),
        (S.INSTITUTION, 5),
    ],
    S.CHRS: [(S.OWN_HOUSING, 60), (S.FAMILY_OR_FRIENDS, 20), (S.CHU, 10), (S.STREET, 10)],
    S.INSTITUTION: [(S.CHU, 30), (S.CHRS, 30), (S.STREET, 30), (S.FAMILY_OR_FRIENDS, 10)],
    S.OWN_HOUSING: [(S.FAMILY_OR_FRIENDS, 40), (S.EMERGENCY_NIGHT, 20), (S.HOTEL, 20), (S.STREET, 20)],
}
# Families are sheltered in hotels by the 115 far more than they stay in the street.
FAMILY_FACTOR = {S.HOTEL: 3.0, S.STREET: 0.3, S.CHU: 0.6, S.INSTITUTION: 0.2}

STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Gabriel-Péri",
    "boulevard Anatole-France",
    "rue Paul-Vaillant-Couturier",
    "allée des Tilleuls",
    "rue des Écoles",
    "avenue du Général-de-Gaulle",
    "rue Pasteur",
    "rue Victor-Hugo",
    "rue Danielle-Casanova",
    "avenue Henri-Barbusse",
    "rue du Moulin",
    "chemin des Vignes",
    "rue Jules-Guesde",
    "place de la Mairie",
    "rue Lénine",
    "avenue de la Division-Leclerc",
    "rue des Lilas",
    "impasse des Peupliers",
]
HOTELS = ["du Canal", "Étoile", "Bel Air", "de la Gare", "Les Acacias", "Central", "du Parc", "Ibis Plaine"]
SHELTERS = ["Les Tilleuls", "La Passerelle", "Le Phare", "L'Escale", "Le Trait d'Union", "Les Glycines"]
COMMUNES_FALLBACK = [("93000", "Bobigny"), ("93200", "Saint-Denis"), ("93100", "Montreuil")]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _birth(rng: random.Random, today: date, min_age: float, max_age: float) -> date:
    days = rng.randint(int(min_age * 365.25), int(max_age * 365.25) - 1)
    return today - timedelta(days=days)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class Member:
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    relationship: str


@dataclass
class Plan:
    kind: str
    members: list[Member]
    origin: str
    path: list[tuple[str, date]] = field(default_factory=list)

    @property
    def head(self) -> Member:
        return self.members[0]

    @property
    def children(self) -> int:
        return sum(1 for m in self.members if m.relationship == Relationship.CHILD)

    @property
    def adults(self) -> int:
        return len(self.members) - self.children

    @property
    def current(self) -> str:
        return self.path[-1][0]


class People:
    """Names drawn so that a family mostly shares an origin, with mixed couples and French first
    names given to children as often happens."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.origins = [(o, o.weight) for o in names.ORIGINS]
        self.france = names.ORIGIN_BY_CODE["france"]

    def origin(self):
        return _pick(self.rng, self.origins)

    def first(self, origin, sex: str) -> str:
        return self.rng.choice(origin.male if sex == Sex.MALE else origin.female)

    def last(self, origin) -> str:
        name = self.rng.choice(origin.last)
        if origin is self.france and self.rng.random() < 0.04:
            other = self.rng.choice(origin.last)
            if other != name:
                name = f"{name}-{other}"
        return name

    def child_first(self, origin, sex: str) -> str:
        return self.first(self.france if self.rng.random() < 0.3 else origin, sex)


def _compose(rng: random.Random, people: People, today: date) -> Plan:
    kind = _pick(rng, KINDS)
    origin = people.origin()
    last = people.last(origin)
    members: list[Member] = []

    def adult(sex, min_age, max_age, relationship=Relationship.HEAD, of=origin, last_name=last):
        born = _birth(rng, today, min_age, max_age)
        members.append(Member(people.first(of, sex), last_name, born, sex, relationship))
        return born

    if kind == "single_man":
        adult(Sex.MALE, 26, _pick(rng, [(45, 50), (62, 35), (82, 15)]))
    elif kind == "single_woman":
        adult(Sex.FEMALE, 26, _pick(rng, [(45, 50), (62, 35), (82, 15)]))
    elif kind == "young":
        adult(Sex.MALE if rng.random() < 0.7 else Sex.FEMALE, 18, 26)
    elif kind == "with_relative":
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        adult(sex, 25, 55)
        adult(rng.choice([Sex.MALE, Sex.FEMALE]), 20, 85, Relationship.OTHER)
    else:
        if kind == "single_parent":
            parent_sex = Sex.FEMALE if rng.random() < 0.88 else Sex.MALE
            born = adult(parent_sex, 19, 52)
        else:
            born = adult(Sex.MALE, 21, 55)
            spouse_origin = origin if rng.random() < 0.85 else people.origin()
            spouse_last = last if rng.random() < 0.5 else people.last(spouse_origin)
            parent_age = _age(born, today)
            adult(
                Sex.FEMALE,
                max(18, parent_age - 12),
                max(19, min(parent_age + 5, 55)),
                Relationship.SPOUSE,
                of=spouse_origin,
                last_name=spouse_last,
            )
        if kind != "couple":
            # The youngest parent was at least 17 at each birth; a few babies under one.
            youngest = max(m.birth_date for m in members)
            oldest_child_age = min(17.9, max(0.2, _age(youngest, today) - 17))
            # Not five children at twenty: about one child per two years of adult life, at least one.
            count = min(_pick(rng, CHILDREN), max(1, (_age(youngest, today) - 16) // 2))
            for n in range(count):
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                if n == count - 1 and rng.random() < 0.2:
                    child_born = _birth(rng, today, 0.02, 1)
                else:
                    child_born = _birth(rng, today, 0.1, max(0.3, oldest_child_age))
                members.append(
                    Member(people.child_first(origin, sex), last, child_born, sex, Relationship.CHILD)
                )
    return Plan(kind, members, origin.code)


def _weighted_next(options, family: bool):
    if not family:
        return options
    return [(s, w * FAMILY_FACTOR.get(s, 1.0)) for s, w in options]


def _path(rng: random.Random, plan: Plan, today: date) -> list[tuple[str, date]]:
    """1–4 dated periods over the last three years; the last one is the current situation."""
    family = plan.children > 0
    prevention = rng.random() < 0.08  # at home, at risk of losing it (unpaid rent, eviction)
    if prevention:
        steps = [S.OWN_HOUSING] if rng.random() < 0.6 else [rng.choice([S.CHRS, S.HOTEL]), S.OWN_HOUSING]
    else:
        steps = [_pick(rng, START_FAMILY if family else START_SINGLE)]
    first = today - timedelta(days=rng.randint(20, 3 * 365))
    span = (today - first).days
    if not prevention:
        # About one change every two months at most: a recent file has a short history.
        for _ in range(min(_pick(rng, PERIODS), 1 + span // 60) - 1):
            options = [(s, w) for s, w in NEXT[steps[-1]] if s != steps[-1]]
            steps.append(_pick(rng, _weighted_next(options, family)))
    cuts = sorted(rng.sample(range(1, span), len(steps) - 1)) if len(steps) > 1 else []
    return [(s, first + timedelta(days=c)) for s, c in zip(steps, [0, *cuts], strict=True)]


def _resources(rng: random.Random, plan: Plan, today: date) -> list[tuple[bool, str, float]]:
    """Monthly resources by source, and charges for some: rough 2025 amounts."""
    lines: list[tuple[bool, str, float]] = []
    head_age = _age(plan.head.birth_date, today)
    size = len(plan.members)
    housed = plan.current in (S.OWN_HOUSING, S.CHRS, S.CHU, S.FAMILY_OR_FRIENDS)
    foreign = plan.origin != "france"
    if head_age >= 62 and rng.random() < 0.75:
        lines.append((True, ResourceKind.PENSION, rng.uniform(620, 1350)))
    else:
        main = _pick(
            rng,
            [
                (ResourceKind.RSA, 34 if head_age >= 25 or plan.children else 6),
                (ResourceKind.SALARY, 22),
                (ResourceKind.ADA, 14 if foreign and plan.current != S.OWN_HOUSING else 0),
                (ResourceKind.UNEMPLOYMENT, 8),
                (ResourceKind.AAH, 7),
                ("none", 13),
            ],
        )
        if main == ResourceKind.RSA:
            factor = (
                1 + 0.5 * (plan.adults > 1) + 0.3 * min(plan.children, 2) + 0.4 * max(plan.children - 2, 0)
            )
            lines.append((True, main, 646.52 * factor * (0.88 if housed else 1)))
        elif main == ResourceKind.SALARY:
            lines.append((True, main, rng.uniform(450, 1750)))
        elif main == ResourceKind.ADA:
            unsheltered = plan.current not in (S.CHU, S.CHRS)
            lines.append((True, main, 30 * (6.80 + 3.40 * (size - 1) + 7.40 * unsheltered)))
        elif main == ResourceKind.UNEMPLOYMENT:
            lines.append((True, main, rng.uniform(620, 1400)))
        elif main == ResourceKind.AAH:
            lines.append((True, main, 1033.32))
    if plan.adults > 1 and rng.random() < 0.2:
        lines.append((True, ResourceKind.SALARY, rng.uniform(400, 1500)))
    if plan.children and (plan.children >= 2 or rng.random() < 0.6):
        # Allocations familiales from the second child, PAJE for a child under 3, ASF alone.
        amount = {1: 0, 2: 148.52, 3: 338.81}.get(plan.children, 338.81 + 190.29 * (plan.children - 3))
        if any(m.relationship == Relationship.CHILD and _age(m.birth_date, today) < 3 for m in plan.members):
            amount += 192.09
        if plan.adults == 1:
            amount += 199.19 * plan.children
        if amount:
            lines.append((True, ResourceKind.FAMILY_BENEFITS, amount))
    if plan.current == S.OWN_HOUSING:
        lines.append((True, ResourceKind.HOUSING_BENEFIT, rng.uniform(180, 460)))
        lines.append((False, ChargeKind.RENT, rng.uniform(420, 980)))
        lines.append((False, ChargeKind.ENERGY, rng.uniform(55, 160)))
        if rng.random() < 0.7:
            lines.append((False, ChargeKind.INSURANCE, rng.uniform(12, 32)))
        if rng.random() < 0.3:
            lines.append((False, ChargeKind.DEBT, rng.uniform(30, 250)))
    elif plan.current in (S.CHRS, S.CHU) and lines and rng.random() < 0.7:
        total = sum(amount for is_resource, _kind, amount in lines if is_resource)
        lines.append((False, ChargeKind.RENT, total * rng.uniform(0.1, 0.15)))
    if plan.children and any(k == ResourceKind.SALARY for _r, k, _a in lines) and rng.random() < 0.3:
        lines.append((False, ChargeKind.CHILDCARE, rng.uniform(60, 250)))
    return lines


def _address(rng: random.Random, situation: str, communes) -> str:
    postcode, commune = rng.choice(communes)
    street = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {postcode} {commune}"
    if situation == S.OWN_HOUSING:
        return street + (
            f" (bât. {rng.choice('ABCDE')}, {rng.randint(1, 12)}e étage)" if rng.random() < 0.5 else ""
        )
    if situation == S.HOTEL:
        return f"Hôtel {rng.choice(HOTELS)}, chambre {rng.randint(1, 60)}, {street}"
    if situation in (S.CHU, S.CHRS):
        return f"{'CHU' if situation == S.CHU else 'CHRS'} {rng.choice(SHELTERS)}, {street}"
    if situation == S.FAMILY_OR_FRIENDS:
        return f"Hébergé·e chez un tiers, {street}"
    if situation == S.INSTITUTION:
        return f"Centre hospitalier de la Dhuys (démo), service {rng.randint(1, 9)}, {commune}"
    return f"Domiciliation : CCAS de {commune}"


def _phone(rng: random.Random) -> str:
    # The ARCEP keeps 06 39 98 xx xx for works of fiction: no real subscriber has these numbers.
    n = rng.randrange(10_000)
    return f"06 39 98 {n // 100:02d} {n % 100:02d}"


def _aware(day: date, rng: random.Random) -> datetime:
    moment = time(rng.randint(8, 18), rng.randrange(60))
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def _network():
    territory = Territory.objects.get(code=TERRITORY)
    organizations = {o.name: o for o in Organization.objects.filter(territory=territory)}
    siao = organizations[SIAO]
    associations = [organizations[name] for name in ASSOCIATIONS if name in organizations]
    workers: dict[int, list[User]] = {}
    for m in (
        Membership.objects.filter(role=Role.SOCIAL_WORKER, active=True, organization__in=associations)
        .select_related("user")
        .order_by("organization_id", "user__username")
    ):
        workers.setdefault(m.organization_id, []).append(m.user)
    associations = [a for a in associations if workers.get(a.pk)]
    siao_staff = list(
        User.objects.filter(
            memberships__organization=siao,
            memberships__role__in=[Role.CALL_HANDLER, Role.SIAO_COORDINATOR],
        )
        .distinct()
        .order_by("username")
    )
    return territory, siao, associations, workers, siao_staff


SPECIALISED = {"Escale Jeunes 93", "Familles en Chemin", "Relais Femmes Solidaires"}


def _referent_organization(rng, plan: Plan, by_name, associations):
    """The specialised associations follow their own public; the others share the rest."""
    woman_alone = plan.head.sex == Sex.FEMALE and plan.adults == 1
    if plan.kind == "young" and rng.random() < 0.5 and "Escale Jeunes 93" in by_name:
        return by_name["Escale Jeunes 93"]
    if plan.children and rng.random() < 0.25 and "Familles en Chemin" in by_name:
        return by_name["Familles en Chemin"]
    if woman_alone and rng.random() < 0.3 and "Relais Femmes Solidaires" in by_name:
        return by_name["Relais Femmes Solidaires"]
    general = [a for a in associations if a.name not in SPECIALISED]
    return rng.choice(general or associations)


def demo_households():
    """The households whose referent organization belongs to the demo network."""
    return Household.objects.filter(
        referent_organization__name__in=[SIAO, *ASSOCIATIONS],
        referent_organization__territory__code=TERRITORY,
    )


@transaction.atomic
def seed(rng: random.Random, count: int = HOUSEHOLDS) -> int:
    """Create the demo households once; return how many were created (0 when already there)."""
    if demo_households().exists():
        return 0
    territory, siao, associations, workers, siao_staff = _network()
    if not associations:
        return 0
    by_name = {a.name: a for a in associations}
    communes = [
        (c.postal_codes[0] if c.postal_codes else c.code, c.name)
        for c in Commune.objects.filter(territory=territory, is_arrondissement=False).order_by("code")
    ] or COMMUNES_FALLBACK
    today = timezone.localdate()
    now = timezone.now()
    people = People(rng)

    plans: list[Plan] = []
    households: list[Household] = []
    referents: list[User | None] = []
    for n in range(count):
        plan = _compose(rng, people, today)
        plan.path = _path(rng, plan, today)
        current = plan.current
        by_siao = rng.random() < SIAO_SHARE * (2 if current in (S.STREET, S.EMERGENCY_NIGHT) else 0.8)
        if by_siao:
            organization, referent = siao, None
        else:
            organization = _referent_organization(rng, plan, by_name, associations)
            referent = rng.choice(workers[organization.pk])
        woman_alone = plan.head.sex == Sex.FEMALE and plan.adults == 1
        protected = referent is not None and rng.random() < (0.09 if woman_alone else 0.008)
        started = plan.path[0][1]
        since_current = plan.path[-1][1]
        household = Household(
            territory=territory,
            referent_organization=organization,
            referent=referent,
            public_family=SUGGESTED_FAMILY.get(current),
            protected=protected,
            created_at=_aware(started, rng),
            last_contact_at=min(now, _aware(since_current + timedelta(days=rng.randint(0, 90)), rng)),
        )
        if current in (S.SQUAT, S.FAMILY_OR_FRIENDS) and plan.children and rng.random() < 0.15:
            # Worker's choice: a family hosted by a third party, but in danger at once.
            household.public_family = SUGGESTED_FAMILY[S.STREET]
            household.public_family_reason = "Hébergement chez un tiers rompu sous quelques jours."
        _identifiers(rng, household, plan, n, territory, today)
        if rng.random() < 0.45 and current != S.STREET:
            household.address = _address(rng, current, communes)
        if rng.random() < 0.6:
            household.phone = _phone(rng)
        plans.append(plan)
        households.append(household)
        referents.append(referent)

    Household.objects.bulk_create(households, batch_size=BATCH)

    persons, periods, money, viewers = [], [], [], []
    for household, plan, referent in zip(households, plans, referents, strict=True):
        for m in plan.members:
            persons.append(
                Person(
                    household=household,
                    first_name=m.first_name,
                    last_name=m.last_name,
                    birth_date=m.birth_date,
                    sex=m.sex,
                    relationship=m.relationship,
                    search_text=fold(f"{m.first_name} {m.last_name}"),
                    created_at=household.created_at,
                )
            )
        recorder = referent or (rng.choice(siao_staff) if siao_staff else None)
        for i, (situation, started_on) in enumerate(plan.path):
            ended_on = plan.path[i + 1][1] if i + 1 < len(plan.path) else None
            periods.append(
                SituationPeriod(
                    household=household,
                    situation=situation,
                    started_on=started_on,
                    ended_on=ended_on,
                    recorded_by=recorder,
                )
            )
        for is_resource, kind, amount in _resources(rng, plan, today):
            money.append(
                MoneyLine(
                    household=household,
                    is_resource=is_resource,
                    kind=kind,
                    monthly_amount=Decimal(f"{amount:.2f}"),
                )
            )
        if household.protected:
            viewers.append(Household.protected_viewers.through(household=household, user=referent))
    Person.objects.bulk_create(persons, batch_size=BATCH)
    SituationPeriod.objects.bulk_create(periods, batch_size=BATCH)
    MoneyLine.objects.bulk_create(money, batch_size=BATCH)
    Household.protected_viewers.through.objects.bulk_create(viewers, batch_size=BATCH)
    Consent.objects.bulk_create(
        _consents(rng, households, referents, associations, today, now), batch_size=BATCH
    )
    audit.record_write(actor=None, action=DemoAction.HOUSEHOLDS_SEED, fields=["households"])
    return len(households)


def _identifiers(rng, household: Household, plan: Plan, n: int, territory, today: date) -> None:
    current = plan.current
    started = plan.path[0][1]
    if rng.random() < (0.8 if current in (S.CHU, S.CHRS, S.HOTEL) else 0.45):
        household.si_siao_number = f"SIAO93-{started.year}-{n + 1:06d}"
    wants_housing = current in (S.CHRS, S.HOTEL, S.OWN_HOUSING, S.CHU) or plan.children
    if rng.random() < (0.55 if wants_housing else 0.2):
        filed = started - timedelta(days=rng.randint(0, 900))
        # Numéro unique: département (093), month and year of filing, then a sequence: 18 characters.
        household.sne_number = f"093{filed:%m%y}{rng.randrange(10**11):011d}"
        if rng.random() < 0.15:
            household.dalo_decision = DaloDecision.DALO
            household.dalo_decision_on = min(today, filed + timedelta(days=rng.randint(120, 700)))
            household.dalo_territory = territory
        if current in (S.CHU, S.CHRS, S.HOTEL) and rng.random() < 0.2:
            household.syplo_labelled = True
            household.syplo_labelled_on = min(today, started + timedelta(days=rng.randint(60, 600)))
    if not household.dalo_decision and current in (S.STREET, S.EMERGENCY_NIGHT) and rng.random() < 0.05:
        household.dalo_decision = DaloDecision.DAHO
        household.dalo_decision_on = today - timedelta(days=rng.randint(10, 500))
        household.dalo_territory = territory


def _consents(rng, households, referents, associations, today: date, now: datetime) -> list[Consent]:
    """A few consents to share with another association, some expired, some withdrawn. The demo
    social worker's association receives more of them, so that she has shared files to open."""
    consents = []
    targets = [(a, 4 if a.name == ASSOCIATIONS[0] else 1) for a in associations]
    for household, referent in zip(households, referents, strict=True):
        if referent is None or rng.random() >= 0.07:
            continue
        others = [(a, w) for a, w in targets if a.pk != household.referent_organization_id]
        starts_on = today - timedelta(days=rng.randint(0, 700))
        ends_on = starts_on + timedelta(days=rng.choice([90, 180, 365, 365]))
        ends_on = min(ends_on, consent_last_day(starts_on))
        consent = Consent(
            household=household,
            organization=_pick(rng, others),
            purpose=rng.choice([ConsentPurpose.ORIENTATION, ConsentPurpose.SUPPORT]),
            starts_on=starts_on,
            ends_on=ends_on,
            informed_how=_pick(
                rng,
                [
                    (InformedHow.ORALLY, 4),
                    (InformedHow.WRITTEN, 3),
                    (InformedHow.SIGNED, 2),
                    (InformedHow.INTERPRETER, 2),
                ],
            ),
            recorded_by=referent,
            created_at=_aware(starts_on, rng),
        )
        if ends_on >= today and rng.random() < 0.15:
            consent.revoked_at = min(now, _aware(starts_on + timedelta(days=rng.randint(1, 60)), rng))
            consent.revoked_by = referent
        consents.append(consent)
    return consents
