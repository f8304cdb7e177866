"""API v1 of the shared assessment: the grid in force, and the assessments of a household."""

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from parcours.api.pagination import Pagination
from parcours.api.schemas import ErrorOut
from parcours.core.errors import NotFound
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household
from parcours.households.services import record_read

from . import perms, services
from .levels import Level
from .models import Assessment, AssessmentGrid
from .services import COMMENT_MAX_LENGTH, RECOMMENDATIONS_MAX_LENGTH

router = Router(tags=["évaluation partagée"])


class ChoiceOut(Schema):
    code: str
    label: str


class FieldOut(Schema):
    code: str
    label: str
    type: str
    choices: list[ChoiceOut] = []


class ItemOut(Schema):
    code: str
    label: str
    kind: str
    fields: list[FieldOut]


class SectionOut(Schema):
    code: str
    title: str
    intro: str
    notes: str
    fields: list[FieldOut]
    items: list[ItemOut]


class LevelOut(Schema):
    code: str
    label: str


class GridOut(Schema):
    version: int
    title: str
    source: str
    published_at: datetime
    sections: list[SectionOut]
    levels: list[str]
    level_choices: list[LevelOut]


@router.get(
    "/assessment-grids/current",
    response={200: GridOut, 401: ErrorOut, 404: ErrorOut},
    summary="Trame d'évaluation partagée en vigueur",
    description=(
        "La version la plus récente de la trame : sections, éléments et niveaux. Les éléments "
        "« rated » s'évaluent par un niveau et un commentaire ; les éléments « structured » par les "
        "champs décrits dans « fields » et un commentaire. Les « fields » d'une section se renseignent "
        "une fois pour la section (référent)."
    ),
)
def current_grid(request):
    grid = AssessmentGrid.objects.with_content().current()
    if grid is None:
        raise Http404
    return {
        "version": grid.version,
        "title": grid.title,
        "source": grid.source,
        "published_at": grid.published_at,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "intro": section.intro,
                "notes": section.notes,
                "fields": section.fields,
                "items": [
                    {"code": item.code, "label": item.label, "kind": item.kind, "fields": item.fields}
                    for item in section.items.all()
                ],
            }
            for section in grid.sections.all()
        ],
        "levels": Level.values,
        "level_choices": [{"code": level.value, "label": str(level.label)} for level in Level],
    }


class AnswerIn(Schema):
    item: str = Field(max_length=10)
    level: str = Field(Level.NOT_ASSESSED.value, max_length=20)
    comment: str = Field("", max_length=COMMENT_MAX_LENGTH)
    values: dict[str, Any] | None = None


class AssessmentIn(Schema):
    perspective: str = Field(max_length=20)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=200)
    recommendations: str = Field("", max_length=RECOMMENDATIONS_MAX_LENGTH)
    section_answers: dict[str, dict[str, Any]] | None = None
    based_on: int | None = Field(None, ge=0)


class AnswerOut(Schema):
    item: str
    level: str
    comment: str
    values: dict

    @staticmethod
    def resolve_item(obj):
        return obj.item.code


class AuthorOut(Schema):
    name: str  # « la personne » when the person wrote the version from « Mon espace »
    organization: str
    by_person: bool = False


class AssessmentOut(Schema):
    id: int
    perspective: str
    version: int
    grid_version: int
    created_at: datetime
    author: AuthorOut
    recommendations: str
    section_answers: dict
    answers: list[AnswerOut]

    @staticmethod
    def resolve_version(obj):
        return obj.number

    @staticmethod
    def resolve_grid_version(obj):
        return obj.grid.version

    @staticmethod
    def resolve_author(obj):
        return {
            "name": str(obj.author_label),
            "organization": obj.author_organization.name,
            "by_person": obj.by_person,
        }

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())


def _visible_household(request, household_id: int) -> Household:
    """The household, if the user may read its assessments (the sheet opened to them holds them)."""
    household = get_visible_or_404(
        Household.objects.prefetch_related("consents"),
        household_id,
        request.user,
        message=_("Ménage introuvable."),
    )
    if not perms.can_view_assessments(request.user, household):
        raise NotFound(_("Ménage introuvable."))
    return household


@router.post(
    "/households/{int:household_id}/assessments",
    response={201: AssessmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Enregistrer une nouvelle version d'une évaluation",
    description=(
        "Chaque enregistrement crée une nouvelle version du point de vue donné (worker : travailleur·se "
        "social·e, person : personne accompagnée, landlord : bailleur) ; les versions précédentes ne "
        "changent jamais. Une version est complète : un élément absent de « answers » n'est pas évalué "
        "dans cette version. Les éléments « structured » se renseignent par « values » (montant en "
        "euros, date AAAA-MM-JJ, oui/non, code de choix, code de département) et un commentaire. "
        "« section_answers » renseigne les champs d'une section, par code de section puis de champ "
        "(référent de la section 5). « based_on » est le numéro de la version lue (0 si aucune) : si "
        "une autre version a été enregistrée depuis, la réponse est 409. Aucun score n'est calculé."
    ),
)
def create_assessment(request, household_id: int, payload: AssessmentIn):
    household = _visible_household(request, household_id)
    assessment = services.assessment_save(
        actor=request.user,
        household=household,
        perspective=payload.perspective,
        answers=[answer.dict() for answer in payload.answers],
        recommendations=payload.recommendations,
        section_answers=payload.section_answers,
        based_on=payload.based_on,
    )
    return Status(201, Assessment.objects.with_answers().get(pk=assessment.pk))


@router.get(
    "/households/{int:household_id}/assessments",
    response={200: list[AssessmentOut], 404: ErrorOut},
    summary="Toutes les versions des évaluations d'un ménage, la plus récente en tête",
)
@paginate(Pagination)
def list_assessments(request, household_id: int):
    household = _visible_household(request, household_id)
    record_read(actor=request.user, household=household, sections=["assessment"], purpose="api")
    return Assessment.objects.with_answers().filter(household=household).order_by("-created_at", "-pk")
