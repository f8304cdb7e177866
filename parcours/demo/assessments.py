"""Demo assessments: one to three versions of the worker's view, and some person and landlord views."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.assessments import perms
from parcours.assessments.models import Assessment, AssessmentGrid, ItemKind, Level, Perspective
from parcours.assessments.services import assessment_save
from parcours.households.models import Household

# About half of the demo households (at most LIMIT) have assessments.
SHARE = 0.5
LIMIT = 400

COMMENTS = {
    Level.ACQUIRED: [
        "Acquis, la personne en parle avec assurance.",
        "Point acquis lors du précédent hébergement.",
        "Rien à travailler sur ce point pour l'instant.",
    ],
    Level.IN_PROGRESS: [
        "En cours : travaillé en entretien, à consolider.",
        "La personne a commencé les démarches, à suivre.",
        "Progrès nets depuis l'entrée dans la structure.",
    ],
    Level.NEEDS_SUPPORT: [
        "Un soutien est nécessaire, à prévoir dans le logement.",
        "À travailler avec un accompagnement budgétaire.",
        "La personne souhaite être aidée sur ce point.",
    ],
}
PERSON_COMMENTS = [
    "« Je sais faire, je l'ai déjà fait avant. »",
    "« J'ai besoin qu'on m'explique encore. »",
    "« Ça me fait peur, mais je veux essayer. »",
    "« Je voudrais un appartement près de l'école des enfants. »",
]
LANDLORD_COMMENTS = [
    "Loyer réglé régulièrement depuis l'entrée dans les lieux.",
    "Un retard de paiement signalé, régularisé depuis.",
    "Aucun trouble de voisinage signalé.",
]
RECOMMENDATIONS = [
    "Accompagnement social lié au logement (ASLL) pendant six mois à l'entrée dans les lieux.",
    "Accompagnement vers et dans le logement (AVDL) d'intensité moyenne ; relais avec le CCAS.",
    "Pas d'accompagnement spécifique nécessaire : un service de suite de trois mois suffit.",
    "Accompagnement global renforcé ; lien avec le centre médico-psychologique à maintenir.",
]
SUPPORT_NATURE = ["Gestion budgétaire", "Appropriation du logement", "Démarches administratives"]
SUPPORT_SCHEMES = ["ASLL", "AVDL", "Service de suite", "Accompagnement global"]
SCHEMES = ["SIAO", "Accord collectif départemental", "Action Logement", "Contingent préfectoral"]


def _author(household: Household):
    """The referent if she works in the referent organization as a social worker, else a colleague."""
    memberships = Membership.objects.filter(
        organization=household.referent_organization, role=Role.SOCIAL_WORKER, active=True
    ).select_related("user", "organization")
    memberships = list(memberships.order_by("pk"))
    if not memberships:
        return None
    membership = next((m for m in memberships if m.user_id == household.referent_id), memberships[0])
    user = membership.user
    user.active_membership = membership
    return user


def _typology(size: int) -> str:
    return {1: "T1", 2: "T2"}.get(size, "T3" if size <= 4 else "T4")


def _answers(grid, rng: random.Random, household, comments, improvement: int, sections=None) -> list[dict]:
    answers = []
    for section in grid.sections.all():
        if sections is not None and section.code not in sections:
            continue
        for item in section.items.all():
            if item.kind == ItemKind.RATED:
                if rng.random() < 0.15:
                    continue
                weights = [2 + improvement, 3, max(1, 3 - improvement)]
                level = rng.choices([Level.ACQUIRED, Level.IN_PROGRESS, Level.NEEDS_SUPPORT], weights)[0]
                comment = rng.choice(comments[level] if isinstance(comments, dict) else comments)
                answers.append({"item": item.code, "level": level, "comment": comment})
            elif isinstance(comments, dict):
                answers.append({"item": item.code, "values": _values(item, rng, household)})
    return answers


def _values(item, rng: random.Random, household) -> dict:
    codes = {field["code"] for field in item.fields}
    size = len(household.people.all())
    values = {
        "max_rent": f"{rng.choice([420, 480, 550, 620, 700])}.00",
        "typology": _typology(size),
        "location": rng.choice(["Seine-Saint-Denis", "Est parisien, proche transports", "Plaine Commune"]),
        "mobilised_schemes": ", ".join(rng.sample(SCHEMES, 2)),
        "support_needed": rng.random() < 0.7,
        "support_nature": rng.choice(SUPPORT_NATURE),
        "support_scheme": rng.choice(SUPPORT_SCHEMES),
        "dalo_priority": False,
    }
    if rng.random() < 0.25:
        values |= {
            "dalo_priority": True,
            "dalo_since": (timezone.localdate() - timedelta(days=rng.randrange(60, 700))).isoformat(),
            "dalo_departement": household.territory.code,
        }
    return {code: value for code, value in values.items() if code in codes}


def _save(*, actor, household, perspective, answers, recommendations="", section_answers=None, days_ago=0):
    assessment = assessment_save(
        actor=actor,
        household=household,
        perspective=perspective,
        answers=answers,
        recommendations=recommendations,
        section_answers=section_answers,
    )
    # Demo versions are spread over the past months, as in real follow-up.
    Assessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


@transaction.atomic
def seed(rng: random.Random) -> None:
    grid = AssessmentGrid.objects.with_content().current()
    if grid is None:
        return
    landlord_membership = (
        Membership.objects.filter(role=Role.LANDLORD, active=True)
        .select_related("user", "organization")
        .first()
    )
    # The sample depends on the households only (not on what is already seeded), so that running
    # the command again picks the same ones, and skips them since they have assessments.
    chosen = []
    for pk in Household.objects.alive().order_by("pk").values_list("pk", flat=True).iterator():
        if random.Random(pk).random() < SHARE:
            chosen.append(pk)
            if len(chosen) == LIMIT:
                break
    households = (
        Household.objects.filter(pk__in=chosen, assessments__isnull=True)
        .select_related("territory", "referent_organization")
        .prefetch_related("people")
        .order_by("pk")
    )
    for household in households:
        author = _author(household)
        if author is None:
            continue
        versions = rng.randint(1, 3)
        days = sorted(rng.sample(range(30, 400), versions), reverse=True)
        section_answers = {
            "5": {
                "referent_name": author.get_full_name(),
                "referent_contact": author.email or author.username,
            }
        }
        for n in range(versions):
            _save(
                actor=author,
                household=household,
                perspective=Perspective.WORKER,
                answers=_answers(grid, rng, household, COMMENTS, improvement=n),
                recommendations=rng.choice(RECOMMENDATIONS),
                section_answers=section_answers,
                days_ago=days[n],
            )
        if rng.random() < 0.4:
            _save(
                actor=author,
                household=household,
                perspective=Perspective.PERSON,
                answers=_answers(grid, rng, household, PERSON_COMMENTS, improvement=versions),
                days_ago=rng.randint(1, 25),
            )
        landlord = landlord_membership.user if landlord_membership is not None else None
        if landlord is not None:
            landlord.active_membership = landlord_membership
        # Only where the rule lets the landlord write its view (linked by a proposal or an admission,
        # under the person's consent): the service refuses the others (ADR 0016).
        if (
            landlord is not None
            and rng.random() < 0.15
            and perms.can_write_assessment(landlord, household, Perspective.LANDLORD)
        ):
            _save(
                actor=landlord,
                household=household,
                perspective=Perspective.LANDLORD,
                # The landlord speaks of paying, living in and fitting in the dwelling (sections 2 to 4).
                answers=_answers(
                    grid, rng, household, LANDLORD_COMMENTS, improvement=versions, sections={"2", "3", "4"}
                ),
                days_ago=rng.randint(1, 25),
            )
