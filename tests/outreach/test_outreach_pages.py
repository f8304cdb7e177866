"""The outreach pages: an encounter recorded from the phone form (a double send stored once), turned
into a 115 request in the same tap; the public signalement page (no account, no script, a honeypot,
a rate limit); who reaches which page."""

import re
import uuid

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest
from parcours.outreach.models import Encounter, Signalement
from tests.factories import EncounterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def form_data(outreach, **overrides):
    data = {
        "client_id": str(uuid.uuid4()),
        "commune": outreach.bobigny.pk,
        "place": "Parvis de la gare",
        "alias": "Jo",
        "persons": "1",
        "children": "0",
        "needs": ["shelter", "hygiene"],
        "given": ["drink"],
        "orientation": "none",
    }
    return {**data, **overrides}


def test_the_phone_form_defaults_to_the_rounds_zone_and_records_an_encounter(client, login, outreach):
    page = login(outreach.worker)
    form = page.get("/aller-vers/rencontres/nouvelle/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Maraude du soir" in html and "Bobigny" in html and "Saint-Denis" in html
    client_id = re.search(r'name="client_id" value="([0-9a-f-]+)"', html).group(1)
    sent = form_data(outreach, client_id=client_id)
    answer = page.post("/aller-vers/rencontres/nouvelle/", sent, follow=True)
    assert "Rencontre enregistrée" in answer.content.decode()
    encounter = Encounter.objects.get()
    assert (
        encounter.round == outreach.round
        and encounter.needs == ["shelter", "hygiene"]
        and encounter.given == ["drink"]
    )
    page.post("/aller-vers/rencontres/nouvelle/", sent)  # the same form sent twice (a double tap)
    assert Encounter.objects.count() == 1


def test_record_and_ask_the_115_in_one_tap(login, outreach):
    page = login(outreach.worker)
    answer = page.post(
        "/aller-vers/rencontres/nouvelle/",
        form_data(outreach, persons="3", children="2", to_115=""),
        follow=True,
    )
    html = answer.content.decode()
    assert "demande 115 faite" in html
    request = EmergencyRequest.objects.get()
    assert (request.persons, request.children) == (3, 2)
    assert Encounter.objects.get().emergency_request == request


def test_a_refused_form_keeps_what_was_typed(login, outreach):
    page = login(outreach.worker)
    answer = page.post("/aller-vers/rencontres/nouvelle/", form_data(outreach, persons="1", children="1"))
    html = answer.content.decode()
    assert answer.status_code == 200 and "au moins un adulte" in html and "Parvis de la gare" in html
    assert Encounter.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),
        ("outsider", 404),
        (Role.SIAO_COORDINATOR, 404),  # the SIAO sees encounters; recording one is a team's work
        (Role.OBSERVER, 404),
        (Role.LANDLORD, 404),
    ],
)
def test_who_reaches_the_encounter_form(login, outreach, who, status):
    user = getattr(outreach, who) if who in ("worker", "outsider") else outreach.users[who]
    assert login(user).get("/aller-vers/rencontres/nouvelle/").status_code == status


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("worker", True),
        ("other_worker", False),
        (Role.SIAO_COORDINATOR, True),
        (Role.CALL_HANDLER, True),
        (Role.OBSERVER, False),
        (Role.NETWORK_ADMIN, False),
    ],
)
def test_who_sees_an_encounter(login, outreach, who, sees):
    encounter = EncounterFactory(team=outreach.maraude, commune=outreach.bobigny)
    user = getattr(outreach, who) if who in ("worker", "other_worker") else outreach.users[who]
    answer = login(user).get(f"/aller-vers/rencontres/{encounter.pk}/")
    assert answer.status_code == (200 if sees else 404)


def public_data(**overrides):
    return {
        "commune": "93008",
        "place": "Devant la pharmacie",
        "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Un homme âgé qui tousse beaucoup.",
        "contact": "",
        "website": "",
        **overrides,
    }


def test_the_public_page_works_without_account_nor_script(client, outreach):
    page = client.get("/signaler/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<form" in html and "Envoyer le signalement" in html
    # No third-party resource: every script and stylesheet is served by Parcours itself.
    assert not re.search(r'(src|href)="https?://', html)
    answer = client.post("/signaler/", public_data())
    assert answer.status_code == 200
    report = Signalement.objects.get()
    assert report.reference in answer.content.decode() and report.status == "received"


def test_the_honeypot_stores_nothing_and_says_nothing(client, outreach):
    answer = client.post("/signaler/", public_data(website="http://spam.example"))
    assert answer.status_code == 200 and "Merci" in answer.content.decode()
    assert Signalement.objects.count() == 0


def test_the_public_page_is_rate_limited(client, outreach, settings):
    settings.PARCOURS_REPORT_RATE = "2/h"
    for _ in range(2):
        client.post("/signaler/", public_data())
    limited = client.post("/signaler/", public_data())
    assert limited.status_code == 429 and "Trop de signalements" in limited.content.decode()
    assert Signalement.objects.count() == 2


def test_a_bad_public_signalement_keeps_the_form(client, outreach):
    answer = client.post("/signaler/", public_data(place="", description=""))
    assert answer.status_code == 400 and "Un homme" not in answer.content.decode()
    assert Signalement.objects.count() == 0


def test_a_signalement_the_service_refuses_shows_the_reason_beside_its_field(client, outreach):
    long_ago = (timezone.localtime() - timezone.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post("/signaler/", public_data(seen_at=long_ago))
    assert answer.status_code == 400
    assert "trop ancien" in answer.content.decode() and answer.context["form"].errors["seen_at"]
    assert Signalement.objects.count() == 0


def test_a_signalement_is_named_alike_on_the_siao_and_the_team_home_pages(client, login, outreach):
    from parcours.outreach import services

    client.post("/signaler/", public_data())
    report = Signalement.objects.get()
    label = f"Signalement {report.reference} — {outreach.bobigny.name}, Devant la pharmacie"
    siao = outreach.users[Role.SIAO_COORDINATOR]
    assert label in login(siao).get("/").content.decode()
    services.report_triage(actor=siao, report=report, team=outreach.maraude)
    assert label in login(outreach.worker).get("/").content.decode()


def test_the_request_page_names_the_encounter_it_came_from(login, outreach):
    login(outreach.worker).post(
        "/aller-vers/rencontres/nouvelle/", form_data(outreach, to_115=""), follow=True
    )
    request = EmergencyRequest.objects.get()
    # Filed without a call: the origin providers are asked (emergency.origins.origins_of).
    assert request.call_id is None
    html = login(outreach.users[Role.CALL_HANDLER]).get(f"/115/demandes/{request.pk}/").content.decode()
    assert "Rencontre de l" in html
