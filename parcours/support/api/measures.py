"""API v1 of support measures: kinds, measures, closing and reopening, goals, actions."""

from datetime import date, datetime
from typing import Literal

from django.db.models import Prefetch
from ninja import Field, Query, Schema, Status

from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.assessments.models import Perspective
from parcours.core import errors
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.households.services import record_read, record_reads

from .. import perms, services
from ..choices import (
    ActionKind,
    Axis,
    CloseReason,
    Confidentiality,
    EvaluationOutcome,
    Intensity,
    MeasureStatus,
)
from ..models import MeasureKind, Programme, SupportAction, SupportMeasure
from ._common import ERRORS, PageIn, _value, router

# Reference lists


class KindOut(Schema):
    code: str
    label: str
    description: str


@router.get("/support/measure-kinds", response=list[KindOut], summary="Les types de mesure d'accompagnement")
def list_kinds(request):
    return list(MeasureKind.objects.filter(active=True).values("code", "label", "description"))


# Measures


class IntensityOut(Schema):
    level: str
    from_date: date


class TransitionOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    reason: str


class EvaluationOut(Schema):
    perspective: str
    outcome: str
    comment: str
    closed_at: datetime


class StepOut(Schema):
    id: int
    label: str
    due_on: date | None
    done_on: date | None


class GoalOut(Schema):
    id: int
    axis: str
    title: str
    status: str
    progress: int
    written_with_person: bool
    steps: list[StepOut]


class ReviewOut(Schema):
    planned_on: date
    held_on: date | None


class MeasureOut(Schema):
    id: int
    version: int
    household: int
    kind: str
    organization: int
    referent: int | None
    status: str
    consent_given: bool
    consent_on: date
    started_on: date | None
    ended_on: date | None
    next_review_on: date | None
    intensity: str | None
    source_alert: int | None
    programme: int | None
    intensities: list[IntensityOut]
    transitions: list[TransitionOut]
    evaluations: list[EvaluationOut]
    coworkers: list[int]
    goals: list[GoalOut] | None = Field(None, description="Seulement pour ceux qui font l'accompagnement.")
    reviews: list[ReviewOut] | None = None


class MeasurePage(Schema):
    count: int
    results: list[MeasureOut]


def _measure_queryset():
    return SupportMeasure.objects.select_related("kind", "household").prefetch_related(
        "intensities",
        "transitions",
        Prefetch("evaluations", to_attr="evaluation_list"),
        "coworkers",
    )


def _measure_out(m: SupportMeasure, *, details: bool) -> dict:
    intensities = list(m.intensities.all())
    closings = {t.pk: t.at for t in m.transitions.all()}
    out = {
        "id": m.pk,
        "version": m.version,
        "household": m.household_id,
        "kind": m.kind.code,
        "organization": m.organization_id,
        "referent": m.referent_id,
        "status": m.status,
        "consent_given": m.consent_given,
        "consent_on": m.consent_on,
        "started_on": m.started_on,
        "ended_on": m.ended_on,
        "next_review_on": m.next_review_on,
        "intensity": intensities[-1].level if intensities else None,
        "source_alert": m.source_alert_id,
        "programme": m.programme_id,
        "intensities": [{"level": i.level, "from_date": i.from_date} for i in intensities],
        "transitions": [
            {"from_status": t.from_status, "to_status": t.to_status, "at": t.at, "reason": t.reason}
            for t in m.transitions.all()
        ],
        "evaluations": [
            {
                "perspective": e.perspective,
                "outcome": e.outcome,
                "comment": e.comment,
                "closed_at": closings[e.closing_id],
            }
            for e in m.evaluation_list
        ],
        "coworkers": [c.organization_id for c in m.coworkers.all() if c.ended_at is None],
    }
    if details:
        out["goals"] = [
            {
                "id": g.pk,
                "axis": g.axis,
                "title": g.title,
                "status": g.status,
                "progress": g.progress,
                "written_with_person": g.written_with_person,
                "steps": [
                    {"id": s.pk, "label": s.label, "due_on": s.due_on, "done_on": s.done_on}
                    for s in g.steps.all()
                ],
            }
            for g in m.goals.prefetch_related("steps")
        ]
        out["reviews"] = [{"planned_on": r.planned_on, "held_on": r.held_on} for r in m.reviews.all()]
    return out


def _get_measure(request, measure_id: int) -> SupportMeasure:
    return get_visible_or_404(_measure_queryset(), measure_id, request.user, message="Mesure introuvable.")


def _household(request, household_id: int) -> Household:
    household = Household.objects.alive().filter(pk=household_id).first()
    if household is None:
        raise ApiError(404, "not_found", "Ménage introuvable.")
    return household


class MeasureFilter(PageIn):
    status: MeasureStatus | None = None
    household: int | None = None
    overdue: bool = False


@router.get("/support/measures", response={200: MeasurePage}, summary="Les mesures d'accompagnement visibles")
def list_measures(request, filters: Query[MeasureFilter]):
    qs = SupportMeasure.objects.visible_to(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.household:
        qs = qs.filter(household_id=filters.household)
    if filters.overdue:
        qs = qs.review_overdue()
    page, count = page_of(
        _measure_queryset().filter(pk__in=qs.values("pk")).order_by("-created_at", "-pk"),
        filters.limit,
        filters.offset,
    )
    record_reads(
        actor=request.user, households=[m.household for m in page], sections=["support"], purpose="support"
    )
    return {"count": count, "results": [_measure_out(m, details=False) for m in page]}


class MeasureIn(Schema):
    household: int
    kind: str = Field(description="Code d'un type de mesure (GET /support/measure-kinds).")
    consent: Literal["accepted", "refused"] = Field(
        description="La réponse libre de la personne : un refus est enregistré et respecté."
    )
    informed_how: Literal["orally", "written", "interpreter", "signed"] = "orally"
    started_on: date | None = None
    intensity: Intensity = Intensity.REGULAR
    next_review_on: date | None = None
    programme: int | None = None


def _kind(code: str) -> MeasureKind:
    kind = MeasureKind.objects.filter(code=code).first()
    if kind is None:
        raise ApiError(400, "invalid", "Type de mesure inconnu.", {"kind": ["Type de mesure inconnu."]})
    return kind


@router.post(
    "/support/measures", response={201: MeasureOut, **ERRORS}, summary="Ouvrir une mesure (ou noter un refus)"
)
def create_measure(request, payload: MeasureIn):
    household = _household(request, payload.household)
    if not can_view_household(request.user, household):
        raise ApiError(404, "not_found", "Ménage introuvable.")
    if not perms.can_open_measure(request.user, household):
        raise errors.Forbidden()
    programme = None
    if payload.programme is not None:
        programme = Programme.objects.visible_to(request.user).filter(pk=payload.programme).first()
        if programme is None:
            raise ApiError(400, "invalid", "Projet inconnu.", {"programme": ["Projet inconnu."]})
    measure = services.measure_create(
        actor=request.user,
        household=household,
        kind=_kind(payload.kind),
        consent_given=payload.consent == "accepted",
        informed_how=payload.informed_how,
        started_on=payload.started_on,
        intensity=str(payload.intensity.value if hasattr(payload.intensity, "value") else payload.intensity),
        next_review_on=payload.next_review_on,
        programme=programme,
    )
    return Status(201, _measure_out(_measure_queryset().get(pk=measure.pk), details=True))


@router.get(
    "/support/measures/{int:measure_id}", response={200: MeasureOut, 404: ErrorOut}, summary="Une mesure"
)
def get_measure(request, measure_id: int):
    measure = _get_measure(request, measure_id)
    details = perms.can_view_measure_details(request.user, measure)
    record_read(
        actor=request.user,
        household=measure.household,
        sections=["support_measure", *(["support_details"] if details else [])],
        purpose="support",
    )
    return _measure_out(measure, details=details)


class EvaluationIn(Schema):
    perspective: Perspective
    outcome: EvaluationOutcome
    comment: str = Field("", max_length=4000)


class CloseIn(Schema):
    version: int
    reason: CloseReason
    ended_on: date | None = None
    comment: str = Field("", max_length=4000)
    evaluations: list[EvaluationIn] = Field(
        min_length=2,
        max_length=3,
        description="La co-évaluation : au moins la travailleuse ou le travailleur social et la personne.",
    )
    eviction_avoided: bool | None = None


def _managed(request, measure_id) -> SupportMeasure:
    measure = _get_measure(request, measure_id)
    if not perms.can_manage_measure(request.user, measure):
        raise errors.Forbidden()
    return measure


@router.post(
    "/support/measures/{int:measure_id}/close",
    response={200: MeasureOut, **ERRORS},
    summary="Clôturer avec la co-évaluation",
)
def close_measure(request, measure_id: int, payload: CloseIn):
    measure = _managed(request, measure_id)
    services.measure_close(
        actor=request.user,
        measure=measure,
        version=payload.version,
        reason=_value(payload.reason),
        ended_on=payload.ended_on,
        comment=payload.comment,
        evaluations={_value(e.perspective): (_value(e.outcome), e.comment) for e in payload.evaluations},
        eviction_avoided=payload.eviction_avoided,
    )
    return _measure_out(_measure_queryset().get(pk=measure.pk), details=True)


class ReopenIn(Schema):
    version: int
    comment: str = Field("", max_length=4000)
    next_review_on: date | None = None


@router.post(
    "/support/measures/{int:measure_id}/reopen",
    response={200: MeasureOut, **ERRORS},
    summary="Rouvrir (droit au recommencement)",
)
def reopen_measure(request, measure_id: int, payload: ReopenIn):
    measure = _managed(request, measure_id)
    services.measure_reopen(
        actor=request.user,
        measure=measure,
        version=payload.version,
        comment=payload.comment,
        next_review_on=payload.next_review_on,
    )
    return _measure_out(_measure_queryset().get(pk=measure.pk), details=True)


class IntensityIn(Schema):
    level: Intensity
    from_date: date | None = None
    reason: str = Field("", max_length=300)


@router.post(
    "/support/measures/{int:measure_id}/intensity",
    response={201: IntensityOut, **ERRORS},
    summary="Changer l'intensité",
)
def set_intensity(request, measure_id: int, payload: IntensityIn):
    measure = _managed(request, measure_id)
    change = services.measure_set_intensity(
        actor=request.user,
        measure=measure,
        level=_value(payload.level),
        from_date=payload.from_date,
        reason=payload.reason,
    )
    return Status(201, {"level": change.level, "from_date": change.from_date})


class GoalIn(Schema):
    axis: Axis
    title: str = Field(min_length=1, max_length=300)
    written_with_person: bool = True
    steps: list[str] = Field(default_factory=list, max_length=30)


@router.post(
    "/support/measures/{int:measure_id}/goals",
    response={201: GoalOut, **ERRORS},
    summary="Ajouter un objectif du projet personnalisé",
)
def add_goal(request, measure_id: int, payload: GoalIn):
    measure = _managed(request, measure_id)
    goal = services.goal_create(
        actor=request.user,
        measure=measure,
        axis=_value(payload.axis),
        title=payload.title,
        written_with_person=payload.written_with_person,
    )
    for label in payload.steps:
        services.step_add(actor=request.user, goal=goal, label=label)
    steps = list(goal.steps.all())
    return Status(
        201,
        {
            "id": goal.pk,
            "axis": goal.axis,
            "title": goal.title,
            "status": goal.status,
            "progress": goal.progress,
            "written_with_person": goal.written_with_person,
            "steps": [
                {"id": s.pk, "label": s.label, "due_on": s.due_on, "done_on": s.done_on} for s in steps
            ],
        },
    )


class ActionIn(Schema):
    kind: ActionKind
    happened_on: date
    duration_minutes: int = Field(ge=1, le=1440)
    note: str = Field("", max_length=10000)
    confidentiality: Confidentiality = Confidentiality.SHARED
    goal: int | None = None


class ActionOut(Schema):
    id: int
    kind: str
    happened_on: date
    duration_minutes: int
    author: int
    organization: int
    goal: int | None
    confidentiality: str
    note: str | None = Field(
        description="Absente quand son niveau de confidentialité ne vous la destine pas."
    )


class ActionPage(Schema):
    count: int
    results: list[ActionOut]


def _action_out(request, a: SupportAction, *, details: bool | None = None) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "happened_on": a.happened_on,
        "duration_minutes": a.duration_minutes,
        "author": a.author_id,
        "organization": a.organization_id,
        "goal": a.goal_id,
        "confidentiality": a.confidentiality,
        "note": a.note if perms.can_read_note(request.user, a, details=details) else None,
    }


def _worked_on(request, measure_id) -> SupportMeasure:
    measure = _get_measure(request, measure_id)
    if not perms.can_view_measure_details(request.user, measure):
        raise ApiError(404, "not_found", "Mesure introuvable.")
    return measure


@router.get(
    "/support/measures/{int:measure_id}/actions",
    response={200: ActionPage, 404: ErrorOut},
    summary="Le journal des actions",
)
def list_actions(request, measure_id: int, page: Query[PageIn]):
    measure = _worked_on(request, measure_id)
    actions, count = page_of(
        measure.actions.select_related("measure").order_by("-happened_on", "-pk"), page.limit, page.offset
    )
    record_read(
        actor=request.user, household=measure.household, sections=["support_actions"], purpose="support"
    )
    return {"count": count, "results": [_action_out(request, a, details=True) for a in actions]}


@router.post(
    "/support/measures/{int:measure_id}/actions",
    response={201: ActionOut, **ERRORS},
    summary="Noter une action",
)
def log_action(request, measure_id: int, payload: ActionIn):
    measure = _worked_on(request, measure_id)
    if not perms.can_log_action(request.user, measure):
        raise ApiError(409, "conflict", "La mesure n'est pas en cours : aucune action ne peut y être notée.")
    goal = None
    if payload.goal is not None:
        goal = measure.goals.filter(pk=payload.goal).first()
        if goal is None:
            raise ApiError(400, "invalid", "Objectif inconnu.", {"goal": ["Objectif inconnu."]})
    action = services.action_log(
        actor=request.user,
        measure=measure,
        kind=_value(payload.kind),
        happened_on=payload.happened_on,
        duration_minutes=payload.duration_minutes,
        note=payload.note,
        confidentiality=_value(payload.confidentiality),
        goal=goal,
    )
    return Status(201, _action_out(request, action))
