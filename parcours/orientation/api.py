"""API v1 of orientation: insertion requests and their transitions (api-v1.md, "Orientation")."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema, Status

from parcours.api.errors import ApiError
from parcours.api.schemas import ErrorOut
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.offers.choices import FacilityKind

from . import perms, services
from .models import InsertionRequest

router = Router(tags=["orientation"])


class RequestIn(Schema):
    wished_kinds: list[FacilityKind] = Field(min_length=1, max_length=12)
    wished_territories: list[str] = Field(min_length=1, max_length=20)
    max_rent: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class RequiredReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class RequestCreatedOut(Schema):
    id: int
    status: str


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor: int | None
    at: datetime
    reason: str


class RequestOut(Schema):
    id: int
    version: int
    household: int
    status: str
    wished_kinds: list[str]
    wished_territories: list[str]
    max_rent: str | None
    seniority_date: date | None
    submitted_at: datetime | None
    validated_at: datetime | None
    created_at: datetime
    transitions: list[TransitionOut]


class StatusOut(Schema):
    id: int
    status: str


def _request_out(r: InsertionRequest) -> dict:
    return {
        "id": r.pk,
        "version": r.version,
        "household": r.household_id,
        "status": r.status,
        "wished_kinds": r.wished_kinds,
        "wished_territories": r.wished_territories,
        "max_rent": None if r.max_rent is None else f"{r.max_rent:.2f}",
        "seniority_date": r.seniority_date,
        "submitted_at": r.submitted_at,
        "validated_at": r.validated_at,
        "created_at": r.created_at,
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "actor": t.actor_id,
                "at": t.at,
                "reason": t.reason,
            }
            for t in r.transitions.all()
        ],
    }


NOT_FOUND = "Demande introuvable."


def _household(request, household_id: int) -> Household:
    household = Household.objects.alive().filter(pk=household_id).first()
    if household is None or not can_view_household(request.user, household):
        raise ApiError(404, "not_found", "Ménage introuvable.")
    return household


def _get(request, request_id: int) -> InsertionRequest:
    found = (
        InsertionRequest.objects.select_related("household")
        .prefetch_related("transitions")
        .filter(pk=request_id)
        .first()
    )
    if found is None or not perms.can_view_request(request.user, found):
        raise ApiError(404, "not_found", NOT_FOUND)
    return found


@router.post(
    "/households/{int:household_id}/insertion-requests",
    response={
        201: RequestCreatedOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Créer une demande d'insertion (brouillon)",
)
def create_request(request, household_id: int, payload: RequestIn):
    household = _household(request, household_id)
    if not perms.can_create_request(request.user, household):
        raise ApiError(403, "forbidden", "Votre rôle ne permet pas de créer une demande pour ce ménage.")
    try:
        created = services.request_create(
            actor=request.user,
            household=household,
            wished_kinds=[str(k.value if hasattr(k, "value") else k) for k in payload.wished_kinds],
            wished_territories=payload.wished_territories,
            max_rent=payload.max_rent,
        )
    except services.TransitionConflict as exc:
        raise ApiError(409, "conflict", exc.message) from exc
    return Status(201, {"id": created.pk, "status": created.status})


@router.get(
    "/households/{int:household_id}/insertion-requests",
    response={200: list[RequestOut], 404: ErrorOut},
    summary="Les demandes d'insertion d'un ménage",
)
def list_household_requests(request, household_id: int):
    household = _household(request, household_id)
    return [
        _request_out(r)
        for r in household.insertion_requests.prefetch_related("transitions").order_by("-created_at", "-pk")
    ]


@router.get(
    "/insertion-requests/{int:request_id}",
    response={200: RequestOut, 404: ErrorOut},
    summary="Une demande d'insertion et son historique",
)
def get_request(request, request_id: int):
    return _request_out(_get(request, request_id))


def _move(request, request_id: int, action: str, reason: str = "") -> dict:
    found = _get(request, request_id)
    if not perms.may(request.user, found, action):
        raise ApiError(403, "forbidden", "Votre rôle ne permet pas ce changement d'état de la demande.")
    try:
        moved = services.perform(action, actor=request.user, insertion_request=found, reason=reason)
    except services.TransitionConflict as exc:
        raise ApiError(409, "conflict", exc.message) from exc
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    return {"id": moved.pk, "status": moved.status}


TRANSITION_RESPONSES = {
    200: StatusOut,
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}

# api-v1 defines cancel without a body: without a reason, this one is recorded.
DEFAULT_CANCEL_REASON = "Annulation sans motif précisé (API)."


@router.post(
    "/insertion-requests/{int:request_id}/submit",
    response=TRANSITION_RESPONSES,
    summary="Transmettre la demande au SIAO",
)
def submit_request(request, request_id: int):
    return _move(request, request_id, "submit")


@router.post(
    "/insertion-requests/{int:request_id}/validate",
    response=TRANSITION_RESPONSES,
    summary="Valider la demande (coordination SIAO)",
)
def validate_request(request, request_id: int, payload: ReasonIn | None = None):
    return _move(request, request_id, "validate", payload.reason if payload else "")


@router.post(
    "/insertion-requests/{int:request_id}/ask-completion",
    response=TRANSITION_RESPONSES,
    summary="Demander un complément (coordination SIAO)",
)
def ask_completion(request, request_id: int, payload: RequiredReasonIn):
    return _move(request, request_id, "ask_completion", payload.reason)


@router.post(
    "/insertion-requests/{int:request_id}/cancel",
    response=TRANSITION_RESPONSES,
    summary="Annuler la demande",
)
def cancel_request(request, request_id: int, payload: ReasonIn | None = None):
    reason = (payload.reason if payload else "").strip() or DEFAULT_CANCEL_REASON
    return _move(request, request_id, "cancel", reason)


@router.post(
    "/insertion-requests/{int:request_id}/reactivate",
    response=TRANSITION_RESPONSES,
    summary="Réactiver une demande annulée ou expirée",
)
def reactivate_request(request, request_id: int, payload: ReasonIn | None = None):
    return _move(request, request_id, "reactivate", payload.reason if payload else "")
