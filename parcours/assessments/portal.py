"""The person's own view in the co-evaluation (AFFIL grid, seed 001), from "Mon espace".

The person answers the rated items about living in a home (sections 2 to 4) in plain words; their
answers are saved as the `person` perspective, beside the worker's, and the worker sees both side by
side on the assessment page. A new answer keeps the person's earlier answers to the other items.
The version is marked as the person's own (`by_person`, no staff `author`): the staff pages say « la
personne » wrote it; it belongs to the organization that opened the access. The audit trail says so
too (action portal.assessment.person, no staff actor).
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from parcours.core import audit
from parcours.core.errors import DomainError, Invalid
from parcours.households.models import Household
from parcours.portal import sections
from parcours.portal.api import person_router
from parcours.portal.audit_actions import PortalAction
from parcours.portal.auth import person_required

from .levels import Level
from .models import Assessment, AssessmentAnswer, AssessmentGrid, Perspective
from .services import _clean_answers

# Plain-language wordings (FALC) of the items the person answers, by item code of the AFFIL grid.
PERSON_ITEMS = {
    "2.1": gettext_lazy("J'ai déjà eu un logement à moi, ou j'ai déjà été locataire."),
    "2.2": gettext_lazy("Je paie chaque mois ma part pour l'hébergement."),
    "2.3": gettext_lazy("Je sais qu'il faut payer le loyer, les charges et une assurance pour le logement."),
    "2.4": gettext_lazy(
        "Je connais mes droits et mes devoirs de locataire. Par exemple : payer le loyer, avoir une "
        "assurance, ne pas gêner les voisins."
    ),
    "2.5": gettext_lazy("J'ai prévu l'argent pour m'installer : les meubles, le dépôt de garantie."),
    "2.6": gettext_lazy(
        "J'ai des revenus réguliers pour payer un loyer : un salaire, une retraite ou des aides."
    ),
    "2.7": gettext_lazy("Si j'ai des dettes, je fais des démarches pour les régler."),
    "3.1": gettext_lazy("Je sais entretenir un logement : nettoyer, aérer."),
    "3.2": gettext_lazy("Je fais attention à l'eau, au gaz et à l'électricité pour payer moins."),
    "3.3": gettext_lazy("Je sais gérer mon argent pour le logement."),
    "4.1": gettext_lazy(
        "Je connais les règles pour bien vivre avec les voisins : le calme, les lieux partagés, le tri "
        "des déchets."
    ),
    "4.2": gettext_lazy("Je peux me débrouiller dans un nouveau quartier, seul·e ou avec de l'aide."),
    "4.3": gettext_lazy(
        "Je sais trouver les services près de chez moi : les transports, la mairie, l'école."
    ),
}

# The levels in the person's words.
PERSON_LEVELS = [
    (Level.ACQUIRED.value, gettext_lazy("Oui, je sais faire")),
    (Level.IN_PROGRESS.value, gettext_lazy("J'apprends")),
    (Level.NEEDS_SUPPORT.value, gettext_lazy("J'ai besoin d'aide")),
    (Level.NOT_ASSESSED.value, gettext_lazy("Je ne sais pas, ou je ne veux pas répondre")),
]

COMMENT_MAX = 1000


def latest_person_answers(household) -> dict:
    latest = (
        Assessment.objects.filter(household=household, perspective=Perspective.PERSON)
        .prefetch_related("answers__item")
        .order_by("-number")
        .first()
    )
    return latest.answers_by_item() if latest else {}


def person_items(household) -> list[dict]:
    answered = latest_person_answers(household)
    return [
        {
            "code": code,
            "label": label,
            "level": answered[code].level if code in answered else Level.NOT_ASSESSED.value,
            "comment": answered[code].comment if code in answered else "",
        }
        for code, label in PERSON_ITEMS.items()
    ]


@transaction.atomic
def person_assessment_save(*, access, answers: list[dict]) -> Assessment:
    """Save the person's answers as a new version of the `person` perspective."""
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, list) or not answers:
        raise Invalid(fields={"answers": [_("Répondez au moins à une question.")]})
    for raw in answers:
        code = str((raw or {}).get("item", "")) if isinstance(raw, dict) else ""
        if code not in PERSON_ITEMS:
            errors.setdefault(f"answers.{code}.item", []).append(
                _("La question « %(c)s » n'est pas une question pour vous.") % {"c": code}
            )
        elif len(str(raw.get("comment") or "")) > COMMENT_MAX:
            errors.setdefault(f"answers.{code}.comment", []).append(
                _("Votre commentaire est trop long : %(n)s caractères au plus.") % {"n": COMMENT_MAX}
            )
    grid = AssessmentGrid.objects.with_content().current()
    if grid is None:
        raise Invalid(_("Aucune trame d'évaluation n'est publiée."))
    if errors:
        raise Invalid(fields=errors)
    household = access.household
    list(Household.objects.select_for_update().filter(pk=household.pk).values_list("pk", flat=True))
    previous = latest_person_answers(household)
    given = {str(a["item"]) for a in answers}
    merged = list(answers) + [
        {"item": code, "level": a.level, "comment": a.comment}
        for code, a in previous.items()
        if code not in given and code in PERSON_ITEMS
    ]
    clean = _clean_answers(merged, grid, errors)
    if errors:
        raise Invalid(fields=errors)
    last = (
        Assessment.objects.filter(household=household, perspective=Perspective.PERSON)
        .order_by("-number")
        .first()
    )
    assessment = Assessment.objects.create(
        household=household,
        grid=grid,
        perspective=Perspective.PERSON,
        number=(last.number if last else 0) + 1,
        author=None,
        by_person=True,
        author_organization=access.organization,
    )
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, item=a.item, level=a.level, comment=a.comment, values={})
        for a in clean
    )
    audit.record_write(actor=None, action=PortalAction.PERSON_ASSESSMENT, obj=household, fields=sorted(given))
    return assessment


@sections.register(
    key="assessment",
    title=gettext_lazy("Mon avis sur ma situation"),
    template="assessments/portal_section.html",
    order=55,
    export=lambda access: [
        {
            "item": i["code"],
            "question": str(i["label"]),
            "answer": str(dict(PERSON_LEVELS).get(i["level"], "")),
            "comment": i["comment"],
        }
        for i in person_items(access.household)
    ],
)
def assessment_section(access):
    items = person_items(access.household)
    return {"answered": sum(1 for i in items if i["level"] != Level.NOT_ASSESSED.value), "total": len(items)}


class PersonAnswerIn(Schema):
    # Its own name: the OpenAPI document keeps one schema per name, and the staff's AnswerIn bounds
    # the item's code (a shared name let the fuzzer send the staff endpoint codes it refuses).
    item: str = Field(max_length=10)
    level: str = Level.NOT_ASSESSED.value
    comment: str = ""


class PersonAssessmentIn(Schema):
    answers: list[PersonAnswerIn]


class PersonAssessmentOut(Schema):
    id: int
    perspective: str
    number: int


@person_router.post(
    "/portal/assessments", response={201: PersonAssessmentOut}, summary="Mon avis (co-évaluation)"
)
def post_person_assessment(request, payload: PersonAssessmentIn):
    assessment = person_assessment_save(
        access=request.portal_access, answers=[a.dict() for a in payload.answers]
    )
    return Status(
        201, {"id": assessment.pk, "perspective": assessment.perspective, "number": assessment.number}
    )


@sections.page("mon-avis/", name="assessment")
@person_required
def assessment_page(request):
    """The person's own view of the AFFIL items, in plain words."""
    access = request.portal_access
    errors: dict = {}
    if request.method == "POST":
        answers = []
        for code in PERSON_ITEMS:
            level = request.POST.get(f"level-{code}", "")
            comment = request.POST.get(f"comment-{code}", "").strip()
            if level or comment:
                answers.append({"item": code, "level": level or Level.NOT_ASSESSED.value, "comment": comment})
        try:
            person_assessment_save(access=access, answers=answers)
        except DomainError as exc:
            errors = exc.fields or {"__all__": [exc.message]}
        else:
            messages.success(
                request, _("Merci. Votre avis est enregistré. Votre personne référente le verra.")
            )
            return redirect("portal:home")
    return render(
        request,
        "portal/assessment.html",
        {
            "access": access,
            "items": person_items(access.household),
            "levels": PERSON_LEVELS,
            "errors": [m for ms in errors.values() for m in ms],
        },
        status=400 if errors else 200,
    )
