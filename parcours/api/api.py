"""The JSON API v1 (django-ninja): one router per domain, the same permissions as the pages."""

from django.contrib.auth.decorators import login_not_required
from ninja import NinjaAPI, Router, Schema

from parcours.accounts.decorators import two_factor_exempt
from parcours.assessments.api import router as assessments_router
from parcours.documents.api import router as documents_router
from parcours.emergency.api import router as emergency_router
from parcours.households.api import router as households_router
from parcours.matching.api import router as matching_router
from parcours.observatory.api import router as observatory_router
from parcours.offers.api import router as offers_router
from parcours.orientation.api import router as orientation_router
from parcours.outreach.api import router as outreach_router
from parcours.portal.api import person_router as portal_person_router
from parcours.portal.api import session_router as portal_session_router
from parcours.portal.api import staff_router as portal_staff_router
from parcours.support.api import router as support_router

from . import errors, openapi
from .auth import TokenAuth
from .schemas import ErrorOut

api = NinjaAPI(
    title="Parcours API",
    version="1",
    description="API du système d'information Parcours (SIAO, 115, orientation, accompagnement).",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
openapi.document_shared_errors(api)


class OrganizationOut(Schema):
    id: int
    name: str
    type: str


class MeOut(Schema):
    username: str
    organization: OrganizationOut
    role: str


identity = Router(tags=["identité"])


@identity.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Qui suis-je ?")
def me(request):
    membership = request.membership
    return {
        "username": request.user.username,
        "organization": {
            "id": membership.organization_id,
            "name": membership.organization.name,
            "type": membership.organization.type,
        },
        "role": membership.role,
    }


api.add_router("", identity)
api.add_router("", assessments_router)
api.add_router("", households_router)
api.add_router("", offers_router)
api.add_router("", orientation_router)
api.add_router("", emergency_router)
api.add_router("", observatory_router)
api.add_router("", support_router)
api.add_router("", matching_router)
api.add_router("", outreach_router)
api.add_router("", documents_router)
api.add_router("", portal_staff_router)
api.add_router("", portal_session_router)
api.add_router("", portal_person_router)


def _exempt(patterns):
    """API views authenticate with bearer tokens, not with the session: the page middlewares step aside."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _exempt(pattern.url_patterns)
        else:
            login_not_required(pattern.callback)
            two_factor_exempt(pattern.callback)


urls = api.urls
_exempt(urls[0])
