"""The demo's strategic plan: the network's associative project 2022–2027 and its three axes (seed 000),
with objectives, actions at every stage, and indicators — some from the observatory, some entered by
hand with their source. Created once."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Organization
from parcours.plan.models import Action, ActionStatus, Axis, ManualValue, Objective, Plan, PlanIndicator

from .network import ASSOCIATIONS, SIAO

TITLE = "Projet associatif 2022-2027"

AXES = [
    (
        "Un réseau associatif doté d'un pilotage interassociatif",
        "Se concerter, partager, plaider et gouverner ensemble, quelles que soient la taille et le "
        "périmètre des associations adhérentes.",
        [
            (
                "Se concerter",
                [
                    "Réunir chaque trimestre les directions des associations adhérentes",
                    "Pré-concerter les réponses aux appels à projets",
                ],
            ),
            (
                "Partager",
                [
                    "Organiser des échanges de pratiques entre salariés des adhérents",
                    "Diffuser un bulletin d'information aux administrateurs",
                ],
            ),
            ("Plaidoyer", ["Publier chaque année le baromètre des besoins non pourvus du département"]),
            ("Gouverner", ["Intégrer des personnes accompagnées aux instances de gouvernance"]),
        ],
    ),
    (
        "Un nouveau défi, le parcours simplifié « de la rue au logement »",
        "Passer d'une logique d'hébergement à celle du logement d'abord, sans laisser sans réponse "
        "certaines catégories de personnes.",
        [
            (
                "Accompagner dans le logement plutôt que vers le logement",
                [
                    "Ouvrir un dispositif d'accompagnement dans le logement avec deux bailleurs",
                    "Former les équipes à l'accompagnement global",
                ],
            ),
            (
                "Expérimenter pour les personnes sans droit ni titre",
                ["Concevoir une expérimentation d'hébergement pour les personnes sans droit ni titre"],
            ),
            (
                "Faire l'interface avec la santé et la parentalité",
                ["Signer une convention avec l'équipe mobile psychiatrie précarité"],
            ),
        ],
    ),
    (
        "Élargir le périmètre des actions au-delà du département",
        "Défendre un rééquilibrage entre les territoires d'Île-de-France et respecter les projets de vie "
        "des ménages hors de la Seine-Saint-Denis.",
        [
            (
                "Rééquilibrer l'accueil entre les départements franciliens",
                [
                    "Porter des orientations vers les départements limitrophes avec leurs SIAO",
                    "Présenter le diagnostic territorial à la conférence régionale",
                ],
            ),
            (
                "Développer des partenariats régionaux",
                ["Nouer deux partenariats avec des réseaux d'autres départements"],
            ),
        ],
    ),
]

# objective title → (indicator label, observatory code or "", unit, target)
INDICATORS = {
    "Plaidoyer": ("Besoins non pourvus publiés (baromètre)", "", "publication", Decimal("1")),
    "Accompagner dans le logement plutôt que vers le logement": (
        "Sorties vers le logement",
        "siao.exits",
        "ménages",
        None,
    ),
    "Rééquilibrer l'accueil entre les départements franciliens": (
        "Orientations vers un autre département",
        "siao.inter_department",
        "ménages",
        None,
    ),
    "Se concerter": ("Réunions interassociatives tenues", "", "réunions", Decimal("4")),
}


@transaction.atomic
def seed(rng: random.Random) -> int:
    if Plan.objects.filter(title=TITLE).exists():
        return 0
    plan = Plan.objects.create(
        title=TITLE,
        starts_on=dt.date(2022, 6, 2),
        ends_on=dt.date(2027, 6, 30),
        mid_term_on=dt.date(2024, 12, 31),
        adopted="Validé par l'assemblée générale du 2 juin 2022.",
    )
    owners = list(Organization.objects.filter(name__in=[SIAO, *ASSOCIATIONS]).order_by("name"))
    today = timezone.localdate()
    statuses = [
        ActionStatus.DONE,
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
        ActionStatus.IN_PROGRESS,
        ActionStatus.PLANNED,
        ActionStatus.ABANDONED,
    ]
    count = 0
    for number, (title, summary, objectives) in enumerate(AXES, start=1):
        axis = Axis.objects.create(plan=plan, number=number, title=title, summary=summary)
        for position, (objective_title, actions) in enumerate(objectives, start=1):
            objective = Objective.objects.create(axis=axis, title=objective_title, position=position)
            for action_title in actions:
                starts = dt.date(2022, 9, 1) + dt.timedelta(days=rng.randint(0, 700))
                due = starts + dt.timedelta(days=rng.randint(120, 900))
                status = rng.choice(statuses)
                if status == ActionStatus.PLANNED and due < today:
                    due = today + dt.timedelta(days=rng.randint(30, 200))
                Action.objects.create(
                    objective=objective,
                    title=action_title,
                    owner=rng.choice(owners) if owners else None,
                    owner_label="" if owners else "Conseil d'administration",
                    starts_on=starts,
                    due_on=due,
                    status=status,
                    note="Point fait au conseil d'administration." if status != ActionStatus.PLANNED else "",
                )
                count += 1
            if objective_title in INDICATORS:
                label, code, unit, target = INDICATORS[objective_title]
                indicator = PlanIndicator.objects.create(
                    objective=objective, label=label, indicator_code=code, unit=unit, target=target
                )
                if not code:
                    for year in (2023, 2024, 2025):
                        ManualValue.objects.create(
                            indicator=indicator,
                            on=dt.date(year, 12, 31),
                            value=Decimal(rng.randint(1, 5)),
                            source=f"Rapport d'activité {year}",
                        )
    return count
