"""Pages of the orientation engine: who may open them (7 roles), the candidates with why-not, the
optimal assignment, and the simulation that saves nothing."""

from html import unescape

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.matching.cache import REQUESTS
from parcours.matching.models import RankingWeight, RuleSetting
from tests.factories import MembershipFactory
from tests.matching.test_matching import network  # noqa: F401  (the shared fixture)
from tests.perm_matrix import assert_matrix


@pytest.fixture(autouse=True)
def fresh_cache():
    REQUESTS.clear()
    yield
    REQUESTS.clear()


def _member(network, role):  # noqa: F811
    organization = {
        Role.CALL_HANDLER: network["siao"],
        Role.SIAO_COORDINATOR: network["siao"],
        Role.NETWORK_ADMIN: network["siao"],
        Role.SOCIAL_WORKER: network["association"],
        Role.FACILITY_MANAGER: network["association"],
        Role.LANDLORD: network["landlord"],
    }.get(role)
    kwargs = {"organization": organization} if organization else {}
    return MembershipFactory(role=role, **kwargs).user


def test_pages_per_role(client, login, network):  # noqa: F811
    pages = {
        "vacancies": reverse("matching:vacancies"),
        "candidates": reverse("matching:candidates", args=[network["vacancy"].pk]),
        "assignment": reverse("matching:assignment"),
        "simulation": reverse("matching:simulation"),
    }
    expected = {}
    for role in Role.values:
        for page in pages:
            allowed = role == Role.SIAO_COORDINATOR or (role == Role.NETWORK_ADMIN and page == "simulation")
            expected[(role, page, "open")] = allowed
    users = {role: _member(network, role) for role in Role.values}

    def check(role, page, _action):
        login(users[role])
        status = client.get(pages[page]).status_code
        assert status in (200, 404)
        return status == 200

    assert_matrix(expected, check)


def test_candidates_page_explains_and_traces(client, login, network):  # noqa: F811
    login(_member(network, Role.SIAO_COORDINATOR))
    url = reverse("matching:candidates", args=[network["vacancy"].pk])
    before = AuditEvent.objects.filter(kind="read").count()
    html = unescape(client.get(url).content.decode())
    r = network["requests"]
    # The household is named as everywhere else (issue 15): « Awa D. · F + H + 2 enfants », not its number.
    assert f"Demande n° {r['family'].pk}" in html and f"Ménage n° {network['family'].pk}" not in html
    assert "Awa " in html and "F + H" in html
    assert "autre département" in html  # the 75 household is ranked, not named
    assert "Capacité et typologie" in html and "1 personne(s)" in html
    assert AuditEvent.objects.filter(kind="read").count() > before
    html = unescape(client.get(url, {"request": r["chrs"].pk}).content.decode())
    assert "n'est pas proposée pour cette vacance" in html and "ne souhaite pas ce type d'offre" in html
    assert "Suivante" not in html  # two ranked: one page
    html = unescape(client.get(url, {"offset": "1"}).content.decode())
    assert f"Demande n° {r['family'].pk}</a>" not in html and "Précédente" in html
    html = unescape(client.get(url, {"request": r["family"].pk}).content.decode())
    assert "elle est classée 1e" in html
    html = unescape(client.get(url, {"request": "abc"}).content.decode())
    assert "Saisissez un nombre entier." in html
    html = unescape(client.get(url, {"request": 999999}).content.decode())
    assert "Demande introuvable." in html


def test_assignment_page(client, login, network):  # noqa: F811
    login(_member(network, Role.SIAO_COORDINATOR))
    html = unescape(client.get(reverse("matching:assignment")).content.decode())
    assert f"Demande n° {network['requests']['family'].pk}" in html
    assert "1 vacance pourvue" in html


def test_simulation_changes_nothing_stored(client, login, network):  # noqa: F811
    import datetime as dt

    from parcours.orientation.models import InsertionRequest

    # The 75 household has waited longest: seniority alone puts it first; the stored weights do not.
    InsertionRequest.objects.filter(pk=network["requests"]["from_75"].pk).update(
        seniority_date=dt.date(2020, 1, 1)
    )
    login(_member(network, Role.SIAO_COORDINATOR))
    url = reverse("matching:simulation")
    settings_before = list(
        RuleSetting.objects.values_list("rule", "kind", "enabled", "parameters", "version")
    )
    weights_before = list(RankingWeight.objects.values_list("term", "weight", "version"))
    html = unescape(
        client.get(
            url,
            {
                "w_dalo": "0",
                "w_syplo": "0",
                "w_vulnerability": "0",
                "w_manual_priority": "0",
                "w_typology_fit": "0",
                "w_territory_preference": "0",
            },
        ).content.decode()
    )
    assert "Le premier classé change pour 1 vacance sur 1." in html
    assert "Réglages simulés : 2 demandes éligibles" in html
    html = unescape(client.get(url, {"off_capacity": "on", "off_cost": "on"}).content.decode())
    assert "Réglages simulés : 3 demandes éligibles" in html and "non éligible" in html
    # What is stored is shown too: the network-wide rules and the CHRS without the cost rule.
    assert (
        "Réglages enregistrés" in html
        and "tout le réseau" in html
        and "Centre d'hébergement et de réinsertion sociale (CHRS)" in html
    )
    response = client.get(url, {"max_effort_rate": "500"})
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est inférieure ou égale à 100." in unescape(
        response.content.decode()
    )
    assert (
        list(RuleSetting.objects.values_list("rule", "kind", "enabled", "parameters", "version"))
        == settings_before
    )
    assert list(RankingWeight.objects.values_list("term", "weight", "version")) == weights_before


def test_network_admin_saves_the_simulated_settings_once(client, login, network):  # noqa: F811
    from parcours.matching import loaders

    url = reverse("matching:simulation")
    login(_member(network, Role.SIAO_COORDINATOR))
    assert "Enregistrer ces réglages" not in unescape(client.get(url, {"w_dalo": "50"}).content.decode())
    assert client.post(url, {"w_dalo": "50", "fingerprint": "x"}).status_code == 404
    admin = _member(network, Role.NETWORK_ADMIN)
    login(admin)
    html = unescape(client.get(url, {"w_dalo": "50", "max_effort_rate": "35"}).content.decode())
    assert "Enregistrer ces réglages pour tout le réseau" in html
    fingerprint = loaders.load_settings().fingerprint()
    response = client.post(
        url, {"w_dalo": "50", "max_effort_rate": "35", "fingerprint": fingerprint}, follow=True
    )
    assert "Réglages enregistrés pour tout le réseau." in unescape(response.content.decode())
    assert float(RankingWeight.objects.get(term="dalo").weight) == 50.0
    cost = RuleSetting.objects.get(rule="cost", kind="", facility__isnull=True)
    assert cost.parameters["max_effort_rate"] == 0.35 and cost.parameters["min_daily_residual"] == 10.0
    assert not RuleSetting.objects.get(rule="cost", kind="chrs").enabled  # a kind's own setting stays
    event = AuditEvent.objects.filter(action="matching.settings.update").get()
    assert event.fields == ["rule.cost", "weight.dalo"]
    # The same page sent again, after that change: refused, nothing written.
    response = client.post(url, {"w_dalo": "10", "fingerprint": fingerprint}, follow=True)
    assert "modifiés par quelqu'un d'autre" in unescape(response.content.decode())
    assert float(RankingWeight.objects.get(term="dalo").weight) == 50.0
    assert AuditEvent.objects.filter(action="matching.settings.update").count() == 1


def test_request_facts_page(client, login, network):  # noqa: F811
    from parcours.matching.models import RequestFacts

    single = network["requests"]["single"]
    url = reverse("matching:request_facts", args=[single.pk])
    for role in (Role.LANDLORD, Role.OBSERVER, Role.NETWORK_ADMIN, Role.FACILITY_MANAGER):
        login(_member(network, role))
        assert client.get(url).status_code == 404, role
    for role in (Role.CALL_HANDLER, Role.SOCIAL_WORKER):  # whole file: the needs, not the priorities
        login(_member(network, role))
        html = unescape(client.get(url).content.decode())
        assert "Vit avec un animal" in html and "Priorité de la commission" not in html
    read = AuditEvent.objects.filter(kind="read", sections=["orientation_facts"]).last()
    assert read.object_id == str(single.household_id) and read.purpose == "orientation"
    response = client.post(url, {"version": "0", "has_pets": "on"}, follow=True)
    assert "Les éléments d'orientation sont enregistrés." in unescape(response.content.decode())
    assert RequestFacts.objects.get(request=single).has_pets

    login(_member(network, Role.SIAO_COORDINATOR))
    html = unescape(
        client.post(url, {"version": "1", "has_pets": "on", "manual_priority": "4"}).content.decode()
    )
    assert "Une priorité de la commission est toujours motivée." in html
    html = unescape(
        client.post(url, {"version": "0", "has_pets": "on", "vulnerability": "P1"}).content.decode()
    )
    assert "Quelqu'un a modifié ces éléments" in html
    client.post(
        url,
        {
            "version": "1",
            "has_pets": "on",
            "manual_priority": "4",
            "manual_priority_reason": "Commission du 2 décembre.",
        },
    )
    facts = RequestFacts.objects.get(request=single)
    assert facts.manual_priority == 4 and facts.vulnerability == "" and facts.version == 2


def test_candidates_offer_no_second_proposal_while_one_waits(client, login, network):  # noqa: F811
    """« Proposer » on a vacancy already waiting for an answer used to answer 400 (issue 15)."""
    from parcours.orientation import proposals

    coordinator = _member(network, Role.SIAO_COORDINATOR)
    login(coordinator)
    url = reverse("matching:candidates", args=[network["vacancy"].pk])
    assert "Proposer" in unescape(client.get(url).content.decode())
    coordinator.active_membership = coordinator.memberships.get()
    proposals.proposal_create(
        actor=coordinator, insertion_request=network["requests"]["family"], vacancy=network["vacancy"]
    )
    REQUESTS.clear()
    response = client.get(url)
    html = unescape(response.content.decode())
    assert ">Proposer<" not in html
    assert response.status_code == 200 and "proposition en cours" in html
