"""API v1 of the household file: create, read, edit, search, consent and access log (api-v1.md)."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organization
from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.core.lookup import get_visible_or_404
from parcours.core.models import AuditEvent, AuditKind

from . import perms, services, visibility
from .choices import ConsentPurpose, InformedHow, Relationship, Sex, Situation
from .models import Consent, Household, Person

router = Router(tags=["ménages"])
NOT_FOUND = "Ménage introuvable."


class MemberIn(Schema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date | None = None
    sex: Sex = Sex.UNSPECIFIED
    relationship: Relationship


class HouseholdIn(Schema):
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    territory: str = Field(min_length=2, max_length=3)
    protected: bool = False
    monthly_resources: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    situation: Situation


class HouseholdPatch(Schema):
    version: int
    territory: str | None = None
    protected: bool | None = None
    monthly_resources: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    situation: Situation | None = None
    public_family: int | None = Field(None, ge=1, le=4)
    public_family_reason: str | None = None
    si_siao_number: str | None = None
    sne_number: str | None = None
    dalo_decision: str | None = None
    dalo_decision_on: date | None = None
    dalo_territory: str | None = None
    syplo_labelled: bool | None = None
    syplo_labelled_on: date | None = None
    address: str | None = None
    phone: str | None = None


class MemberOut(Schema):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    relationship: str | None = None


class OrganizationRef(Schema):
    id: int
    name: str


class HouseholdOut(Schema):
    id: int
    access: str
    version: int
    members: list[MemberOut]
    territory: str
    protected: bool | None = Field(None, description="null when your access does not include it")
    monthly_resources: str | None = Field(None, description="null when your access does not include it")
    situation: str | None = None
    referent_organization: OrganizationRef | None = None
    public_family: int | None = None
    identifiers: dict | None = None
    whereabouts: dict | None = None


class HouseholdSummary(Schema):
    id: int
    members: list[MemberOut]
    territory: str
    situation: str | None


class ConsentIn(Schema):
    organization: int
    purpose: ConsentPurpose
    ends_on: date
    starts_on: date | None = None
    informed_how: InformedHow = InformedHow.ORALLY


class ConsentOut(Schema):
    id: int
    organization: int
    purpose: str
    starts_on: date
    ends_on: date
    revoked_at: datetime | None
    active: bool


class AccessLogEntry(Schema):
    at: datetime
    user: str
    organization: str | None
    role: str
    sections: list[str]
    purpose: str


def _with_relations(qs):
    return qs.select_related("territory", "referent_organization", "dalo_territory").prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("pk")), "situations", "money_lines", "consents"
    )


def _visible(request, pk) -> Household:
    return get_visible_or_404(_with_relations(Household.objects.all()), pk, request.user, message=NOT_FOUND)


def _out(request, household: Household) -> dict:
    """The household as the caller may read it, field by field (visibility.readable_fields)."""
    level = perms.access(request.user, household)
    sections = perms.sections_for(request.user, household)
    fields = visibility.readable_fields(request.user, "household", household)
    person_fields = visibility.readable_fields(request.user, "person", household)
    situation = household.current_situation
    body = {
        "id": household.pk,
        "access": "full" if level == perms.Access.FULL else "shared",
        "version": household.version,
        "members": [
            {"id": p.pk, **{f: getattr(p, f) for f in MemberOut.model_fields if f in person_fields}}
            for p in household.members
        ]
        if "members" in fields
        else [],
        "territory": household.territory.code,
        "protected": household.protected if "protected" in fields else None,
        "monthly_resources": f"{household.monthly_resources:.2f}" if "monthly_resources" in fields else None,
        "situation": situation.situation if situation and "situation" in fields else None,
    }
    if "referent_organization" in fields:
        body["referent_organization"] = household.referent_organization
    if "public_family" in fields:
        body["public_family"] = household.public_family
    if "identifiers" in fields:
        body["identifiers"] = {
            "si_siao_number": household.si_siao_number,
            "sne_number": household.sne_number,
            "dalo_decision": household.dalo_decision,
            "dalo_decision_on": household.dalo_decision_on,
            "dalo_territory": household.dalo_territory.code if household.dalo_territory else None,
            "syplo_labelled": household.syplo_labelled,
            "syplo_labelled_on": household.syplo_labelled_on,
        }
    if "whereabouts" in fields:
        body["whereabouts"] = {"address": household.address, "phone": household.phone}
    services.record_read(actor=request.user, household=household, sections=sections, purpose="api")
    return body


@router.post(
    "/households", response={201: HouseholdOut, 400: ErrorOut, 403: ErrorOut}, summary="Ouvrir un dossier"
)
def create_household(request, payload: HouseholdIn):
    household = services.household_create(
        actor=request.user,
        members=[services.MemberData(**m.dict()) for m in payload.members],
        territory=payload.territory,
        situation=payload.situation,
        protected=payload.protected,
        monthly_resources=payload.monthly_resources,
    )
    return Status(201, _out(request, _visible(request, household.pk)))


@router.get(
    "/households/{int:household_id}", response={200: HouseholdOut, 404: ErrorOut}, summary="Lire un dossier"
)
def get_household(request, household_id: int):
    return _out(request, _visible(request, household_id))


@router.patch(
    "/households/{int:household_id}",
    response={200: HouseholdOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Modifier un dossier (avec la version lue)",
)
def patch_household(request, household_id: int, payload: HouseholdPatch):
    household = _visible(request, household_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.household_update(actor=request.user, household=household, version=version, **changes)
    return _out(request, _visible(request, household_id))


class SearchPage(Schema):
    count: int
    results: list[HouseholdSummary]


@router.get("/households", response={200: SearchPage, 422: ErrorOut}, summary="Rechercher un ménage")
def search_households(
    request,
    q: str = Query("", max_length=200),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    matches = Household.objects.listable_by(request.user).search(q)
    page, count = page_of(_with_relations(matches.order_by("-updated_at", "-pk")), limit, offset)
    # Only what is returned is read: the page, not every match.
    services.record_reads(actor=request.user, households=page, sections=["search_result"], purpose="search")
    results = []
    for household in page:
        situation = household.current_situation
        shown = visibility.may_read(request.user, "household", "situation", household)
        results.append(
            {
                "id": household.pk,
                "members": household.members,
                "territory": household.territory.code,
                "situation": situation.situation if situation and shown else None,
            }
        )
    return {"count": count, "results": results}


@router.post(
    "/households/{int:household_id}/consents",
    response={201: ConsentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Enregistrer un consentement",
)
def create_consent(request, household_id: int, payload: ConsentIn):
    household = _visible(request, household_id)
    organization = Organization.objects.active().filter(pk=payload.organization).first()
    if organization is None:
        raise ApiError(400, "invalid", "Organisation inconnue.", {"organization": ["Organisation inconnue."]})
    consent = services.consent_record(
        actor=request.user,
        household=household,
        organization=organization,
        purpose=payload.purpose,
        ends_on=payload.ends_on,
        starts_on=payload.starts_on,
        informed_how=payload.informed_how,
    )
    return Status(201, _consent_out(consent))


def _consent_out(consent: Consent) -> dict:
    """The consent as the household page shows it and the access rules apply it (Consent.state_on):
    `ends_on` is its effective end (the maximum duration or a revocation may come first), `active`
    whether it opens anything today."""
    return {
        "id": consent.pk,
        "organization": consent.organization_id,
        "purpose": consent.purpose,
        "starts_on": consent.starts_on,
        "ends_on": consent.effective_ends_on,
        "revoked_at": consent.revoked_at,
        "active": consent.is_active,
    }


@router.delete(
    "/households/{int:household_id}/consents/{int:consent_id}",
    response={200: ConsentOut, 403: ErrorOut, 404: ErrorOut},
    summary="Retirer un consentement",
)
def revoke_consent(request, household_id: int, consent_id: int):
    household = _visible(request, household_id)
    consent = get_object_or_404(Consent, pk=consent_id, household=household)
    return _consent_out(services.consent_revoke(actor=request.user, consent=consent))


@router.get(
    "/households/{int:household_id}/access-log",
    response={200: list[AccessLogEntry], 404: ErrorOut},
    summary="Qui a consulté le dossier",
)
def access_log(request, household_id: int):
    household = _visible(request, household_id)
    if not perms.can_view_access_log(request.user, household):
        raise ApiError(404, "not_found", "Ménage introuvable.")
    events = (
        AuditEvent.objects.for_object("households.household", household.pk)
        .filter(kind=AuditKind.READ)
        .select_related("actor")
        .order_by("-id")[:500]
    )
    organizations = dict(Organization.objects.values_list("pk", "name"))
    entries = [
        {
            "at": e.occurred_at,
            "user": e.actor.get_full_name() or e.actor.username if e.actor else "",
            "organization": organizations.get(e.organization_id),
            "role": e.role,
            "sections": e.sections,
            "purpose": e.purpose,
        }
        for e in events
    ]
    services.record_read(
        actor=request.user, household=household, sections=["access_log"], purpose="access_log"
    )
    return entries
