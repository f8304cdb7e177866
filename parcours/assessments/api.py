"""API v1 of the shared assessment grid: the version new assessments are written against."""

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema

from parcours.api.schemas import ErrorOut

from .levels import Level
from .models import AssessmentGrid

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
