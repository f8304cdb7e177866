"""Issue 15, what every screen shares: French error pages even with DEBUG on (the demo), a favicon, the
choice widgets rendered as groups of labelled checkboxes/radios, one pagination include."""

import pytest
from django.urls import include, path

from parcours.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boum/", _boom), path("", include("config.urls"))]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    settings.PARCOURS_FRIENDLY_ERRORS = True
    return settings


def test_a_missing_page_is_french_even_with_debug_on(client, member, login, debug_on):
    login(member(Role.SOCIAL_WORKER))
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body and "Retour à l'accueil" in body
    assert "URLconf" not in body  # no list of the site's URLs
    assert 'class="prc-header"' in body  # the menu stays, the user can go on


def test_an_unknown_record_is_french_even_with_debug_on(client, member, login, debug_on):
    login(member(Role.SOCIAL_WORKER))
    response = client.get("/menages/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.urls("tests.test_screens")
def test_a_crash_is_french_even_with_debug_on(client, member, login, debug_on):
    login(member(Role.SOCIAL_WORKER))
    client.raise_request_exception = False
    response = client.get("/boum/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Le service a rencontré une erreur" in body
    assert "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.urls("tests.test_screens")
def test_the_technical_pages_come_back_when_asked(client, member, login, settings):
    settings.DEBUG = True
    settings.PARCOURS_FRIENDLY_ERRORS = False
    login(member(Role.SOCIAL_WORKER))
    client.raise_request_exception = False
    assert "URLconf" in client.get("/cette-page-n-existe-pas/").content.decode()
    assert "RuntimeError" in client.get("/boum/").content.decode()


def test_the_api_keeps_its_json_errors_with_debug_on(client, debug_on):
    response = client.get("/api/v1/nulle-part/")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")


def test_every_page_names_its_favicon(client, member, login):
    login(member(Role.SOCIAL_WORKER))
    body = client.get("/").content.decode()
    for name in ("favicon.svg", "favicon-32.png", "favicon.ico", "apple-touch-icon.png"):
        assert f"img/{name}" in body


def test_every_paged_list_uses_the_one_pagination_include():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "parcours" / "templates"
    for name in (
        "orientation/list.html",
        "orientation/proposal_list.html",
        "offers/list.html",
        "households/list.html",
        "households/access_log.html",
        "support/measure_list.html",
        "support/alert_list.html",
        "matching/vacancies.html",
        "core/deliveries.html",
    ):
        text = (templates / name).read_text()
        assert '{% include "includes/pagination.html"' in text, name
        assert 'class="pagination' not in text, name


def test_the_household_list_pages_keep_the_search(client, member, login, monkeypatch):
    from parcours.households import views

    from .factories import make_household

    user = member(Role.SOCIAL_WORKER)
    login(user)
    organization = user.memberships.get().organization
    for _ in range(3):
        make_household(organization=organization, referent=user)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    body = client.get("/menages/").content.decode()
    assert "Page 1 sur 2" in body
    assert 'href="?q=&amp;page=2"' in body
    assert "Page 2 sur 2" in client.get("/menages/?page=2").content.decode()
