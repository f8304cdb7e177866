"""On a phone (390 px): a maraude worker records an encounter in a few taps, then turns the next one
into tonight's 115 request; the SIAO's 115 sees where it came from. The public signalement page."""

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest
from parcours.outreach.models import Encounter, Signalement
from tests.factories import (
    CommuneFactory,
    MembershipFactory,
    OrganizationFactory,
    OutreachTeamFactory,
    RoundFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _session(page, client, live_server, user, login):
    login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_record_an_encounter_on_a_phone_then_ask_the_115(page, login, client, live_server, shot, journey):
    territory = TerritoryFactory(code="93")
    bobigny, saint_denis = CommuneFactory(code="93008"), CommuneFactory(code="93066")
    association = OrganizationFactory(name="La Halte", territory=territory)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    team = OutreachTeamFactory(organization=association, name="Maraude de la Halte", members=[worker])
    RoundFactory(team=team, communes=[bobigny, saint_denis], vehicle="Camion")
    page.set_viewport_size(PHONE)
    _session(page, client, live_server, worker.user, login)

    page.goto("/aller-vers/rencontres/nouvelle/")
    expect(page.get_by_role("heading", name="Nouvelle rencontre")).to_be_visible()
    shot(page, "outreach-encounter-form")
    # A few taps: the commune and one person come from the round; an alias, two needs, one thing given.
    alias = page.get_by_label("Surnom ou signe distinctif")
    journey.click(alias)
    expect(alias).to_be_focused()
    page.keyboard.type("Jo au chien")
    journey.click(page.get_by_text("Mise à l'abri", exact=True))
    journey.click(page.get_by_text("Hygiène", exact=True).first)
    journey.click(page.get_by_text("Boisson chaude", exact=True))
    journey.click(page.get_by_role("button", name="Enregistrer", exact=True))
    page.wait_for_url("**/aller-vers/rencontres/nouvelle/")
    expect(page.get_by_text("Rencontre enregistrée (Jo au chien)")).to_be_visible()
    encounter = Encounter.objects.get()
    assert (encounter.commune_id, encounter.persons, encounter.needs, encounter.given) == (
        bobigny.pk,
        1,
        ["shelter", "hygiene"],
        ["drink"],
    )
    journey.report("Rencontre enregistrée sur téléphone")

    # The next one: a mother with two children, straight to the 115 in the same tap.
    persons = page.get_by_label("Personnes")
    persons.fill("3")
    page.get_by_label("Dont enfants").fill("2")
    page.get_by_label("Surnom ou signe distinctif").fill("Mère et deux enfants")
    page.get_by_text("Mise à l'abri", exact=True).click()
    page.get_by_role("button", name="Enregistrer et demander le 115 cette nuit").click()
    page.wait_for_url("**/aller-vers/rencontres/*/")
    expect(page.locator("[data-emergency-request]")).to_contain_text("en attente")
    shot(page, "outreach-encounter-115")
    request = EmergencyRequest.objects.get()
    assert (request.persons, request.children, request.status) == (3, 2, "open")
    assert Encounter.objects.get(emergency_request=request).alias == "Mère et deux enfants"

    page.goto("/aller-vers/")
    expect(page.get_by_role("heading", name="Aller-vers")).to_be_visible()
    shot(page, "outreach-index")


def test_the_public_signalement_page_on_a_phone_without_account(page, live_server, shot):
    CommuneFactory(code="93008")
    page.set_viewport_size(PHONE)
    page.goto("/signaler/")
    expect(
        page.get_by_role("heading", name="Signaler une personne qui semble avoir besoin d'aide")
    ).to_be_visible()
    shot(page, "outreach-public")
    page.get_by_label("Commune").select_option("93008")
    page.get_by_label("Où ?").fill("Sous le pont de la gare")
    page.get_by_label("Qu'avez-vous vu ?").fill("Une personne âgée seule, sans couverture.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator("[data-reference]")).to_be_visible()
    shot(page, "outreach-public-done")
    assert Signalement.objects.get().reference == page.locator("[data-reference]").inner_text()


def test_the_siao_triages_a_signalement_to_a_round_and_the_pages_pass_axe(
    page, login, client, live_server, shot
):
    from tests.e2e.test_accessibility import LISTEN, _check
    from tests.factories import EncounterFactory, SignalementFactory

    territory = TerritoryFactory(code="93")
    bobigny = CommuneFactory(code="93008")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=territory)
    association = OrganizationFactory(name="La Halte", territory=territory)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    team = OutreachTeamFactory(organization=association, name="Maraude de la Halte", members=[worker])
    round_ = RoundFactory(team=team, communes=[bobigny], vehicle="Camion")
    EncounterFactory(team=team, round=round_, commune=bobigny, needs=["shelter", "food"], given=["drink"])
    report = SignalementFactory(commune=bobigny, contact="0612345678")
    from parcours.core import workflow

    workflow.created(report, actor=None)
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao).user
    page.add_init_script(LISTEN)
    _session(page, client, live_server, coordinator, login)

    page.goto(f"/aller-vers/signalements/{report.pk}/")
    expect(page.get_by_role("heading", name=f"Signalement {report.reference}")).to_be_visible()
    page.locator("#id_team").select_option(str(team.pk))
    page.locator("#id_round").select_option(str(round_.pk))
    page.get_by_role("button", name="Confier", exact=True).click()
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "assigned")
    shot(page, "outreach-report-siao")
    problems = []
    for url in (
        "/aller-vers/",
        f"/aller-vers/signalements/{report.pk}/",
        "/aller-vers/signalements/",
        f"/aller-vers/tournees/{round_.pk}/",
    ):
        problems += _check(page, url)

    client.logout()
    page.context.clear_cookies()
    _session(page, client, live_server, worker.user, login)
    page.goto(f"/aller-vers/tournees/{round_.pk}/")
    expect(page.locator('[data-figure="encounters"]')).to_have_text("1")
    shot(page, "outreach-round")
    for url in (
        "/",
        "/aller-vers/rencontres/nouvelle/",
        f"/aller-vers/tournees/{round_.pk}/",
        "/aller-vers/tournees/nouvelle/",
    ):
        problems += _check(page, url)
    page.context.clear_cookies()
    problems += _check(page, "/signaler/")
    assert not problems, "\n".join(problems)
