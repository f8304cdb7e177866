"""A month of street outreach in Seine-Saint-Denis: the maraude of La Halte Fraternelle and the SIAO's
équipe mobile, their rounds (three a week each), about 150 encounters (a few with a known household,
most under an alias), some turned into 115 requests, and about twenty signalements along their path.
The demo login `maraude` is a social worker of the maraude. Created once."""

import random
import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.accounts import services as account_services
from parcours.accounts.models import Organization, User
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.emergency.choices import Fact
from parcours.outreach import services
from parcours.outreach.choices import Given, Need, Orientation, ReportStatus, TeamKind
from parcours.outreach.models import Encounter, OutreachTeam, Round, Signalement, SignalementEvent
from parcours.territories.models import Commune

from .audit_actions import DemoAction
from .network import DEMO_PASSWORD, SIAO, TERRITORY

MARAUDE_ORG = "La Halte Fraternelle"
MARAUDE = "Maraude de la Halte"
MOBILE = "Équipe mobile Passerelles"
DEMO_LOGIN = ("maraude", MARAUDE_ORG)
DAYS = 30
ENCOUNTERS = 150
REPORTS = 20
ZONES = {
    MARAUDE: ["93008", "93066", "93055", "93001"],  # Bobigny, Saint-Denis, Pantin, Aubervilliers
    MOBILE: ["93048", "93010", "93053", "93031"],  # Montreuil, Bondy, Noisy-le-Sec, Épinay-sur-Seine
}
PLACES = [
    "Parvis de la gare",
    "Sous le pont du canal",
    "Entrée du centre commercial",
    "Square près de la mairie",
    "Arrêt du tramway",
    "Porche de l'église",
    "Parking du marché",
    "Abords de l'hôpital",
]
ALIASES = [
    "Le monsieur au chien",
    "Jeune homme au sac rouge",
    "Dame au caddie",
    "Couple du parvis",
    "Mère et deux enfants",
    "Monsieur âgé à la canne",
    "Groupe de jeunes",
    "Homme à la guitare",
    "Femme au manteau vert",
    "Le grand au bonnet",
]
REPORT_TEXTS = [
    "Une personne dort sur un carton, elle a l'air d'avoir froid.",
    "Une femme avec un bébé assise depuis ce matin.",
    "Un homme âgé qui tousse beaucoup, seul sur un banc.",
    "Un jeune qui semble perdu, il ne parle pas français.",
    "Une famille avec des valises, les enfants pleurent.",
]


def _member(username: str, first: str, last: str, organization: Organization):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.parcours.invalid",
        )
    return account_services.membership_grant(
        actor=None, user=user, organization=organization, role=Role.SOCIAL_WORKER
    )


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the outreach activity once; return how many encounters were created (0 when there)."""
    if OutreachTeam.objects.filter(name=MARAUDE).exists():
        return 0
    halte = Organization.objects.filter(name=MARAUDE_ORG, territory__code=TERRITORY).first()
    siao = Organization.objects.filter(name=SIAO, territory__code=TERRITORY).first()
    if halte is None or siao is None:
        return 0
    teams = {
        MARAUDE: services.team_create(
            actor=None,
            organization=halte,
            name=MARAUDE,
            kind=TeamKind.MARAUDE,
            members=[
                _member("maraude", "Lina", "Morel", halte),
                _member("maraude2", "Bastien", "Caron", halte),
            ],
        ),
        MOBILE: services.team_create(
            actor=None,
            organization=siao,
            name=MOBILE,
            kind=TeamKind.MOBILE,
            members=[
                _member("mobile", "Sarah", "Lemoine", siao),
                _member("mobile2", "Ibrahim", "Touré", siao),
            ],
        ),
    }
    communes = {c.code: c for c in Commune.objects.filter(code__in=[c for z in ZONES.values() for c in z])}
    today = timezone.localdate()
    rounds = []
    for name, team in teams.items():
        zone = [communes[c] for c in ZONES[name] if c in communes]
        for offset in range(DAYS, -3, -1):
            day = today - timedelta(days=offset)
            if day.weekday() not in ((0, 2, 4) if name == MARAUDE else (1, 3, 5)) and offset != 0:
                continue
            round_ = Round.objects.create(
                team=team,
                date=day,
                vehicle="Camion de maraude" if name == MARAUDE else "",
                created_by=team.members.first().user,
                closed_at=timezone.make_aware(datetime.combine(day, time(23, 30))) if offset > 0 else None,
                summary="Tournée sans incident ; beaucoup de besoins d'hygiène." if offset > 0 else "",
            )
            round_.communes.set(zone[: rng.randint(2, len(zone))] if zone else [])
            rounds.append(round_)
    past = [r for r in rounds if r.date <= today]
    known = _known_households(halte)
    encounters = []
    for _n in range(ENCOUNTERS):
        round_ = rng.choice(past)
        zone = list(round_.communes.all()) or list(communes.values())
        persons = rng.choices([1, 1, 1, 2, 3, 4], k=1)[0]
        children = rng.randint(0, persons - 1) if persons > 2 else 0
        needs = rng.sample(Need.values, rng.randint(1, 3))
        household = (
            rng.choice(known) if known and round_.team.name == MARAUDE and rng.random() < 0.15 else None
        )
        at = timezone.make_aware(datetime.combine(round_.date, time(20, 0))) + timedelta(
            minutes=rng.randint(0, 200)
        )
        encounters.append(
            Encounter(
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                team=round_.team,
                round=round_,
                met_at=at,
                commune=(commune := rng.choice(zone)),
                territory_id=commune.territory_id,
                place=rng.choice(PLACES),
                household=household,
                alias="" if household else rng.choice(ALIASES),
                age_band=rng.choice(["", "18_25", "26_59", "26_59", "60_plus"]),
                sex=rng.choice(["", "F", "M", "M"]),
                persons=persons,
                children=children,
                needs=needs,
                given=rng.sample(Given.values, rng.randint(0, 3)),
                facts=[Fact.TODDLER] if children and rng.random() < 0.5 else [],
                orientation=rng.choices(Orientation.values, weights=[2, 3, 2, 6, 1])[0],
                follow_up=rng.random() < 0.2,
                recorded_by=round_.team.members.first().user,
            )
        )
    Encounter.objects.bulk_create(encounters)
    _reports(rng, teams, rounds, communes)
    audit.record_write(
        actor=None, action=DemoAction.OUTREACH_SEED, fields=["teams", "rounds", "encounters", "reports"]
    )
    return len(encounters)


def _known_households(organization):
    from parcours.households.models import Household

    return list(Household.objects.filter(referent_organization=organization, deleted_at__isnull=True)[:20])


def _reports(rng, teams, rounds, communes):
    """About twenty signalements: the older ones handled or closed, the recent ones still on their way."""
    now = timezone.now()
    paths = [
        [ReportStatus.TRIAGED, ReportStatus.ASSIGNED, ReportStatus.HANDLED],
        [ReportStatus.TRIAGED, ReportStatus.HANDLED],
        [ReportStatus.CLOSED],
        [ReportStatus.TRIAGED, ReportStatus.ASSIGNED],
        [ReportStatus.TRIAGED],
        [],
    ]
    zone_team = {code: teams[name] for name, codes in ZONES.items() for code in codes}
    for n in range(REPORTS):
        code = rng.choice(sorted(communes))
        age = timedelta(days=DAYS * (REPORTS - n) / REPORTS, hours=rng.randint(0, 12))
        created = now - age
        steps = paths[min(len(paths) - 1, n * len(paths) // REPORTS)] if n < REPORTS - 3 else []
        report = Signalement.objects.create(
            reference=f"S-DEMO{n:02d}",
            commune=communes[code],
            territory_id=communes[code].territory_id,
            place=rng.choice(PLACES),
            seen_at=created - timedelta(hours=1),
            description=rng.choice(REPORT_TEXTS),
            contact="" if rng.random() < 0.6 else "06 00 00 00 00",
            created_at=created,
        )
        events = [
            SignalementEvent(signalement=report, from_status="", to_status=ReportStatus.RECEIVED, at=created)
        ]
        status, team, round_, at = ReportStatus.RECEIVED, None, None, created
        for step in steps:
            at = at + timedelta(hours=rng.randint(2, 20))
            if step == ReportStatus.TRIAGED:
                team = zone_team[code]
            if step == ReportStatus.ASSIGNED:
                later = [r for r in rounds if r.team_id == team.pk and r.date >= timezone.localdate(at)]
                round_ = later[0] if later else None
                if round_ is None:
                    break
            events.append(
                SignalementEvent(signalement=report, from_status=status, to_status=step, at=at, note="")
            )
            status = step
        told = status in (ReportStatus.HANDLED, ReportStatus.CLOSED) and report.contact
        Signalement.objects.filter(pk=report.pk).update(
            status=status,
            team=team,
            round=round_,
            contact="" if told else report.contact,
            reporter_told_at=at if told else None,
        )
        SignalementEvent.objects.bulk_create(events)
