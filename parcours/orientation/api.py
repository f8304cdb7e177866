"""API v1 of orientation: insertion requests and their transitions (api-v1.md, "Orientation")."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.core import audit
from parcours.households import visibility
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.households.services import record_read
from parcours.offers.choices import FacilityKind
from parcours.offers.models import Vacancy

from . import perms, proposals, services
from .choices import ExitDestination, ProposalStatus
from .models import InsertionRequest, Proposal, RefusalReason

router = Router(tags=["orientation"])


class InsertionRequestIn(Schema):
    wished_kinds: list[FacilityKind] = Field(min_length=1, max_length=12)
    wished_territories: list[str] = Field(min_length=1, max_length=20)
    max_rent: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class RequiredReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class InsertionRequestCreatedOut(Schema):
    id: int
    status: str


class RequestTransitionOut(Schema):
    from_status: str
    to_status: str
    actor: int | None
    at: datetime
    reason: str


class InsertionRequestOut(Schema):
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
    transitions: list[RequestTransitionOut] | None = Field(
        None, description="null when your access does not include the request's history"
    )


class StatusOut(Schema):
    id: int
    status: str


def _request_out(r: InsertionRequest, user) -> dict:
    """The request as the caller may read it: its history only for whoever holds the whole file."""
    fields = visibility.readable_fields(user, "request", r.household)
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
        ]
        if "transitions" in fields
        else None,
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
        201: InsertionRequestCreatedOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Créer une demande d'insertion (brouillon)",
)
def create_request(request, household_id: int, payload: InsertionRequestIn):
    household = _household(request, household_id)
    if not perms.can_create_request(request.user, household):
        raise ApiError(403, "forbidden", "Votre rôle ne permet pas de créer une demande pour ce ménage.")
    created = services.request_create(
        actor=request.user,
        household=household,
        wished_kinds=[str(k.value if hasattr(k, "value") else k) for k in payload.wished_kinds],
        wished_territories=payload.wished_territories,
        max_rent=payload.max_rent,
    )
    return Status(201, {"id": created.pk, "status": created.status})


@router.get(
    "/households/{int:household_id}/insertion-requests",
    response={200: list[InsertionRequestOut], 404: ErrorOut},
    summary="Les demandes d'insertion d'un ménage",
)
def list_household_requests(request, household_id: int):
    household = _household(request, household_id)
    if not visibility.readable_fields(request.user, "request", household):
        return []
    record_read(actor=request.user, household=household, sections=["orientation"], purpose="api")
    return [
        _request_out(r, request.user)
        for r in household.insertion_requests.prefetch_related("transitions").order_by("-created_at", "-pk")
    ]


@router.get(
    "/insertion-requests/{int:request_id}",
    response={200: InsertionRequestOut, 404: ErrorOut},
    summary="Une demande d'insertion et son historique",
)
def get_request(request, request_id: int):
    found = _get(request, request_id)
    _record_reads(request, [found.household_id], "orientation")
    return _request_out(found, request.user)


def _record_reads(request, household_ids, section: str) -> None:
    """The named households behind the requests or proposals returned (rule 7)."""
    audit.record_reads(
        actor=request.user,
        objs=[("households.household", pk) for pk in household_ids],
        sections=[section],
        purpose="api",
    )


def _move(request, request_id: int, action: str, reason: str = "") -> dict:
    found = _get(request, request_id)
    if not perms.may(request.user, found, action):
        raise ApiError(403, "forbidden", "Votre rôle ne permet pas ce changement d'état de la demande.")
    moved = services.perform(action, actor=request.user, insertion_request=found, reason=reason)
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


@router.post(
    "/insertion-requests/{int:request_id}/renew",
    response=TRANSITION_RESPONSES,
    summary="Actualiser une demande validée (elle reste valable trois mois de plus)",
)
def renew_request(request, request_id: int):
    found = _get(request, request_id)
    moved = services.request_renew(actor=request.user, insertion_request=found)
    return {"id": moved.pk, "status": moved.status}


class TerritoryTransferIn(Schema):
    territory: str = Field(min_length=2, max_length=3)
    reason: str = Field(min_length=1, max_length=2000)


class ReferentTransferIn(Schema):
    organization: int
    referent: int | None = None
    reason: str = Field(min_length=1, max_length=2000)


@router.post(
    "/insertion-requests/{int:request_id}/transfer-territory",
    response=TRANSITION_RESPONSES,
    summary="Transférer la demande au SIAO d'un autre département",
)
def transfer_territory(request, request_id: int, payload: TerritoryTransferIn):
    found = _get(request, request_id)
    moved = services.request_transfer_territory(
        actor=request.user, insertion_request=found, territory=payload.territory, reason=payload.reason
    )
    return {"id": moved.pk, "status": moved.status}


@router.post(
    "/insertion-requests/{int:request_id}/transfer-referent",
    response=TRANSITION_RESPONSES,
    summary="Confier la demande (et le dossier) à une autre organisation référente",
)
def transfer_referent(request, request_id: int, payload: ReferentTransferIn):
    from django.contrib.auth import get_user_model

    from parcours.accounts.models import Organization

    found = _get(request, request_id)
    organization = Organization.objects.filter(pk=payload.organization, active=True).first()
    if organization is None:
        raise ApiError(400, "invalid", "Organisation inconnue.", {"organization": ["Organisation inconnue."]})
    referent = None
    if payload.referent is not None:
        referent = get_user_model().objects.filter(pk=payload.referent, is_active=True).first()
        if referent is None:
            raise ApiError(400, "invalid", "Référent inconnu.", {"referent": ["Référent inconnu."]})
    moved = services.request_transfer_referent(
        actor=request.user,
        insertion_request=found,
        organization=organization,
        referent=referent,
        reason=payload.reason,
    )
    return {"id": moved.pk, "status": moved.status}


# Proposals --------------------------------------------------------------------------------------


class RefusalReasonOut(Schema):
    code: str
    label: str
    side: str
    justified: bool


class ProposalIn(Schema):
    request: int


class DecisionIn(Schema):
    decision: Literal["accepted", "refused"]
    side: Literal["household", "facility"] | None = None
    reason: str | None = Field(None, max_length=40)
    note: str = Field("", max_length=2000)


class AdmissionIn(Schema):
    entered_on: date


class ExitIn(Schema):
    exited_on: date
    destination: ExitDestination


class WithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class ProposalEventOut(Schema):
    from_status: str
    to_status: str
    actor: int | None
    at: datetime
    note: str


class ProposalOut(Schema):
    id: int
    version: int
    request: int
    household: int
    # null, with place_hidden, on a protected household for those who may not see its place
    vacancy: int | None
    unit: int | None
    facility: int | None
    place_hidden: bool = False
    status: str
    refusal_side: str
    refusal_reason: str | None
    admitted_on: date | None
    exited_on: date | None
    exit_destination: str
    created_at: datetime
    answered_at: datetime | None
    events: list[ProposalEventOut]


class ProposalPage(Schema):
    count: int
    results: list[ProposalOut]


def _proposal_out(user, p: Proposal) -> dict:
    """The proposal as the caller may read it: a facility or landlord reads its steps, not who in
    other organizations moved it nor their notes (households.visibility); the place of a protected
    household only where rule 6 allows it."""
    shown = perms.can_see_proposed_place(user, p, proposal_screen=True)
    fields = visibility.readable_fields(user, "proposal")
    return {
        "id": p.pk,
        "version": p.version,
        "request": p.request_id,
        "household": p.request.household_id,
        "vacancy": p.vacancy_id if shown else None,
        "unit": p.vacancy.unit_id if shown else None,
        "facility": p.vacancy.unit.facility_id if shown else None,
        "place_hidden": not shown,
        "status": p.status,
        "refusal_side": p.refusal_side,
        "refusal_reason": p.refusal_reason.code if p.refusal_reason_id else None,
        "admitted_on": p.admitted_on,
        "exited_on": p.exited_on,
        "exit_destination": p.exit_destination,
        "created_at": p.created_at,
        "answered_at": p.answered_at,
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor_id if "event_actor" in fields else None,
                "at": e.at,
                "note": e.note if "event_note" in fields else "",
            }
            for e in p.events.all()
        ],
    }


PROPOSAL_RESPONSES = {
    200: ProposalOut,
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _proposal(request, proposal_id: int) -> Proposal:
    found = (
        Proposal.objects.select_related("request__household", "vacancy__unit__facility", "refusal_reason")
        .prefetch_related("events")
        .filter(pk=proposal_id)
        .first()
    )
    if found is None or not perms.can_view_proposal(request.user, found):
        raise ApiError(404, "not_found", "Proposition introuvable.")
    return found


@router.get(
    "/refusal-reasons",
    response={200: list[RefusalReasonOut]},
    summary="Les motifs de refus codés (un refus non légitime du ménage remet son ancienneté à zéro)",
)
def list_refusal_reasons(request):
    return [
        {"code": r.code, "label": r.label, "side": r.side, "justified": r.justified}
        for r in RefusalReason.objects.filter(active=True)
    ]


@router.post(
    "/vacancies/{int:vacancy_id}/proposals",
    response={201: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Proposer un ménage (sa demande validée) sur une vacance",
)
def create_proposal(request, vacancy_id: int, payload: ProposalIn):
    vacancy = Vacancy.objects.filter(pk=vacancy_id).first()
    if vacancy is None:
        raise ApiError(404, "not_found", "Vacance introuvable.")
    insertion_request = _get(request, payload.request)
    if not perms.can_propose(request.user, insertion_request):
        raise ApiError(403, "forbidden", "Seule la coordination SIAO du département propose un ménage.")
    created = proposals.proposal_create(
        actor=request.user, insertion_request=insertion_request, vacancy=vacancy
    )
    return Status(201, _proposal_out(request.user, _proposal(request, created.pk)))


@router.get(
    "/proposals",
    response={200: ProposalPage, 403: ErrorOut, 422: ErrorOut},
    summary="Les propositions que je peux voir (structure : celles faites sur ses places)",
)
def list_proposals(
    request,
    status: ProposalStatus | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    if not perms.can_list_proposals(request.user):
        raise ApiError(403, "forbidden", "Votre rôle ne donne pas accès aux propositions.")
    qs = (
        Proposal.objects.visible_to(request.user)
        .select_related("request__household", "vacancy__unit__facility", "refusal_reason")
        .prefetch_related("events")
        .order_by("-created_at", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    page, count = page_of(qs, limit, offset)
    _record_reads(request, [p.request.household_id for p in page], "proposal")
    return {"count": count, "results": [_proposal_out(request.user, p) for p in page]}


@router.get(
    "/proposals/{int:proposal_id}", response={200: ProposalOut, 404: ErrorOut}, summary="Une proposition"
)
def get_proposal(request, proposal_id: int):
    found = _proposal(request, proposal_id)
    _record_reads(request, [found.request.household_id], "proposal")
    return _proposal_out(request.user, found)


@router.post(
    "/proposals/{int:proposal_id}/decision",
    response=PROPOSAL_RESPONSES,
    summary="Répondre à une proposition : acceptée, ou refusée avec le côté et un motif codé",
)
def decide_proposal(request, proposal_id: int, payload: DecisionIn):
    found = _proposal(request, proposal_id)
    proposals.proposal_decide(
        actor=request.user,
        proposal=found,
        decision=payload.decision,
        side=payload.side or "",
        reason=payload.reason or "",
        note=payload.note,
    )
    return _proposal_out(request.user, _proposal(request, proposal_id))


@router.post(
    "/proposals/{int:proposal_id}/admission",
    response=PROPOSAL_RESPONSES,
    summary="Enregistrer l'entrée du ménage (la vacance est pourvue)",
)
def admit_proposal(request, proposal_id: int, payload: AdmissionIn):
    found = _proposal(request, proposal_id)
    proposals.proposal_admit(actor=request.user, proposal=found, entered_on=payload.entered_on)
    return _proposal_out(request.user, _proposal(request, proposal_id))


@router.post(
    "/proposals/{int:proposal_id}/exit",
    response=PROPOSAL_RESPONSES,
    summary="Enregistrer la sortie du ménage (date et destination)",
)
def exit_proposal(request, proposal_id: int, payload: ExitIn):
    found = _proposal(request, proposal_id)
    proposals.proposal_exit(
        actor=request.user,
        proposal=found,
        exited_on=payload.exited_on,
        destination=str(payload.destination.value),
    )
    return _proposal_out(request.user, _proposal(request, proposal_id))


@router.post(
    "/proposals/{int:proposal_id}/withdraw",
    response=PROPOSAL_RESPONSES,
    summary="Retirer une proposition en cours (coordination SIAO)",
)
def withdraw_proposal(request, proposal_id: int, payload: WithdrawIn):
    found = _proposal(request, proposal_id)
    proposals.proposal_withdraw(actor=request.user, proposal=found, reason=payload.reason)
    return _proposal_out(request.user, _proposal(request, proposal_id))
