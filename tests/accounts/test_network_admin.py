"""Network administration pages: organizations, members, accounts and lost second factors."""

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts import services
from parcours.accounts.models import Membership, Organization, User
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, confirmed_totp
from tests.perm_matrix import assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(login):
    membership = MembershipFactory(role=Role.NETWORK_ADMIN)
    login(membership.user)
    return membership.user


def test_only_network_admins_reach_the_administration(client, login):
    organization = OrganizationFactory()
    target = MembershipFactory(organization=organization)
    pages = {
        "create": ("get", reverse("network:organization_create")),
        "edit": ("get", reverse("network:organization_edit", args=[organization.pk])),
        "add member": ("get", reverse("network:member_add", args=[organization.pk])),
        "revoke": ("post", reverse("network:membership_revoke", args=[target.pk])),
        "deactivate": ("post", reverse("network:user_set_active", args=[target.user.pk])),
        "reset 2FA": ("post", reverse("network:two_factor_reset", args=[target.user.pk])),
    }
    users = {role: MembershipFactory(role=role).user for role in Role.values}

    def check(role, _obj, action):
        client.logout()
        login(users[role])
        method, url = pages[action]
        status = getattr(client, method)(url).status_code
        assert status in (200, 302, 404), (role, action, status)
        return status != 404

    expected = {(role, "org", action): role == Role.NETWORK_ADMIN for role in Role.values for action in pages}
    # Refused actions changed nothing: the admin's own tries run last.
    assert_matrix(dict(sorted(expected.items(), key=lambda kv: kv[1])), check)


def test_create_an_organization_from_the_page(client, admin):
    TerritoryFactory(code="93")
    response = client.post(
        reverse("network:organization_create"),
        {
            "name": "Cap Habitat",
            "type": "association",
            "territory": "93",
            "siret": "12345678901234",
            "finess": "",
        },
    )
    organization = Organization.objects.get(name="Cap Habitat")
    assert response["Location"] == reverse("network:organization_detail", args=[organization.pk])
    assert AuditEvent.objects.filter(actor=admin, action="accounts.organization.create").exists()


def test_bad_siret_is_explained_and_nothing_is_created(client, admin):
    TerritoryFactory(code="93")
    response = client.post(
        reverse("network:organization_create"),
        {"name": "X", "type": "association", "territory": "93", "siret": "123", "finess": ""},
    )
    assert response.status_code == 400
    assert "Un numéro SIRET compte exactement 14 chiffres." in response.content.decode()
    assert not Organization.objects.filter(name="X").exists()


def test_concurrent_edits_of_an_organization(client, admin):
    organization = OrganizationFactory(name="Avant")
    url = reverse("network:organization_edit", args=[organization.pk])
    form = {"version": 1, "name": "Version d'Alice", "siret": "", "finess": "", "active": "on"}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "name": "Version de Bob"})
    assert response.status_code == 409
    assert "Quelqu&#x27;un a modifié cette organisation" in response.content.decode()
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("Version d'Alice", 2)


def test_invite_a_new_person_who_chooses_a_password(client, admin):
    organization = OrganizationFactory(siao=True)
    response = client.post(
        reverse("network:member_add", args=[organization.pk]),
        {
            "action": "invite",
            "invite-first_name": "Inès",
            "invite-last_name": "Keita",
            "invite-email": "ines.keita@example.invalid",
            "invite-username": "ikeita",
            "invite-role": "call_handler",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="ikeita")
    assert not user.has_usable_password()
    assert Membership.objects.filter(
        user=user, organization=organization, role="call_handler", active=True
    ).exists()
    # One invitation to the person (the network's admins are also told of the grant: four eyes).
    invitations = [m for m in mail.outbox if m.to == ["ines.keita@example.invalid"]]
    assert len(invitations) == 1
    link = next(line for line in invitations[0].body.splitlines() if "/compte/mot-de-passe/nouveau/" in line)
    client.logout()
    page = client.get(link.split("testserver", 1)[1], follow=True)
    new = "un-mot-de-passe-choisi"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_role_foreign_to_the_organization_cannot_be_chosen(client, admin):
    landlord = OrganizationFactory(landlord=True)
    response = client.post(
        reverse("network:member_add", args=[landlord.pk]),
        {
            "action": "invite",
            "invite-first_name": "A",
            "invite-last_name": "B",
            "invite-email": "a@example.invalid",
            "invite-username": "ab",
            "invite-role": "call_handler",
        },
    )
    assert response.status_code == 400 and not User.objects.filter(username="ab").exists()


def test_attach_an_existing_account(client, admin):
    someone = MembershipFactory(role=Role.SOCIAL_WORKER).user
    other = OrganizationFactory()
    response = client.post(
        reverse("network:member_add", args=[other.pk]),
        {"action": "attach", "attach-username": someone.username, "attach-role": "facility_manager"},
    )
    assert response.status_code == 302
    assert someone.memberships.filter(organization=other, role="facility_manager").exists()
    response = client.post(
        reverse("network:member_add", args=[other.pk]),
        {"action": "attach", "attach-username": "inconnu", "attach-role": "facility_manager"},
    )
    assert "Aucun compte actif ne porte cet identifiant." in response.content.decode()


def test_revoking_a_membership_stops_its_tokens(client, admin):
    membership = MembershipFactory(role=Role.SIAO_COORDINATOR)
    _token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    client.post(reverse("network:membership_revoke", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.active
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_deactivated_account_cannot_log_in_and_admin_cannot_deactivate_self(client, admin):
    from tests.factories import PASSWORD

    target = MembershipFactory().user
    client.post(reverse("network:user_set_active", args=[target.pk]), {"active": "0"})
    client.post(reverse("network:user_set_active", args=[admin.pk]), {"active": "0"})
    target.refresh_from_db()
    admin.refresh_from_db()
    assert not target.is_active and admin.is_active
    client.logout()
    client.post(reverse("accounts:login"), {"username": target.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_lost_phone_second_factor_reset(client, admin):
    target = MembershipFactory(role=Role.CALL_HANDLER).user
    confirmed_totp(target)
    response = client.post(
        reverse("network:two_factor_reset", args=[target.pk]), {"back": "https://evil.example/"}
    )
    assert response["Location"] == reverse("network:organization_list")  # no open redirect
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(
        actor=admin, action="accounts.two_factor.reset", object_id=str(target.pk)
    ).exists()


def test_admin_sees_every_member_with_their_state(client, admin, django_assert_max_num_queries):
    organization = OrganizationFactory()
    for _ in range(5):
        confirmed_totp(MembershipFactory(organization=organization).user)
    ended = MembershipFactory(organization=organization, active=False)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("network:organization_detail", args=[organization.pk])).content.decode()
    assert ended.user.username in html and "rattachement terminé" in html
    assert html.count(">activée<") == 5
