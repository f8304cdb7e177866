"""In a real browser, the strict Content Security Policy blocks nothing our own pages need."""

import pytest

from parcours.accounts.roles import Role
from tests.factories import MembershipFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_pages_scripts_and_htmx_run_without_any_csp_violation(page, login, client, live_server):
    TerritoryFactory(code="93")
    membership = MembershipFactory(role=Role.SOCIAL_WORKER)
    household = make_household(organization=membership.organization, referent=membership.user)
    login(membership.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)
    for url in ("/", "/menages/nouveau/", f"/menages/{household.pk}/", "/offre/", "/compte/", "/api/v1/docs"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], url
    # The page's own script ran: the "add a person" button (a data-* behaviour) works under the policy.
    page.goto("/menages/nouveau/")
    page.get_by_role("button", name="Ajouter une personne").click()
    assert page.locator("#id_members-1-first_name").is_visible()
    # Swagger UI, served locally, drew the API's description.
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.evaluate("window.__csp") == []
    assert not [text for text in console if "Content Security Policy" in text], console
