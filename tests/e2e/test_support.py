"""In the browser: a landlord raises a prevention alert; the referent association's worker opens a
measure from it with the person's agreement and logs a home visit, typing only with the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from parcours.support.models import PreventionAlert, SupportAction, SupportMeasure
from tests.support.test_support import net, user  # noqa: F401  (the shared network fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, login, client, live_server, who):
    login(who)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_alert_to_measure_to_action(page, login, client, live_server, net):  # noqa: F811
    _log_in(page, login, client, live_server, user(net, "landlord"))
    page.goto("/accompagnement/alertes/nouvelle/")
    page.get_by_label("Ménage").select_option(str(net["household"].pk))
    page.get_by_label("Nature du signal").select_option("unpaid_rent")
    page.get_by_label("Montant de la dette (€)").fill("640")
    page.get_by_label("Nombre de mois d'impayés").fill("2")
    page.get_by_role("button", name="Transmettre l'alerte").click()
    # "**/alertes/*/" would already match the form's own /alertes/nouvelle/: wait for the alert's number.
    page.wait_for_url(re.compile(r"/accompagnement/alertes/\d+/$"))
    expect(page.get_by_text("nouvelle").first).to_be_visible()
    alert = PreventionAlert.objects.get()

    _log_in(page, login, client, live_server, user(net, "social_worker"))
    page.goto(f"/accompagnement/alertes/{alert.pk}/")
    page.get_by_label("Type de mesure").select_option(label="AVDL")
    page.get_by_label("La personne accepte l'accompagnement").check()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.wait_for_url(re.compile(r"/accompagnement/mesures/\d+/$"))
    measure = SupportMeasure.objects.get()
    assert measure.source_alert_id == alert.pk

    # The action form is reachable and fillable with the keyboard alone.
    page.get_by_label("Nature").first.focus()
    page.get_by_label("Nature").first.select_option("home_visit")
    page.keyboard.press("Tab")
    page.get_by_label("Durée (minutes)").fill("50")
    page.get_by_label("Note", exact=True).fill("Visite : dossier FSL préparé ensemble.")
    page.get_by_role("button", name="Noter l'action").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert SupportAction.objects.filter(measure=measure, duration_minutes=50).exists()
    expect(page.get_by_text("dossier FSL préparé ensemble")).to_be_visible()
