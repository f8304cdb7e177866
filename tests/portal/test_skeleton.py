"""The person's session: what it opens and what it never opens."""

import pytest
from django.test import Client

from parcours.portal import sections
from parcours.portal.auth import SESSION_KEY
from tests.factories import PortalAccessFactory, portal_login

pytestmark = pytest.mark.django_db


def test_a_signed_in_person_reaches_their_space():
    access = PortalAccessFactory()
    response = portal_login(Client(), access).get("/mon-espace/")
    assert response.status_code == 200
    assert response.context["access"] == access


def test_without_a_session_the_space_sends_to_the_sign_in():
    response = Client().get("/mon-espace/")
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/connexion/"


def test_a_revoked_access_ends_the_session_at_once():
    access = PortalAccessFactory()
    client = portal_login(Client(), access)
    access.revoked_at = access.created_at
    access.save()
    assert client.get("/mon-espace/").status_code == 302
    assert SESSION_KEY not in client.session


def test_a_person_session_reaches_no_staff_page():
    client = portal_login(Client(), PortalAccessFactory())
    for url in ("/", "/menages/", "/115/", "/orientation/demandes/", "/accompagnement/"):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"], url


def test_sections_are_rendered_in_order_for_the_person():
    calls = []

    @sections.register(key="zz-test", title="Test", template="portal/home.html", order=999)
    def _ctx(access):
        calls.append(access.pk)
        return {}

    try:
        access = PortalAccessFactory()
        assert [s.key for s, _ in sections.render_data(access)][-1] == "zz-test"
        assert calls == [access.pk]
    finally:
        sections._SECTIONS.pop("zz-test")
