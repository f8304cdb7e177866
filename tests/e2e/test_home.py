"""Each of the seven demo roles opens Parcours on its work list: panels in priority order, every row a
link it may follow, the reason written out (issue 15). Screenshots at 1366 and 390 px."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from parcours.accounts.middleware import SESSION_KEY
from parcours.accounts.models import User
from parcours.demo.network import ROLE_ACCOUNTS

from .test_assessment_keyboard import current_grid

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_PANEL = {
    "call_handler": "Appelants en attente",
    "siao_coordinator": "Demandes à instruire",
    "social_worker": "Mes ménages et leur prochaine étape",
    "facility_manager": "Propositions à traiter",
    "landlord": "Propositions à traiter",
    "observer": "Les chiffres clés de",
    "network_admin": "Rattachements à approuver",
}


def test_each_demo_role_sees_its_work_list(page, client, login, live_server, shot):
    current_grid()
    call_command("seed_demo", stdout=StringIO())
    for role, username, _organization in ROLE_ACCOUNTS:
        user = User.objects.get(username=username)
        login(user)
        session = client.session
        session[SESSION_KEY] = user.memberships.get(role=role).pk
        session.save()
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        page.goto("/")
        panels = page.locator("section.prc-panel h2")
        expect(panels.first).to_contain_text(FIRST_PANEL[role])
        rows = page.locator("li.prc-home-row")
        if role != "network_admin":  # the demo has no membership waiting for a second administrator
            expect(rows.first).to_be_visible()
        # Every row is one link, with words saying why it is there; the first of each panel opens.
        for n in range(rows.count()):
            row = rows.nth(n)
            expect(row.locator("a")).to_have_count(1)
        for href in page.locator("section.prc-panel").evaluate_all(
            "sections => sections.map(s => s.querySelector('li.prc-home-row a')).filter(Boolean)"
            ".map(a => a.getAttribute('href'))"
        ):
            assert client.get(href).status_code == 200, (role, href)
        # Reached from the keyboard: the first row link takes the focus in reading order.
        if rows.count():
            rows.first.locator("a").focus()
            expect(rows.first.locator("a")).to_be_focused()
        shot(page, f"home-{role}")
        client.logout()
