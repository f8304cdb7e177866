"""API v1 of support and prevention: measures, their actions, goals and closing, prevention alerts,
programme reports (api-v1.md, « Support and prevention »)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organization, User
from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.assessments.models import Perspective
from parcours.core import errors
from parcours.core.lookup import get_visible_or_404
from parcours.households import visibility
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.households.services import record_read, record_reads

from . import perms, services
from .choices import (
    ActionKind,
    AlertCloseReason,
    AlertKind,
    AlertStatus,
    Axis,
    CloseReason,
    Confidentiality,
    EvaluationOutcome,
    Intensity,
    MeasureStatus,
)
from .models import MeasureKind, PreventionAlert, Programme, SupportAction, SupportMeasure
from .reports import Hidden, report_for

router = Router(tags=["accompagnement et prévention"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageIn(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


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


def _value(v):
    return str(v.value if hasattr(v, "value") else v)


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


# Prevention alerts


class AlertIn(Schema):
    household: int
    kind: AlertKind
    detail: str = Field("", max_length=4000)
    amount: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    months: int | None = Field(None, ge=0, le=120)


class AlertOut(Schema):
    id: int
    version: int
    household: int
    landlord: int
    kind: str
    detail: str
    amount: str | None
    months: int | None
    status: str
    siao: int | None
    association: int | None = Field(None, description="null for the landlord that raised the alert")
    assigned_organization: int | None
    assigned_to: int | None
    due_on: date | None
    measure: int | None
    close_reason: str
    eviction_avoided: bool | None
    created_at: datetime
    closed_at: datetime | None


class AlertPage(Schema):
    count: int
    results: list[AlertOut]


def _alert_out(a: PreventionAlert, user=None) -> dict:
    """The alert as the caller may read it (households.visibility): a landlord does not learn which
    association follows the household nor who took the alert."""
    fields = visibility.readable_fields(user, "alert") if user is not None else frozenset()
    return {
        "id": a.pk,
        "version": a.version,
        "household": a.household_id,
        "landlord": a.landlord_id,
        "kind": a.kind,
        "detail": a.detail,
        "amount": None if a.amount is None else f"{a.amount:.2f}",
        "months": a.months,
        "status": a.status,
        "siao": a.siao_id,
        "association": a.association_id if "association" in fields else None,
        "assigned_organization": a.assigned_organization_id if "assigned_organization" in fields else None,
        "assigned_to": a.assigned_to_id if "assigned_to" in fields else None,
        "due_on": a.due_on,
        "measure": a.measure_id,
        "close_reason": a.close_reason if perms.landlord_may_read_close_reason(user, a) else "",
        "eviction_avoided": a.eviction_avoided,
        "created_at": a.created_at,
        "closed_at": a.closed_at,
    }


@router.post(
    "/prevention-alerts",
    response={201: AlertOut, **ERRORS},
    summary="Lever une alerte de prévention (bailleur)",
)
def raise_alert(request, payload: AlertIn):
    household = Household.objects.alive().filter(pk=payload.household).first()
    if household is None or not perms.can_raise_alert(request.user, household):
        raise ApiError(404, "not_found", "Ménage introuvable.")
    alert = services.alert_raise(
        actor=request.user,
        household=household,
        kind=_value(payload.kind),
        detail=payload.detail,
        amount=payload.amount,
        months=payload.months,
    )
    return Status(201, _alert_out(alert, request.user))


class AlertFilter(PageIn):
    status: AlertStatus | None = None
    pending: bool = False


@router.get("/prevention-alerts", response={200: AlertPage}, summary="Les alertes de prévention visibles")
def list_alerts(request, filters: Query[AlertFilter]):
    qs = PreventionAlert.objects.visible_to(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.pending:
        qs = qs.pending()
    page, count = page_of(
        qs.select_related("household").order_by("-created_at", "-pk"), filters.limit, filters.offset
    )
    record_reads(
        actor=request.user,
        households=[a.household for a in page],
        sections=["prevention"],
        purpose="prevention",
    )
    return {"count": count, "results": [_alert_out(a, request.user) for a in page]}


def _get_alert(request, alert_id: int) -> PreventionAlert:
    queryset = PreventionAlert.objects.select_related("household")
    return get_visible_or_404(queryset, alert_id, request.user, message="Alerte introuvable.")


@router.get(
    "/prevention-alerts/{int:alert_id}",
    response={200: AlertOut, 404: ErrorOut},
    summary="Une alerte de prévention",
)
def get_alert(request, alert_id: int):
    alert = _get_alert(request, alert_id)
    record_read(actor=request.user, household=alert.household, sections=["prevention"], purpose="prevention")
    return _alert_out(alert, request.user)


class TakeIn(Schema):
    version: int
    organization: int = Field(description="Le SIAO ou l'association référente destinataire de l'alerte.")
    assigned_to: int | None = None
    due_on: date | None = None


@router.post(
    "/prevention-alerts/{int:alert_id}/take",
    response={200: AlertOut, **ERRORS},
    summary="Prendre en charge (qui, pour quand)",
)
def take_alert(request, alert_id: int, payload: TakeIn):
    alert = _get_alert(request, alert_id)
    if not perms.can_triage_alert(request.user, alert):
        raise errors.Forbidden()
    organization = Organization.objects.filter(pk=payload.organization).first()
    if organization is None:
        raise ApiError(400, "invalid", "Organisation inconnue.", {"organization": ["Organisation inconnue."]})
    assigned_to = None
    if payload.assigned_to is not None:
        assigned_to = User.objects.filter(pk=payload.assigned_to).first()
        if assigned_to is None:
            raise ApiError(400, "invalid", "Personne inconnue.", {"assigned_to": ["Personne inconnue."]})
    alert = services.alert_take(
        actor=request.user,
        alert=alert,
        version=payload.version,
        organization=organization,
        assigned_to=assigned_to,
        due_on=payload.due_on,
    )
    return _alert_out(alert, request.user)


class AlertMeasureIn(Schema):
    version: int
    kind: str
    consent: Literal["accepted", "refused"]
    informed_how: Literal["orally", "written", "interpreter", "signed"] = "orally"
    intensity: Intensity = Intensity.REGULAR
    next_review_on: date | None = None


@router.post(
    "/prevention-alerts/{int:alert_id}/measure",
    response={201: MeasureOut, **ERRORS},
    summary="Ouvrir un accompagnement depuis l'alerte",
)
def alert_measure(request, alert_id: int, payload: AlertMeasureIn):
    alert = _get_alert(request, alert_id)
    if not perms.can_open_measure_from_alert(request.user, alert):
        raise errors.Forbidden()
    measure = services.alert_open_measure(
        actor=request.user,
        alert=alert,
        version=payload.version,
        kind=_kind(payload.kind),
        consent_given=payload.consent == "accepted",
        informed_how=payload.informed_how,
        intensity=_value(payload.intensity),
        next_review_on=payload.next_review_on,
    )
    return Status(201, _measure_out(_measure_queryset().get(pk=measure.pk), details=True))


class AlertCloseIn(Schema):
    version: int
    reason: AlertCloseReason
    eviction_avoided: bool | None = None


@router.post(
    "/prevention-alerts/{int:alert_id}/close",
    response={200: AlertOut, **ERRORS},
    summary="Clore l'alerte avec un motif codé",
)
def close_alert(request, alert_id: int, payload: AlertCloseIn):
    alert = _get_alert(request, alert_id)
    if not perms.can_triage_alert(request.user, alert):
        raise errors.Forbidden()
    alert = services.alert_close(
        actor=request.user,
        alert=alert,
        version=payload.version,
        reason=_value(payload.reason),
        eviction_avoided=payload.eviction_avoided,
    )
    return _alert_out(alert, request.user)


# Programmes


class ProgrammeOut(Schema):
    id: int
    name: str
    landlord: int
    association: int
    territory: str
    starts_on: date
    ends_on: date | None
    units: int


class ProgrammePage(Schema):
    count: int
    results: list[ProgrammeOut]


@router.get(
    "/support/programmes", response={200: ProgrammePage}, summary="Les projets de logement accompagné"
)
def list_programmes(request, page: Query[PageIn]):
    from django.db.models import Count

    qs = (
        Programme.objects.visible_to(request.user)
        .select_related("territory")
        .annotate(unit_count=Count("units"))
        .order_by("name", "pk")
    )
    programmes, count = page_of(qs, page.limit, page.offset)
    return {
        "count": count,
        "results": [
            {
                "id": p.pk,
                "name": p.name,
                "landlord": p.landlord_id,
                "association": p.association_id,
                "territory": p.territory.code,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "units": p.unit_count,
            }
            for p in programmes
        ],
    }


class FundingOut(Schema):
    source: str
    label: str
    amount: str


class ReportOut(Schema):
    programme: int
    name: str
    on: date
    units: int
    households_housed: int | None  # null: hidden (small count or its complement)
    households_housed_now: int | None  # null: hidden (small count or its complement)
    measures: int | None  # null: hidden (small count or its complement)
    measures_open: int | None  # null: hidden (small count or its complement)
    measures_closed: int | None  # null: hidden (small count or its complement)
    actions: int
    action_hours: str
    alerts: int | None  # null: hidden (small count or its complement)
    evictions_avoided: int | None  # null: hidden (small count or its complement)
    funding_total: str
    funding_by_source: list[FundingOut]
    funding_per_household: str | None


@router.get(
    "/support/programmes/{int:programme_id}/report",
    response={200: ReportOut, 404: ErrorOut},
    summary="Le bilan d'un projet pour ses financeurs",
)
def get_report(request, programme_id: int, on: date | None = None):
    programme = Programme.objects.visible_to(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise ApiError(404, "not_found", "Projet introuvable.")
    from django.utils import timezone

    on = on or timezone.localdate()
    r = report_for(request.user, programme, on=on)

    def count(value):
        return None if isinstance(value, Hidden) else value

    return {
        "programme": programme.pk,
        "name": programme.name,
        "on": on,
        "units": r.units,
        "households_housed": count(r.households_housed),
        "households_housed_now": count(r.households_housed_now),
        "measures": count(r.measures),
        "measures_open": count(r.measures_open),
        "measures_closed": count(r.measures_closed),
        "actions": r.actions,
        "action_hours": str(r.action_hours),
        "alerts": count(r.alerts),
        "evictions_avoided": count(r.evictions_avoided),
        "funding_total": f"{r.funding_total:.2f}",
        "funding_by_source": [
            {"source": c, "label": lbl, "amount": f"{a:.2f}"} for c, lbl, a in r.funding_by_source
        ],
        "funding_per_household": None
        if r.funding_per_household is None or isinstance(r.funding_per_household, Hidden)
        else f"{r.funding_per_household:.2f}",
    }
