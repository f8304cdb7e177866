"""API v1 of the orientation engine: the candidates of a vacancy (api-v1.md, "Orientation"), why a
household is not among them, and the matching facts of a request."""

from ninja import Field, Query, Router, Schema

from parcours.api.errors import ApiError
from parcours.api.schemas import ErrorOut
from parcours.households import visibility
from parcours.orientation import perms as orientation_perms
from parcours.orientation.models import InsertionRequest

from . import selectors, services
from .choices import Vulnerability
from .engine import ENGINE_VERSION
from .models import MAX_MANUAL_PRIORITY, RequestFacts

router = Router(tags=["orientation"])

VACANCY_NOT_FOUND = "Vacance introuvable."


class CandidateOut(Schema):
    request: int
    household: int | None = Field(description="null when your role may not open this household")
    rank: int
    score: float
    terms: dict[str, float] = Field(description="weighted contribution of each criterion; they add up")


class ExcludedOut(Schema):
    request: int
    household: int | None
    rule: str
    label: str
    detail: str


class CandidatesOut(Schema):
    vacancy: int
    engine_version: str
    ranked_count: int
    excluded_count: int = Field(description="requests wishing this kind of offer and département, excluded")
    excluded_by_rule: dict[str, int] = Field(
        description="every open request excluded, by rule (wishes included)"
    )
    ranked: list[CandidateOut]
    excluded: list[ExcludedOut]


class ReasonOut(Schema):
    rule: str
    label: str
    detail: str


class WhyNotOut(Schema):
    request: int
    eligible: bool
    reasons: list[ReasonOut]
    candidate: CandidateOut | None


class FactsIn(Schema):
    version: int | None = Field(None, description="the version read; null or 0 when there were none")
    vulnerability: Vulnerability | None = None
    needs_accessible: bool | None = None
    has_pets: bool | None = None
    manual_priority: int | None = Field(None, ge=0, le=MAX_MANUAL_PRIORITY)
    manual_priority_reason: str | None = Field(None, max_length=2000)


class FactsOut(Schema):
    request: int
    version: int
    vulnerability: str | None = Field(description="null unless you may read it (SIAO coordinators)")
    needs_accessible: bool | None
    has_pets: bool | None
    manual_priority: int | None = Field(description="null unless you may read it (SIAO coordinators)")
    manual_priority_reason: str | None = Field(
        description="the commission's reason; null unless you may read it (SIAO coordinators)"
    )


def _vacancy(request, vacancy_id: int):
    vacancy = selectors.vacancy_for(request.user, vacancy_id)
    if vacancy is None:
        raise ApiError(404, "not_found", VACANCY_NOT_FOUND)
    if not vacancy.is_open:
        raise ApiError(409, "not_open", "Cette vacance n'est plus à pourvoir.")
    return vacancy


def _candidate_out(c, household) -> dict:
    return {
        "request": c.request_id,
        "household": household,
        "rank": c.rank,
        "score": c.score,
        "terms": c.terms,
    }


@router.get(
    "/vacancies/{int:vacancy_id}/candidates",
    response={200: CandidatesOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Les ménages classés et exclus pour une vacance, critère par critère",
)
def candidates(
    request,
    vacancy_id: int,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    excluded_limit: int = Query(50, ge=0, le=500),
    excluded_offset: int = Query(0, ge=0),
):
    vacancy = _vacancy(request, vacancy_id)
    found = selectors.candidate_list(
        actor=request.user,
        vacancy=vacancy,
        limit=limit,
        offset=offset,
        excluded_limit=excluded_limit,
        excluded_offset=excluded_offset,
    )
    return {
        "vacancy": vacancy.pk,
        "engine_version": ENGINE_VERSION,
        "ranked_count": found.ranking.ranked_count,
        "excluded_count": found.ranking.listed_excluded_count(selectors.UNLISTED_RULES),
        "excluded_by_rule": found.ranking.exclusions_by_rule(),
        "ranked": [_candidate_out(c, found.household(c.household_id)) for c in found.ranked],
        "excluded": [
            {
                "request": e.request_id,
                "household": found.household(e.household_id),
                "rule": e.rule,
                "label": e.label,
                "detail": e.detail,
            }
            for e in found.excluded
        ],
    }


def _request(request, request_id: int) -> InsertionRequest:
    found = InsertionRequest.objects.select_related("household").filter(pk=request_id).first()
    if found is None or not orientation_perms.can_view_request(request.user, found):
        raise ApiError(404, "not_found", "Demande introuvable.")
    return found


@router.get(
    "/vacancies/{int:vacancy_id}/candidates/{int:request_id}",
    response={200: WhyNotOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Pourquoi ce ménage est (ou n'est pas) proposé pour cette vacance",
)
def why_not(request, vacancy_id: int, request_id: int):
    vacancy = _vacancy(request, vacancy_id)
    insertion_request = _request(request, request_id)
    answer = selectors.why_not(actor=request.user, vacancy=vacancy, insertion_request=insertion_request)
    if not answer.open:
        raise ApiError(
            409, "not_open", "Cette demande n'est pas validée : elle n'entre pas dans le classement."
        )
    return {
        "request": request_id,
        "eligible": answer.eligible,
        "reasons": [r.__dict__ for r in answer.reasons],
        "candidate": _candidate_out(answer.candidate, insertion_request.household_id)
        if answer.candidate
        else None,
    }


def _facts_out(facts: RequestFacts, insertion_request: InsertionRequest, user) -> dict:
    """The matching facts the caller may read (households.visibility): the needs for whoever holds
    the whole file, the vulnerability and the commission's priority for the SIAO coordinators."""
    fields = visibility.readable_fields(user, "request", insertion_request.household)
    out = {"request": insertion_request.pk, "version": facts.version if facts.pk else 0}
    for name in FACTS_FIELDS:
        out[name] = getattr(facts, name) if name in fields else None
    return out


FACTS_FIELDS = ("vulnerability", "needs_accessible", "has_pets", "manual_priority", "manual_priority_reason")


@router.get(
    "/insertion-requests/{int:request_id}/matching-facts",
    response={200: FactsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Les éléments d'orientation d'une demande (besoins, vulnérabilité, priorité motivée)",
)
def get_facts(request, request_id: int):
    found = _request(request, request_id)
    if not set(FACTS_FIELDS) & visibility.readable_fields(request.user, "request", found.household):
        raise ApiError(404, "not_found", "Demande introuvable.")
    facts = RequestFacts.objects.filter(request=found).first() or RequestFacts(request=found)
    selectors.record_facts_read(actor=request.user, insertion_request=found)
    return _facts_out(facts, found, request.user)


@router.put(
    "/insertion-requests/{int:request_id}/matching-facts",
    response={
        200: FactsOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Modifier les éléments d'orientation d'une demande",
)
def put_facts(request, request_id: int, payload: FactsIn):
    found = _request(request, request_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    changes = {k: (v.value if hasattr(v, "value") else v) for k, v in changes.items() if v is not None}
    facts = services.request_facts_update(
        actor=request.user, insertion_request=found, version=payload.version, **changes
    )
    return _facts_out(facts, found, request.user)
