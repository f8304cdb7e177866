"""Promise: no network administrator opens named persons to an account of their own alone, not even
through a second account (an alias on their other e-mail address).

Every grant of a role that reads named persons made from the network pages (invite or attach, to
anyone) stays pending, and opens nothing, until a second administrator approves it, when the
network has one; the others are e-mailed. So does the administrator role given to someone who does
not hold it yet (an alias made administrator could approve the next request). With no other
administrator the grant applies, and the administrators and the DPO (PARCOURS_DPO_EMAIL) are
e-mailed. The operator's command on the server stays direct."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from parcours.accounts import services
from parcours.accounts.middleware import SESSION_KEY
from parcours.accounts.models import Membership, User
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
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

DPO = "dpo@reseau.example"


@pytest.fixture
def net(db):
    TerritoryFactory(code="93")
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN, user__email="alice@reseau.example"))
    second = MembershipFactory(role=Role.NETWORK_ADMIN, user__email="bruno@reseau.example").user
    association = OrganizationFactory(name="Toit Solidaire")
    household = make_household(organization=association)
    return {"admin": admin, "second": second, "association": association, "household": household}


def invite_alias(client, login, net, role=Role.SOCIAL_WORKER, organization=None):
    login(net["admin"])
    return client.post(
        reverse("network:member_add", args=[(organization or net["association"]).pk]),
        {
            "action": "invite",
            "invite-first_name": "Alice",
            "invite-last_name": "Bis",
            "invite-email": "alice.perso@example.org",
            "invite-username": "alice-bis",
            "invite-role": role,
        },
        follow=True,
    )


def test_an_alias_invited_with_a_named_role_waits_and_opens_nothing(
    client, login, net, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = invite_alias(client, login, net)
    assert "reste en attente" in page.content.decode()
    alias = User.objects.get(username="alice-bis")
    membership = alias.memberships.get()
    assert not membership.active and membership.approval == "pending"
    assert membership.requested_by == net["admin"]
    assert AuditEvent.objects.filter(
        action="accounts.membership.request", object_id=str(membership.pk)
    ).exists()
    assert not AuditEvent.objects.filter(
        action="accounts.membership.grant", object_id=str(membership.pk)
    ).exists()
    # The second administrator is e-mailed, not the requester; the alias gets its invitation only.
    notices = [m for m in mail.outbox if "attend votre approbation" in m.subject]
    assert [m.to for m in notices] == [["bruno@reseau.example"]]
    assert "Alice Bis" in notices[0].body and "Toit Solidaire" in notices[0].body
    # Nothing opens for the alias: no active membership, no household, no API token.
    assert not alias.active_memberships().exists()
    client.logout()
    login(alias)
    assert client.get(reverse("households:detail", args=[net["household"].pk])).status_code in (403, 404)
    assert (
        client.post(reverse("accounts:switch_membership"), {"membership": membership.pk}).status_code == 404
    )
    assert client.session.get(SESSION_KEY) is None


def test_the_requester_cannot_approve_the_alias_and_the_second_admin_can(client, login, net):
    invite_alias(client, login, net)
    membership = User.objects.get(username="alice-bis").memberships.get()
    client.post(reverse("network:membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.active and membership.approval == "pending"
    client.logout()
    login(net["second"])
    assert client.post(reverse("network:membership_approve", args=[membership.pk])).status_code == 302
    membership.refresh_from_db()
    assert membership.active and membership.decided_by == net["second"]


def test_an_alias_made_administrator_waits_too_and_cannot_approve_its_twin(client, login, net):
    """The administrator role to a newcomer is four-eyes as well: else the alias, made administrator
    at once, would approve the request for the second alias."""
    admin_org = OrganizationFactory(name="Réseau", siao=True)
    invite_alias(client, login, net, role=Role.NETWORK_ADMIN, organization=admin_org)
    alias = User.objects.get(username="alice-bis")
    made_admin = alias.memberships.get()
    assert not made_admin.active and made_admin.approval == "pending"
    # Even had it been approved, the alias never decides a request it would receive.
    made_admin.active, made_admin.approval = True, "approved"
    made_admin.save()
    request = services.membership_grant(
        actor=net["admin"], user=alias, organization=net["association"], role=Role.SOCIAL_WORKER
    )
    assert request.approval == "pending"
    alias.active_membership = made_admin
    with pytest.raises(ValidationError):
        services.membership_approve(actor=alias, membership=request)


def test_an_administrator_given_the_role_in_another_organization_needs_no_second_admin(net):
    """Already an administrator: nothing new is opened."""
    other = OrganizationFactory(siao=True)
    membership = services.membership_grant(
        actor=net["admin"], user=net["second"], organization=other, role=Role.NETWORK_ADMIN
    )
    assert membership.active and membership.approval == "approved"


@pytest.mark.parametrize("role", sorted(Role.values))
def test_per_role_a_grant_to_someone_else_from_the_pages(client, login, net, role):
    colleague = MembershipFactory(role=Role.OBSERVER).user
    organization = OrganizationFactory(type=ORGANIZATION_TYPE_FOR_ROLE[role])
    login(net["admin"])
    client.post(
        reverse("network:member_add", args=[organization.pk]),
        {"action": "attach", "attach-username": colleague.username, "attach-role": role},
    )
    membership = Membership.objects.get(user=colleague, organization=organization)
    waits = role in NAMED_DATA_ROLES or role == Role.NETWORK_ADMIN
    assert membership.active is not waits
    assert membership.approval == ("pending" if waits else "approved")


@pytest.fixture
def alone(db):
    """A network with a single administrator."""
    TerritoryFactory(code="93")
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN, user__email="alice@reseau.example"))
    MembershipFactory(role=Role.NETWORK_ADMIN, user__email="ancien@reseau.example", active=False)
    return {"admin": admin, "association": OrganizationFactory(name="Toit Solidaire")}


def test_alone_the_grant_applies_and_the_admins_and_the_dpo_are_told(
    client, login, alone, settings, django_capture_on_commit_callbacks
):
    settings.PARCOURS_DPO_EMAIL = DPO
    with django_capture_on_commit_callbacks(execute=True):
        invite_alias(client, login, alone)
    membership = User.objects.get(username="alice-bis").memberships.get()
    assert membership.active and membership.approval == "approved"
    notices = [m for m in mail.outbox if "sans second avis" in m.subject]
    assert len(notices) == 1
    assert sorted(notices[0].to) == sorted(["alice@reseau.example", DPO])
    assert "Alice Bis" in notices[0].body


def test_alone_without_a_dpo_address_the_admins_are_told(alone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_grant(
            actor=alone["admin"],
            user=alone["admin"],
            organization=alone["association"],
            role=Role.SOCIAL_WORKER,
        )
    assert [m.to for m in mail.outbox] == [["alice@reseau.example"]]


def test_an_observer_grant_tells_nobody(alone, django_capture_on_commit_callbacks):
    colleague = MembershipFactory(role=Role.SOCIAL_WORKER).user
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_grant(
            actor=alone["admin"], user=colleague, organization=alone["association"], role=Role.OBSERVER
        )
    assert membership.active and mail.outbox == []


def test_the_operator_command_stays_direct_and_silent(net, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_user",
            username="nouvelle",
            password="un-mot-de-passe-long",
            organization=net["association"].pk,
            role=Role.SOCIAL_WORKER,
        )
    membership = Membership.objects.get(user__username="nouvelle")
    assert membership.active and membership.approval == "approved"
    assert mail.outbox == []
