"""In the browser, on a phone (390 px): the worker books an appointment from the household file, the
person sees it in « Mon espace » and asks to move it, the worker finds the request on their home page
and reads the person's message. axe-core on the person's pages."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.support.models import Appointment
from tests.e2e.test_accessibility import AXE, FAILING_IMPACTS, LISTEN, RUN_AXE
from tests.factories import PortalAccessFactory, make_household, portal_login

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _use_session(page, live_server, session_key):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": session_key, "url": live_server.url}])


def _axe(page) -> list[str]:
    page.evaluate(AXE)
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['nodes'])}"
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in FAILING_IMPACTS
    ]


def test_book_see_and_ask_to_move_on_a_phone(page, login, client, live_server, role_network, shot):
    page.set_viewport_size(PHONE)
    page.add_init_script(LISTEN)
    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(
        organization=role_network.association, people=[("Benoît", "Lefèvre", dt.date(1984, 7, 3))]
    )
    access = PortalAccessFactory(household=household, invited_by=worker, phone="+33612345678")
    when = (timezone.localtime() + dt.timedelta(days=2)).replace(hour=10, minute=30)

    # The worker books from the household file.
    login(worker)
    _use_session(page, live_server, client.cookies["sessionid"].value)
    page.goto(f"/menages/{household.pk}/")
    page.get_by_role("link", name="Prendre un rendez-vous").click()
    page.wait_for_url(f"**/accompagnement/menages/{household.pk}/rendez-vous/")
    page.get_by_label("Date et heure").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Lieu").fill("Bureau, 12 rue de l'Église, Bobigny")
    page.get_by_label("Objet").fill("Point sur votre demande de logement")
    assert _axe(page) == []
    shot(page, "appointment-form")
    page.get_by_role("button", name="Prendre le rendez-vous").click()
    page.wait_for_url("**/accompagnement/rendez-vous/*/")
    expect(page.get_by_test_id("status")).to_have_text("prévu")
    appointment = Appointment.objects.get()

    # The person sees it in « Mon espace » and asks to move it.
    person = portal_login(Client(), access)
    _use_session(page, live_server, person.cookies["sessionid"].value)
    page.goto("/mon-espace/")
    expect(page.get_by_text("Point sur votre demande de logement")).to_be_visible()
    assert _axe(page) == []
    page.get_by_role("link", name="Voir ce rendez-vous").click()
    page.wait_for_url(f"**/mon-espace/rendez-vous/{appointment.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("À confirmer")
    assert _axe(page) == []
    shot(page, "appointment-person")
    message = page.get_by_label("Écrivez quand vous êtes disponible")
    message.click()
    expect(message).to_be_focused()
    page.keyboard.type("Je travaille le matin, l'après-midi ça va.")
    page.get_by_role("button", name="Demander un autre jour").click()
    expect(page.get_by_test_id("status")).to_have_text("Vous avez demandé un autre jour")
    assert page.evaluate("window.__csp") == []
    appointment.refresh_from_db()
    assert appointment.status == "move"
    page.goto("/mon-espace/notifications/")
    assert _axe(page) == []
    shot(page, "notifications-person")

    # The worker sees the request on their home page, then the person's message.
    login(worker)
    _use_session(page, live_server, client.cookies["sessionid"].value)
    page.goto("/")
    request_row = page.get_by_role("link", name="Benoît L.").first
    expect(page.get_by_text("demande à déplacer le rendez-vous")).to_be_visible()
    expect(request_row).to_be_visible()
    page.goto(f"/accompagnement/rendez-vous/{appointment.pk}/")
    expect(page.get_by_test_id("move-message")).to_contain_text("l'après-midi ça va")
    assert _axe(page) == []
    shot(page, "appointment-worker")
    page.goto("/accompagnement/rendez-vous/")
    assert _axe(page) == []
    shot(page, "appointment-list")
