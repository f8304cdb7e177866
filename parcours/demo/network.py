"""A fictional Seine-Saint-Denis network: the SIAO operator, associations, landlords, the State, partners.

Every name here is invented; any resemblance to a real organization or person is accidental.
"""

import random
from dataclasses import dataclass

from django.db import transaction

from parcours.accounts import services
from parcours.accounts.models import Organization, User
from parcours.accounts.roles import OrganizationType, Role

DEMO_PASSWORD = "demo-parcours-93"  # noqa: S105  (public demo credentials, documented in the README)  # nosec B105
TERRITORY = "93"

SIAO = "Passerelles 93 — SIAO"
ASSOCIATIONS = [
    "Abri du Canal",
    "Les Amarres",
    "Toit Partagé",
    "Horizon Logement Solidaire",
    "La Main Tendue de l'Ourcq",
    "Entraide des Lilas",
    "Relais Femmes Solidaires",
    "Le Pas de Côté",
    "Escale Jeunes 93",
    "Maison du Lien",
    "Ancrages",
    "Cap Habitat",
    "La Halte Fraternelle",
    "Familles en Chemin",
    "Solidarités Plaine de France",
]
LANDLORDS = ["Habitat Est Francilien", "Logis de la Plaine", "Foncière du Canal", "Toits Solidaires HLM"]
STATE_SERVICE = "Service départemental de l'État — cohésion sociale (démo)"
PARTNERS = [
    "CCAS de démonstration",
    "Centre hospitalier de la Dhuys (démo)",
    "Service social départemental (démo)",
]

FIRST_NAMES = [
    "Amina",
    "Karim",
    "Sophie",
    "Julien",
    "Fatou",
    "Mehdi",
    "Claire",
    "Thomas",
    "Nadia",
    "Yann",
    "Leïla",
    "Olivier",
    "Awa",
    "Rachid",
    "Émilie",
    "Hugo",
    "Inès",
    "Samuel",
    "Chloé",
    "Moussa",
]
LAST_NAMES = [
    "Martin",
    "Benali",
    "Durand",
    "Traoré",
    "Lefebvre",
    "Nguyen",
    "Moreau",
    "Diallo",
    "Girard",
    "Haddad",
    "Fontaine",
    "Keita",
    "Rousseau",
    "Mercier",
    "Camara",
    "Blanchard",
    "Ferrand",
    "Sow",
    "Roux",
    "Meunier",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    organization: str


# One account per role, the ones printed by `make demo`.
ROLE_ACCOUNTS = [
    (Role.CALL_HANDLER, "ecoutant", SIAO),
    (Role.SIAO_COORDINATOR, "coordinatrice", SIAO),
    (Role.SOCIAL_WORKER, "travailleuse", "Abri du Canal"),
    (Role.FACILITY_MANAGER, "gestionnaire", "Les Amarres"),
    (Role.LANDLORD, "bailleur", "Habitat Est Francilien"),
    (Role.OBSERVER, "observateur", STATE_SERVICE),
    (Role.NETWORK_ADMIN, "admin", SIAO),
]


def _organizations() -> dict[str, Organization]:
    wanted = (
        [(SIAO, OrganizationType.SIAO_OPERATOR)]
        + [(n, OrganizationType.ASSOCIATION) for n in ASSOCIATIONS]
        + [(n, OrganizationType.LANDLORD) for n in LANDLORDS]
        + [(STATE_SERVICE, OrganizationType.STATE_SERVICE)]
        + [(n, OrganizationType.PARTNER) for n in PARTNERS]
    )
    rng = random.Random(93)
    result = {}
    for name, org_type in wanted:
        siret = "".join(str(rng.randrange(10)) for _ in range(14))
        finess = (
            "93" + "".join(str(rng.randrange(10)) for _ in range(7))
            if org_type != OrganizationType.LANDLORD
            else ""
        )
        organization, _created = services.get_or_create_organization(
            actor=None, name=name, type=org_type, territory=TERRITORY, siret=siret, finess=finess
        )
        result[name] = organization
    return result


def _user(username: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.parcours.invalid",
            first_name=first_name,
            last_name=last_name,
        )
    return user


@transaction.atomic
def seed(rng: random.Random) -> list[DemoLogin]:
    organizations = _organizations()
    logins = []
    for i, (role, username, org_name) in enumerate(ROLE_ACCOUNTS):
        user = _user(username, FIRST_NAMES[i], LAST_NAMES[i])
        services.membership_grant(actor=None, user=user, organization=organizations[org_name], role=role)
        logins.append(DemoLogin(role=role, username=username, organization=org_name))
    # The demo social worker also manages places in her association: she can switch in the header.
    services.membership_grant(
        actor=None,
        user=User.objects.get(username="travailleuse"),
        organization=organizations["Abri du Canal"],
        role=Role.FACILITY_MANAGER,
    )
    # Staff of the rest of the network, for the lists of later domains.
    siao = organizations[SIAO]
    staff = [(siao, Role.CALL_HANDLER)] * 4 + [(siao, Role.SIAO_COORDINATOR)] * 3
    for name in ASSOCIATIONS:
        staff += [(organizations[name], Role.SOCIAL_WORKER)] * 2 + [
            (organizations[name], Role.FACILITY_MANAGER)
        ]
    staff += [(organizations[name], Role.LANDLORD) for name in LANDLORDS]
    staff += [(organizations[name], Role.SOCIAL_WORKER) for name in PARTNERS]
    for n, (organization, role) in enumerate(staff, start=1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user = _user(f"demo{n:03d}", first, last)
        services.membership_grant(actor=None, user=user, organization=organization, role=role)
    return logins
