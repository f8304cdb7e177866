"""Issue 15, what every screen shares: French error pages even with DEBUG on (the demo), a favicon, the
choice widgets rendered as groups of labelled checkboxes/radios, one pagination include."""

import pytest
from django.urls import include, path, reverse

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


@pytest.mark.urls("tests.project.test_screens")
def test_a_crash_is_french_even_with_debug_on(client, member, login, debug_on):
    login(member(Role.SOCIAL_WORKER))
    client.raise_request_exception = False
    response = client.get("/boum/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Le service a rencontré une erreur" in body
    assert "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.urls("tests.project.test_screens")
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

    templates = Path(__file__).resolve().parents[2] / "parcours" / "templates"
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
    from tests.factories import make_household

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


# People, not numbers (issue 15, item 2) ---------------------------------------------------------


def _request_in_93(role_network, **kwargs):
    from tests.factories import InsertionRequestFactory, make_household

    household = make_household(organization=role_network.association, territory="93")
    return InsertionRequestFactory(household=household, **kwargs)


def test_the_request_list_names_the_households_in_a_bounded_number_of_queries(
    role_network, client, login, django_assert_max_num_queries
):
    coordinator = role_network.users[Role.SIAO_COORDINATOR]
    login(coordinator)
    first = _request_in_93(role_network, submitted=True)
    body = client.get("/orientation/demandes/").content.decode()
    assert "Benoît L." in body
    assert f"Demande n° {first.pk}" not in body and f"Ménage n° {first.household_id}" not in body
    with django_assert_max_num_queries(40) as one:
        client.get("/orientation/demandes/")
    for _ in range(5):
        _request_in_93(role_network, submitted=True)
    with django_assert_max_num_queries(len(one.captured_queries)):  # not one more query per row
        client.get("/orientation/demandes/")


def test_the_request_page_and_its_crumb_name_the_household(role_network, client, login):
    login(role_network.users[Role.SIAO_COORDINATOR])
    req = _request_in_93(role_network, submitted=True)
    body = client.get(f"/orientation/demandes/{req.pk}/").content.decode()
    assert f"Demande n° {req.pk}" not in body
    assert 'aria-current="page">Demande — Benoît L.' in body


def test_an_observer_reads_the_number_and_the_reason_not_the_name(role_network, client, login):
    from parcours.households.display import household_label
    from tests.factories import make_household

    household = make_household(organization=role_network.association, territory="93")
    label = household_label(role_network.users[Role.OBSERVER], household)
    assert "Benoît" not in label.text and f"n° {household.pk}" in label.text


def test_the_referent_search_shows_names_and_the_login_only_without_one(role_network, client, login):
    """The referent of a transfer is searched by name (issue 18, no select of the whole network): the
    options read « Inès Robert », or the login of an account without a name."""
    from parcours.orientation import services
    from tests.factories import MembershipFactory, UserFactory, make_household

    MembershipFactory(
        role=Role.SOCIAL_WORKER, user=UserFactory(username="demo036", first_name="Inès", last_name="Robert")
    )
    nameless = MembershipFactory(
        role=Role.SOCIAL_WORKER, user=UserFactory(username="sans-nom", first_name="")
    )
    nameless.user.last_name = ""
    nameless.user.save()
    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(organization=role_network.association, referent=worker)
    req = services.request_create(
        actor=worker, household=household, wished_kinds=["logement_social"], wished_territories=["93"]
    )
    login(worker)
    url = reverse("orientation:referent_search", args=[req.pk])
    assert ">Inès Robert</li>" in client.get(url, {"q": "robert"}).content.decode()
    assert ">sans-nom</li>" in client.get(url, {"q": "sans-nom"}).content.decode()


# No dead ends (issue 15, item 3) ------------------------------------------------------------------


def test_a_crumb_links_only_to_a_list_the_role_can_open(role_network, client, login):
    login(role_network.users[Role.LANDLORD])
    body = client.get("/accompagnement/alertes/").content.decode()
    crumbs = body.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert "Accompagnement" in crumbs and 'href="/accompagnement/"' not in crumbs
    assert client.get("/accompagnement/").status_code == 404  # the link would have led there
    login(role_network.users[Role.SIAO_COORDINATOR])
    body = client.get("/accompagnement/alertes/").content.decode()
    crumbs = body.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert 'href="/accompagnement/"' in crumbs


def test_the_consent_url_opened_by_get_leads_to_the_consents(role_network, client, login):
    from tests.factories import make_household

    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(organization=role_network.association, territory="93")
    login(worker)
    response = client.get(f"/menages/{household.pk}/consentements/")
    assert response.status_code == 302
    assert response["Location"] == f"/menages/{household.pk}/#consentements"


def test_a_refused_consent_keeps_the_form_open_with_what_was_typed(role_network, client, login):
    from tests.factories import make_household

    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(organization=role_network.association, territory="93")
    login(worker)
    response = client.post(
        f"/menages/{household.pk}/consentements/",
        {
            "organization": role_network.partner.pk,
            "purpose": "orientation",
            "starts_on": "2026-05-10",
            "ends_on": "2026-05-01",  # before the start
            "informed_how": "orally",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<details class="mb-2" open>' in body
    assert 'value="2026-05-01"' in body and 'value="2026-05-10"' in body
    assert "Le formulaire contient des erreurs" in body
    assert household.consents.count() == 0


# Wording (issue 15, item 4) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aubervilliers", "d'Aubervilliers"),
        ("Épinay-sur-Seine", "d'Épinay-sur-Seine"),
        ("Bobigny", "de Bobigny"),
        ("Le Blanc-Mesnil", "du Blanc-Mesnil"),
        ("Les Lilas", "des Lilas"),
        ("La Courneuve", "de La Courneuve"),
        ("L'Île-Saint-Denis", "de L'Île-Saint-Denis"),
        ("Hôtel-Dieu", "d'Hôtel-Dieu"),
    ],
)
def test_de_elides_and_contracts_as_french_does(name, expected):
    from django.template import Context, Template

    template = Template("{% load parcours_tags %}{% autoescape off %}{{ name|de }}{% endautoescape %}")
    assert template.render(Context({"name": name})) == expected


def test_exports_write_booleans_as_oui_and_non():
    import tablib

    from parcours.core import spreadsheet

    data = tablib.Dataset(headers=["code", "masquée"])
    data.append(["a", True])
    data.append(["b", False])
    text = spreadsheet.export(data, "csv").decode()
    assert "a,oui" in text and "b,non" in text
    assert "True" not in text and "False" not in text


def test_the_search_help_says_when_typos_are_not_forgiven(client, member, login):
    from django.db import connection

    login(member(Role.SOCIAL_WORKER))
    body = client.get("/menages/").content.decode()
    if connection.vendor == "postgresql":
        assert "Une faute de frappe dans un nom est tolérée" in body
    else:
        assert "cela demande une base PostgreSQL" in body


def test_a_form_address_opened_by_get_answers_a_french_page(role_network, client, login):
    from tests.factories import make_household

    household = make_household(organization=role_network.association, territory="93")
    login(role_network.users[Role.SOCIAL_WORKER])
    response = client.get(f"/menages/{household.pk}/consentements/1/retrait/")
    assert response.status_code == 405
    assert "Cette adresse envoie un formulaire" in response.content.decode()
    assert "POST" in response["Allow"]
