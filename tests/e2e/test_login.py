"""Each role logs in through the real pages, passes its second factor, and lands on its own home page."""

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from parcours.accounts.roles import ROLES_REQUIRING_TWO_FACTOR, Role
from tests.factories import PASSWORD, MembershipFactory, confirmed_totp

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_PANEL = {
    Role.CALL_HANDLER: "Appelants en attente",
    Role.SIAO_COORDINATOR: "Demandes à instruire",
    Role.SOCIAL_WORKER: "Mes ménages et leur prochaine étape",
    Role.FACILITY_MANAGER: "Propositions à traiter",
    Role.LANDLORD: "Propositions à traiter",
    Role.OBSERVER: "Les chiffres clés de",
    Role.NETWORK_ADMIN: "Rattachements à approuver",
}


@pytest.mark.parametrize("role", Role.values)
def test_role_logs_in_and_lands_on_its_home(page, live_server, role):
    membership = MembershipFactory(role=role)
    user = membership.user
    device = confirmed_totp(user) if role in ROLES_REQUIRING_TWO_FACTOR else None

    page.goto("/")
    assert "/compte/connexion/" in page.url
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if device is not None:
        page.wait_for_url("**/double-authentification/verifier/**")
        page.get_by_label("Code à usage unique").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=FIRST_PANEL[role])).to_be_visible()
    expect(page.get_by_text(membership.organization.name).first).to_be_visible()


def test_first_login_sets_up_totp_with_the_keyboard_only(page):
    user = MembershipFactory(role=Role.CALL_HANDLER).user
    page.goto("/compte/connexion/")
    # The identifier field has the focus on arrival; wait for it so that no keystroke is lost
    # on a loaded machine.
    expect(page.get_by_label("Identifiant")).to_be_focused()
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type(PASSWORD)
    expect(page.get_by_label("Identifiant")).to_have_value(user.username)
    expect(page.get_by_label("Mot de passe")).to_have_value(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/double-authentification/activer/**")
    expect(page.locator(".prc-qr svg")).to_be_visible()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code à usage unique").fill(f"{totp(device.bin_key):06d}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/codes-de-secours/")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.get_by_role("heading", name="Appelants en attente")).to_be_visible()
