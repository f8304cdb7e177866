"""Promise: no network administrator gives themself access to named persons alone (four eyes).

A membership that reads named persons, created by an administrator for their own account (through
the network pages or the service), stays pending, and opens nothing, until a *second* network
administrator approves it. Every request, approval and refusal is in the audit trail. Granting to
someone else from the network pages follows the same rule (test_four_eyes_grants); the operator's
`parcours create-user` on the server is unchanged.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from parcours.accounts import services
from parcours.accounts.middleware import SESSION_KEY
from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from tests.concurrency import race
from tests.factories import (
    ORGANIZATION_TYPE_FOR_ROLE,
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

from .stated import NAMED_DATA_ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(db):
    TerritoryFactory(code="93")
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN))  # acting as administrator
    second = MembershipFactory(role=Role.NETWORK_ADMIN).user
    association = OrganizationFactory(name="Toit Solidaire")
    household = make_household(organization=association)
    return {"admin": admin, "second": second, "association": association, "household": household}


def _self_grant_by_page(client, login, net):
    login(net["admin"])
    response = client.post(
        reverse("network:member_add", args=[net["association"].pk]),
        {"action": "attach", "attach-username": net["admin"].username, "attach-role": Role.SOCIAL_WORKER},
    )
    assert response.status_code == 302
    return Membership.objects.get(user=net["admin"], organization=net["association"])


def _sees_the_household(client, household) -> bool:
    listing = client.get(reverse("households:list"))
    detail = client.get(reverse("households:detail", args=[household.pk]))
    shown = detail.status_code == 200 or (
        listing.status_code == 200 and "Lefèvre" in listing.content.decode()
    )
    assert listing.status_code in (200, 404) and detail.status_code in (200, 404)
    return shown


def test_self_granted_social_worker_membership_stays_pending_and_opens_nothing(client, login, net):
    membership = _self_grant_by_page(client, login, net)
    assert not membership.active and membership.approval == "pending"
    assert membership.requested_by == net["admin"]
    assert AuditEvent.objects.filter(
        actor=net["admin"], action="accounts.membership.request", object_id=str(membership.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action="accounts.membership.grant", object_id=str(membership.pk))
    # No door opens: the header switch, the household list and sheet, an API token.
    response = client.post(reverse("accounts:switch_membership"), {"membership": membership.pk})
    assert response.status_code == 404 and client.session.get(SESSION_KEY) is None
    assert not _sees_the_household(client, net["household"])
    assert not net["admin"].active_memberships().filter(pk=membership.pk).exists()
    with pytest.raises(ValidationError):
        services.token_create(actor=net["admin"], membership=membership, name="script")
    assert not membership.api_tokens.exists()


def test_the_service_applies_the_same_rule(net):
    membership = services.membership_grant(
        actor=net["admin"], user=net["admin"], organization=net["association"], role=Role.SOCIAL_WORKER
    )
    assert not membership.active and membership.approval == "pending"
    # Deciding is for network administrators acting as such, in the service too.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=net["second"], membership=membership)  # no active admin role
    net["second"].active_membership = net["second"].memberships.get()
    services.membership_approve(actor=net["second"], membership=membership)
    membership.refresh_from_db()
    assert membership.active


def test_the_requester_cannot_approve_their_own_request(client, login, net):
    membership = _self_grant_by_page(client, login, net)
    response = client.post(reverse("network:membership_approve", args=[membership.pk]), follow=True)
    assert "autre administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert not membership.active and membership.approval == "pending"
    net["admin"].active_membership = net["admin"].memberships.get(role=Role.NETWORK_ADMIN)
    with pytest.raises(ValidationError):
        services.membership_approve(actor=net["admin"], membership=membership)
    membership.refresh_from_db()
    assert not membership.active
    assert not AuditEvent.objects.filter(action="accounts.membership.approve").exists()


def test_a_second_admin_approves_and_only_then_the_access_opens(client, login, net):
    membership = _self_grant_by_page(client, login, net)
    client.logout()
    login(net["second"])
    page = client.get(reverse("network:organization_list")).content.decode()
    assert "en attente" in page  # the second admin is told there is something to decide
    response = client.post(reverse("network:membership_approve", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.active and membership.approval == "approved"
    assert membership.decided_by == net["second"]
    assert AuditEvent.objects.filter(
        actor=net["second"], action="accounts.membership.approve", object_id=str(membership.pk)
    ).exists()
    client.logout()
    login(net["admin"])
    client.post(reverse("accounts:switch_membership"), {"membership": membership.pk})
    assert client.session[SESSION_KEY] == membership.pk
    assert _sees_the_household(client, net["household"])


def test_a_second_admin_may_refuse(client, login, net):
    membership = _self_grant_by_page(client, login, net)
    client.logout()
    login(net["second"])
    client.post(reverse("network:membership_refuse", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.active and membership.approval == "refused"
    assert AuditEvent.objects.filter(
        actor=net["second"], action="accounts.membership.refuse", object_id=str(membership.pk)
    ).exists()
    # Refused is final: approving it afterwards changes nothing.
    client.post(reverse("network:membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.active


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_another_network_admin_decides(client, login, net, role):
    membership = services.membership_grant(
        actor=net["admin"], user=net["admin"], organization=net["association"], role=Role.SOCIAL_WORKER
    )
    decider = MembershipFactory(role=role).user
    login(decider)
    response = client.post(reverse("network:membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    if role == Role.NETWORK_ADMIN:
        assert response.status_code == 302 and membership.active
    else:
        assert response.status_code == 404
        assert not membership.active and membership.approval == "pending"
        assert client.post(reverse("network:membership_refuse", args=[membership.pk])).status_code == 404
        membership.refresh_from_db()
        assert membership.approval == "pending"


@pytest.mark.parametrize("role", sorted(Role.values))
def test_self_grant_is_pending_exactly_for_the_roles_reading_named_persons(net, role):
    organization = OrganizationFactory(type=ORGANIZATION_TYPE_FOR_ROLE[role])
    membership = services.membership_grant(
        actor=net["admin"], user=net["admin"], organization=organization, role=role
    )
    assert membership.active is (role not in NAMED_DATA_ROLES)
    assert membership.approval == ("pending" if role in NAMED_DATA_ROLES else "approved")


def test_re_granting_a_revoked_membership_to_oneself_is_pending_again(net):
    membership = MembershipFactory(
        user=net["admin"], organization=net["association"], role=Role.SOCIAL_WORKER
    )
    net["second"].active_membership = net["second"].memberships.get()  # acting as administrator
    services.membership_revoke(actor=net["second"], membership=membership)
    again = services.membership_grant(
        actor=net["admin"], user=net["admin"], organization=net["association"], role=Role.SOCIAL_WORKER
    )
    assert again.pk == membership.pk and not again.active and again.approval == "pending"


def test_granting_to_someone_else_needs_the_second_admin_too(client, login, net):
    """Someone else may be the administrator's own second account: the grant waits for the second
    administrator like a self-grant (test_four_eyes_grants), then applies."""
    colleague = MembershipFactory(role=Role.OBSERVER).user
    login(net["admin"])
    client.post(
        reverse("network:member_add", args=[net["association"].pk]),
        {"action": "attach", "attach-username": colleague.username, "attach-role": Role.SOCIAL_WORKER},
    )
    membership = Membership.objects.get(user=colleague, organization=net["association"])
    assert not membership.active and membership.approval == "pending"
    assert AuditEvent.objects.filter(
        actor=net["admin"], action="accounts.membership.request", object_id=str(membership.pk)
    ).exists()
    net["second"].active_membership = net["second"].memberships.get()
    services.membership_approve(actor=net["second"], membership=membership)
    membership.refresh_from_db()
    assert membership.active and membership.approval == "approved"


def test_the_operator_command_on_the_server_is_not_a_self_grant(net):
    call_command(
        "create_user",
        username=net["admin"].username,
        password="peu-importe-il-existe",
        organization=net["association"].pk,
        role=Role.SOCIAL_WORKER,
    )
    membership = Membership.objects.get(user=net["admin"], organization=net["association"])
    assert membership.active and membership.approval == "approved"


@pytest.mark.django_db(transaction=True)
def test_two_admins_deciding_at_once_give_one_decision():
    """PostgreSQL: an approval and a refusal at the same instant; exactly one wins, the other is told."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks are measured on PostgreSQL")
    TerritoryFactory(code="93")
    requester = as_member(MembershipFactory(role=Role.NETWORK_ADMIN))  # acting as admin (ADR 0016)
    deciders = []
    for _ in range(2):
        admin_membership = MembershipFactory(role=Role.NETWORK_ADMIN)
        admin_membership.user.active_membership = admin_membership
        deciders.append(admin_membership.user)
    membership = services.membership_grant(
        actor=requester, user=requester, organization=OrganizationFactory(), role=Role.SOCIAL_WORKER
    )

    def decide(actor, action):
        def attempt():
            try:
                action(actor=actor, membership=Membership.objects.get(pk=membership.pk))
            except ValidationError:
                return "refused"
            return "done"

        return attempt

    results = race(
        [decide(deciders[0], services.membership_approve), decide(deciders[1], services.membership_refuse)]
    )
    assert sorted(results) == ["done", "refused"]
    membership.refresh_from_db()
    assert membership.approval in ("approved", "refused")
    assert membership.active is (membership.approval == "approved")
    decisions = AuditEvent.objects.filter(
        object_id=str(membership.pk), action__in=["accounts.membership.approve", "accounts.membership.refuse"]
    )
    assert decisions.count() == 1
