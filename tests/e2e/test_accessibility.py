"""axe-core, in a real browser, on every main page of every role of the demo network (RGAA / WCAG AA).

axe-core is vendored in tests/e2e/vendor (`make vendor-axe`). The page's strict CSP is left as it is:
the engine's text is evaluated through the DevTools protocol (`page.evaluate`), which the CSP does not
govern, and the test checks that no policy violation was reported while it ran.
"""

import os
import re
from collections import deque
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from parcours.accounts.middleware import SESSION_KEY
from parcours.accounts.models import User
from parcours.assessments.models import Assessment
from parcours.demo.network import ROLE_ACCOUNTS

from .test_assessment_keyboard import current_grid

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# The impacts that fail the test; PARCOURS_A11Y_IMPACTS=minor,moderate,serious,critical shows everything.
FAILING_IMPACTS = set(os.environ.get("PARCOURS_A11Y_IMPACTS", "serious,critical").split(","))
LINK = re.compile(r'href="(/[^"#]*)"')
# Never visited: logging out, switching language, the API and its docs (Swagger UI), static files.
SKIPPED_PREFIXES = ("/static/", "/api/", "/i18n/", "/compte/deconnexion/")
# Pages a role may reach from its home page but that must be checked by at least one role: the main
# pages of each domain (lists, details, forms), by URL pattern.
MAIN_ROUTES = {
    "",
    "compte/",
    "menages/",
    "menages/nouveau/",
    "menages/<int:pk>/",
    "menages/<int:pk>/modifier/",
    "menages/<int:household_id>/evaluations/",
    "menages/<int:household_id>/evaluations/nouvelle/<str:perspective>/",
    "menages/<int:household_id>/evaluations/<int:pk>/",
    "offre/",
    "offre/structures/<int:pk>/",
    "115/",
    "115/appels/nouveau/",
    "115/demandes/<int:pk>/",
    "115/tableau-de-bord/",
    "orientation/demandes/",
    "orientation/demandes/<int:pk>/",
    "orientation/propositions/",
    "orientation/propositions/<int:pk>/",
    "orientation/commissions/",
    "orientation/commissions/<int:pk>/",
    "orientation/moteur/vacances/",
    "orientation/moteur/vacances/<int:vacancy_id>/candidats/",
    "orientation/moteur/simulation/",
    "accompagnement/",
    "accompagnement/mesures/<int:pk>/",
    "accompagnement/alertes/",
    "accompagnement/ateliers/",
    "accompagnement/programmes/",
    "observatoire/",
    "observatoire/themes/<str:slug>/",
    "observatoire/indicateurs/<str:code>/",
    "plan/",
    "reseau/organisations/",
    "reseau/organisations/<int:pk>/",
}

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    summary: v.nodes[0].failureSummary,
  }));
}"""


def _route(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return "<unknown>"


def _html_pages(client, start: list[str], limit: int = 60) -> list[str]:
    """The role's pages reachable by links from `start`: one page of each URL pattern, HTML only."""
    pages, routes = [], set()
    queue, seen = deque(start), set(start)
    while queue and len(pages) < limit:
        url = queue.popleft()
        route = _route(url)
        if route in routes or route == "<unknown>":
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
            continue  # a redirect, a refusal, an export or JSON: no page to check
        routes.add(route)
        pages.append(url)
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if not link.startswith(SKIPPED_PREFIXES) and link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


# Issue 15: no page of the demo is taller than this at 1366 px wide, except printable documents.
MAX_HEIGHT = 6000
PRINTABLE_ROUTES = {
    "orientation/commissions/<int:pk>/compte-rendu/",  # the minutes
    "menages/<int:household_id>/evaluations/fiche-de-liaison/",  # the liaison sheet
    "menages/<int:pk>/export/",  # the person's whole file (right of access), printed or saved
}
TALL: list[str] = []


def _check(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > MAX_HEIGHT and _route(url) not in PRINTABLE_ROUTES:
        TALL.append(f"{url} ({_route(url)}): {height} px")
    page.evaluate(AXE)
    if os.environ.get("PARCOURS_A11Y_SHOT"):
        page.screenshot(path=os.environ["PARCOURS_A11Y_SHOT"], full_page=True)
    problems = [
        f"{url} [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['nodes'])}\n    {v['summary']}"
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in FAILING_IMPACTS
    ]
    csp = page.evaluate("window.__csp")
    assert csp == [], f"{url}: the CSP blocked something while axe ran: {csp}"
    return problems


def test_every_main_page_of_every_role_has_no_serious_axe_violation(page, client, login, live_server):
    current_grid()  # the demo's assessments need the published grid
    call_command("seed_demo", stdout=StringIO())
    page.add_init_script(LISTEN)
    page.set_viewport_size({"width": 1366, "height": 900})
    TALL.clear()
    problems, checked, visited = [], set(), 0
    # The BFS below takes the first household of each list, which may have no assessment yet: start from
    # one that has (a role that may not read it gets a 404, and the page is skipped).
    assessment = Assessment.objects.order_by("pk").last()
    assessment_url = f"/menages/{assessment.household_id}/evaluations/{assessment.pk}/"
    only = os.environ.get("PARCOURS_A11Y_ROLES")  # e.g. "call_handler,landlord" while fixing a page
    for role, username, _organization in ROLE_ACCOUNTS:
        if only and role not in only.split(","):
            continue
        user = User.objects.get(username=username)
        login(user)
        session = client.session
        session[SESSION_KEY] = user.memberships.get(role=role).pk
        session.save()
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        urls = _html_pages(client, ["/", "/compte/", assessment_url])
        assert len(urls) >= 5, (role, urls)
        for url in urls:
            problems += _check(page, url)
            checked.add(_route(url))
            visited += 1
        client.logout()
    # The public pages too, logged out.
    page.context.clear_cookies()
    for url in ("/compte/connexion/", "/compte/mot-de-passe/oubli/", "/nulle-part/"):
        problems += _check(page, url)
        visited += 1
    print(f"axe-core: {visited} pages checked, {len(checked)} URL patterns")  # shown with pytest -s
    assert not problems, "\n".join(problems)
    assert not TALL, "pages taller than 6,000 px at 1366 px:\n" + "\n".join(TALL)
    if not only:
        assert not MAIN_ROUTES - checked, f"main pages never reached: {sorted(MAIN_ROUTES - checked)}"


def test_axe_runs_under_the_strict_csp_which_still_blocks_an_injected_inline_script(page):
    """The policy is not weakened for the checks: an inline <script> is refused, axe's evaluation is not."""
    page.add_init_script(LISTEN)
    page.goto("/compte/connexion/")
    with pytest.raises(Exception, match="Content Security Policy|script"):
        page.add_script_tag(content="window.__injected = true;")
    assert page.evaluate("window.__injected === undefined")
    assert page.evaluate("window.__csp").count("script-src-elem") == 1
    page.evaluate(AXE)
    assert page.evaluate("typeof axe.run") == "function"
    assert page.evaluate(RUN_AXE) == []
