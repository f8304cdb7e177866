"""A SIAO coordinator holds a commission in the browser: the agenda of a realistic week in sections,
a decision in one click recorded in place (no page reload), a section's next page loaded alone, and
the minutes as a printable document."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parcours.orientation.choices import LineKind
from parcours.orientation.models import Commission, Proposal
from tests.factories import commission_week

pytestmark = pytest.mark.django_db(transaction=True)


def _open(page, client, live_server, login, user, path):
    login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(path)


def test_coordinator_holds_a_commission_in_place(page, login, client, live_server, journey, shot):
    week = commission_week()  # 70 requests, 45 vacancies, 60 validated, 12 answers
    commission = week["commission"]
    page.set_viewport_size({"width": 1366, "height": 900})
    _open(
        page,
        client,
        live_server,
        login,
        week["coordinator"],
        reverse("orientation:commission", args=[commission.pk]),
    )
    expect(page.get_by_role("heading", name="Nouvelles demandes")).to_be_visible()
    # The agenda of a realistic week stays a page one can read (it was 34,900 px high).
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, f"agenda is {height} px high at 1366 px"
    shot(page, "agenda")
    assert journey.loads == 1  # the agenda itself

    # A request: one click on « Enregistrer » records it in place.
    line = commission.lines.filter(kind=LineKind.REQUEST).order_by("position", "pk").first()
    item = page.locator(f"#line-{line.pk}")
    item.get_by_label("Décision").select_option("validate")
    journey.click(item.get_by_role("button", name="Enregistrer la décision"))
    expect(item.locator("[data-decision=validate]")).to_be_visible()
    expect(page.locator("#count-requests")).to_contain_text("69 restent à décider")
    expect(page.locator("#agenda-status")).to_have_text("La décision est enregistrée.")
    expect(page.locator(f"#line-{line.pk}-title")).to_be_focused()

    # A vacancy: a named household from its short list, one click.
    vline = commission.lines.filter(kind=LineKind.VACANCY).order_by("position", "pk").first()
    vitem = page.locator(f"#line-{vline.pk}")
    vitem.get_by_label("Décision").select_option("propose")
    select = vitem.get_by_label("Ménage proposé")
    chosen = select.locator("option").nth(1)
    expect(chosen).to_contain_text(re.compile(r"\w+ \w\. · .*en attente depuis le"))
    select.select_option(index=1)
    journey.click(vitem.get_by_role("button", name="Enregistrer la décision"))
    expect(vitem.locator("[data-decision=propose]")).to_be_visible()
    expect(page.locator("#count-vacancies")).to_contain_text("44 restent à décider")

    # A line without its reason: the error comes back in the line, nothing saved.
    other = commission.lines.filter(kind=LineKind.REQUEST).order_by("position", "pk")[1]
    oitem = page.locator(f"#line-{other.pk}")
    oitem.get_by_label("Décision").select_option("postpone")
    journey.click(oitem.get_by_role("button", name="Enregistrer la décision"))
    expect(oitem.get_by_role("alert")).to_contain_text("Indiquez le motif")
    assert journey.loads == 1, "a decision reloaded the page"
    journey.report("commission: 3 décisions en place")

    # The next page of a section comes alone.
    section = page.locator("#sec-requests")
    journey.click(section.get_by_role("link", name="Suivante"))
    expect(section.locator("[aria-current=page]")).to_have_text("Page 2 sur 5")
    assert journey.loads == 1
    page.locator("#sec-vacancies").scroll_into_view_if_needed()
    shot(page, "agenda-page2")
    assert Proposal.objects.filter(commission_line=vline).exists()

    page.get_by_role("button", name="Clore la séance et établir le compte rendu").click()
    page.wait_for_url("**/compte-rendu/")
    minutes = page.locator("[data-minutes]")
    expect(minutes).to_contain_text(f"Demande n° {line.request_id}")
    expect(minutes).to_contain_text("demande validée")
    for r in week["submitted"][:10]:
        assert r.household.members[0].last_name not in minutes.inner_text()
    assert Commission.objects.get(pk=commission.pk).is_closed
    shot(page, "minutes")
    page.emulate_media(media="print")
    expect(page.locator(".prc-header")).to_be_hidden()
    shot(page, "minutes-print")
