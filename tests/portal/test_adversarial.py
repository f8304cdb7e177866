"""What a person's session or token can never reach: a staff page, a staff API endpoint, another
household, a member of their household protected from them, a worker's notes or a refusal reason."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from parcours.api.api import api
from parcours.households.models import Consent
from parcours.portal import services
from parcours.portal.models import CoMemberProtection, PortalAccess
from tests.factories import ConsentFactory, PortalAccessFactory, portal_login
from tests.portal.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db

PERSON_ENDPOINTS = {
    "/portal/me",
    "/portal/access-log",
    "/portal/consents/{int:consent_id}",
    "/portal/assessments",
    "/portal/session",
}
# Public by contract (api-v1.md): a signalement needs no account, so a person's token gives no more.
PUBLIC_ENDPOINTS = {"/outreach/reports"}


def _token_for(family):
    services.invite(
        actor=family["worker"], household=family["household"], person=family["benoit"], phone=PHONE
    )
    access = services.sign_in_with_sms(phone=PHONE, code=last_code(), ip="10.0.0.1")
    token, _expires = services.create_token(access)
    return token


def _concrete(path: str, household_id: int) -> str:
    def value(match):
        kind, _sep, _name = match.group(1).rpartition(":")
        if kind == "uuid":
            return str(uuid.uuid4())
        return str(household_id)

    return re.sub(r"\{([^}]+)\}", value, path)


def test_a_person_token_is_refused_by_every_staff_endpoint(family):
    token = _token_for(family)
    client = Client()
    checked = 0
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            if path in PERSON_ENDPOINTS or path in PUBLIC_ENDPOINTS:
                continue
            url = "/api/v1" + _concrete(path, family["household"].pk)
            for operation in view.operations:
                for method in operation.methods:
                    response = getattr(client, method.lower())(
                        url, {}, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
                    )
                    checked += 1
                    assert response.status_code in (401, 404), (method, url, response.status_code)
    assert checked > 50


def test_a_staff_token_is_refused_by_the_person_endpoints(client, family):
    from tests.factories import api_for

    call = api_for(client, family["membership"])
    assert call("get", "/portal/me").status_code == 401
    assert call("get", "/portal/access-log").status_code == 401
    consent = ConsentFactory(household=family["household"], purpose="support")
    assert call("delete", f"/portal/consents/{consent.pk}").status_code == 401
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def _staff_urls(household_id):
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                route = str(p.pattern)
                if route.startswith(("api/", "mon-espace/")):
                    continue
                yield from walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                if getattr(p.callback, "login_required", True) is False:
                    continue  # public pages (sign-in, health check, language): nothing of a file
                route = prefix + str(p.pattern)
                if "<" in route and not re.fullmatch(r"[^<]*(<int:\w+>[^<]*)*", route):
                    continue
                yield "/" + re.sub(r"<int:\w+>", str(household_id), route).lstrip("^").rstrip("$")

    return sorted(set(walk(get_resolver().url_patterns)))


def test_a_person_session_reaches_no_staff_page(family):
    access = PortalAccessFactory(
        household=family["household"], person=family["benoit"], invited_by=family["worker"]
    )
    client = portal_login(Client(), access)
    urls = _staff_urls(family["household"].pk)
    assert len(urls) > 40
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/compte/connexion/"), (url, response["Location"])


def test_a_person_sees_nothing_of_another_household(family):
    access = PortalAccessFactory(
        household=family["household"], person=family["benoit"], invited_by=family["worker"]
    )
    other = PortalAccessFactory()
    other_consent = ConsentFactory(household=other.household, purpose="support")
    client = portal_login(Client(), access)
    page = client.get("/mon-espace/").content.decode()
    assert other.person.last_name not in page or other.person.last_name == family["benoit"].last_name
    response = client.post("/mon-espace/accords/", {"withdraw": other_consent.pk})
    assert response.status_code == 404
    assert Consent.objects.get(pk=other_consent.pk).revoked_at is None
    export = client.get("/mon-espace/ma-copie/").json()
    assert export["household"]["id"] == family["household"].pk


def test_a_member_protected_from_the_others_is_hidden_from_them(family, client):
    services.set_protection(actor=family["worker"], person=family["awa"], protected=True)
    assert CoMemberProtection.objects.filter(person=family["awa"]).exists()
    token = _token_for(family)  # Benoît's access
    me = Client().get("/api/v1/portal/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert "Awa" not in {m["first_name"] for m in me["household"]["members"]}
    access = PortalAccess.objects.get(person=family["benoit"])
    page = portal_login(Client(), access).get("/mon-espace/").content.decode()
    # As a word: a random CSRF token on the page may hold the letters « Awa ».
    assert not re.search(r"\bAwa\b", page)
    export = portal_login(Client(), access).get("/mon-espace/ma-copie/").json()
    assert "Awa" not in {p["first_name"] for p in export["household"]["members"]}
    # Awa's own access still shows her, and Benoît.
    awa_access = PortalAccessFactory(
        household=family["household"], person=family["awa"], invited_by=family["worker"]
    )
    awa_page = portal_login(Client(), awa_access).get("/mon-espace/").content.decode()
    assert "Awa" in awa_page and "Benoît" in awa_page


def test_the_person_export_holds_no_other_adult_access(family):
    benoit = PortalAccessFactory(
        household=family["household"], person=family["benoit"], invited_by=family["worker"]
    )
    PortalAccess.objects.create(
        household=family["household"],
        person=family["awa"],
        phone="+33699999999",
        invited_by=family["worker"],
        organization=family["membership"].organization,
    )
    export = portal_login(Client(), benoit).get("/mon-espace/ma-copie/").content.decode()
    assert "+33699999999" not in export
    assert "assessment_drafts" not in export


def test_the_person_copy_holds_what_their_pages_show_and_nothing_else(family):
    """« Télécharger mes données » is built from the person's pages: never a protected co-member's
    paper or appointment, a facility's reason for refusing, a worker's note or the engine's facts."""
    from parcours.support.models import SupportAction
    from tests.documents.helpers import add_document
    from tests.factories import (
        AppointmentFactory,
        InsertionRequestFactory,
        ProposalFactory,
        SupportMeasureFactory,
    )
    from tests.factories.orientation import _refusal_reason

    hh, worker = family["household"], family["worker"]
    services.set_protection(actor=worker, person=family["awa"], protected=True)
    benoit = PortalAccessFactory(household=hh, person=family["benoit"], invited_by=worker)
    AppointmentFactory(household=hh, person=family["benoit"], purpose="Préparer le dossier DALO")
    AppointmentFactory(household=hh, person=family["awa"], purpose="Entretien seule avec Awa")
    add_document(hh, worker, kind="tax_notice", person_id=family["benoit"].pk)
    add_document(hh, worker, kind="residence_permit", person_id=family["awa"].pk)
    request = InsertionRequestFactory(household=hh, validated=True)
    ProposalFactory(
        request=request,
        refused=True,
        refusal_side="facility",
        refusal_reason=_refusal_reason("fac_needs"),
        snapshot={"ranking": [{"score": 0.87, "rank": 3}]},
    )
    measure = SupportMeasureFactory(household=hh)
    SupportAction.objects.create(
        measure=measure,
        kind="call",
        happened_on=measure.started_on,
        duration_minutes=20,
        author=worker,
        organization=measure.organization,
        note="Note confidentielle : suspicion de violences",
    )

    response = portal_login(Client(), benoit).get("/mon-espace/ma-copie/")
    assert response.status_code == 200
    text = response.content.decode()
    copy = response.json()
    # What Benoît's pages show is there, without the pages' limits.
    assert "Préparer le dossier DALO" in text
    assert [d["kind"] for d in copy["documents"]] == ["tax_notice"]
    assert [p["status"] for p in copy["proposals"]] == ["refused"]
    assert {m["first_name"] for m in copy["household"]["members"]} == {"Benoît", "Lina"}
    assert copy["my_access"]["person"] == str(family["benoit"])
    # Nothing his pages never show.
    for secret in (
        "Awa",
        "Entretien seule avec Awa",
        "residence_permit",
        "fac_needs",
        "Besoins d'accompagnement",
        "refusal",
        "suspicion de violences",
        "matching",
        "score",
        "assessment_drafts",
    ):
        assert secret not in text, secret
