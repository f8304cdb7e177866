"""The person's API (api-v1.md § "The person's space").

Two routers: `staff_router` (the invitation, with the staff's bearer tokens) and `person_router`
(`/portal/...`, with the person's own token from `POST /portal/session`). A person's token is refused
by every staff endpoint (TokenAuth knows only staff tokens), and a staff token by every person's
endpoint. Domains add person's endpoints to `person_router` from their own portal.py
(assessments: `POST /portal/assessments`).
"""

import datetime as dt

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from parcours.api.schemas import ErrorOut
from parcours.core import audit
from parcours.households.models import Household, Person
from parcours.households.perms import can_view_household

from . import codes, perms, reads, sections, services
from .auth import idle_seconds  # noqa: F401  (one idle rule for pages and tokens, see docs)


class PortalTokenAuth(HttpBearer):
    """The person's bearer token: usable only while their access is."""

    def authenticate(self, request, token):
        access = services.token_access(token)
        if access is None:
            return None
        request.portal_access = access
        audit.current_channel.set("api")
        return access


staff_router = Router(tags=["mon espace"])
session_router = Router(tags=["mon espace"], auth=None)
person_router = Router(tags=["mon espace"], auth=PortalTokenAuth())


class InvitationIn(Schema):
    person: int
    phone: str = ""


class InvitationOut(Schema):
    id: int
    person: int
    expires_at: dt.datetime


@staff_router.post(
    "/households/{household_id}/portal-invitations",
    response={201: InvitationOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Inviter une personne du ménage dans Mon espace (un code lui est envoyé par SMS)",
)
def invite(request, household_id: int, payload: InvitationIn):
    household = Household.objects.filter(pk=household_id).first()
    # Other roles and organisations: 404, as if the file did not exist.
    if (
        household is None
        or not can_view_household(request.user, household)
        or not perms.can_invite(request.user, household)
    ):
        from parcours.core.errors import NotFound

        raise NotFound()
    person = get_object_or_404(Person, pk=payload.person, household=household)
    access, _printed, expires_at = services.invite(
        actor=request.user, household=household, person=person, phone=payload.phone
    )
    return Status(201, {"id": access.pk, "person": person.pk, "expires_at": expires_at})


class SessionIn(Schema):
    phone: str
    code: str


class SessionOut(Schema):
    token: str
    expires_at: dt.datetime


@session_router.post(
    "/portal/session",
    response={200: SessionOut, 400: ErrorOut, 429: ErrorOut},
    summary="Se connecter à Mon espace avec son téléphone et le code reçu",
)
def open_session(request, payload: SessionIn):
    audit.current_channel.set("api")
    access = services.sign_in_with_sms(phone=payload.phone, code=payload.code, ip=codes.client_ip(request))
    with transaction.atomic():
        token, expires_at = services.create_token(access)
    return Status(200, {"token": token, "expires_at": expires_at})


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@person_router.get("/portal/me", summary="Mon espace : mon foyer, mes demandes, mes accords…")
def me(request):
    access = request.portal_access
    household = reads.household(access)
    data = {
        "household": {
            "id": household["id"],
            "members": [
                {k: m[k] for k in ("id", "first_name", "last_name", "birth_date", "relationship", "me")}
                for m in household["members"]
            ],
            "situation": household["situation"],
        },
        "requests": [],
        "proposals": [],
        "consents": [
            {k: c[k] for k in ("id", "organization", "purpose", "ends_on", "active")}
            for c in reads.consents(access)
        ],
        "appointments": [],
        "documents": [],
        "referent": reads.referent(access),
    }
    data.update(sections.api_data(access))
    return _jsonable(data)


@person_router.get("/portal/access-log", summary="Qui a lu mon dossier")
def access_log(request):
    return _jsonable(
        [
            {k: row[k] for k in ("when", "organization", "role", "what")}
            for row in reads.access_log(request.portal_access)
        ]
    )


@person_router.delete(
    "/portal/consents/{consent_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary="Retirer mon accord : l'organisation perd l'accès tout de suite",
)
def withdraw_consent(request, consent_id: int):
    services.consent_withdraw(access=request.portal_access, consent_id=consent_id)
    return Status(204, None)
