"""Promise: reactivating an account gives nothing back to named data with one pair of eyes.

A deactivated account keeps its memberships. Reactivating it from the network pages (the only door:
there is no Django admin, no command nor API that reactivates) is a grant under the four-eyes rule:
the account comes back at once, with its memberships that read no named person, but each one that
reads named persons, or administers the network, goes back to « en attente d'approbation », opens
nothing, and waits for a second administrator, as a new grant does. With no second administrator
who may decide, it applies, and the administrators and the DPO are e-mailed. Each step is audited;
a refused reactivation changes nothing.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from parcours.accounts import services
from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

from .test_four_eyes import _sees_the_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(db):
    TerritoryFactory(code="93")
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN, user__email="alice@reseau.example"))
    second = MembershipFactory(role=Role.NETWORK_ADMIN, user__email="bruno@reseau.example").user
    association = OrganizationFactory(name="Toit Solidaire")
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association).user
    household = make_household(organization=association)
    services.user_set_active(actor=None, user=worker, active=False)  # left the association
    return {
        "admin": admin,
        "second": second,
        "association": association,
        "worker": worker,
        "household": household,
    }


def _reactivate_by_page(client, login, net, user):
    login(net["admin"])
    return client.post(
        reverse("network:user_set_active", args=[user.pk]),
        {"active": "1"},
        HTTP_REFERER="/reseau/",
        follow=True,
    )


def _state(user):
    user.refresh_from_db()
    return user.is_active, sorted(user.memberships.values_list("role", "active", "approval"))


def test_reactivating_by_page_holds_the_named_data_membership_for_a_second_admin(
    client, login, net, django_capture_on_commit_callbacks
):
    worker = net["worker"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _reactivate_by_page(client, login, net, worker)
    assert "attendent l&#x27;approbation" in response.content.decode()
    membership = worker.memberships.get()
    worker.refresh_from_db()
    assert worker.is_active
    assert (
        not membership.active and membership.approval == "pending" and membership.requested_by == net["admin"]
    )
    for action, obj in (("accounts.user.set_active", worker), ("accounts.membership.request", membership)):
        assert AuditEvent.objects.filter(actor=net["admin"], action=action, object_id=str(obj.pk)).exists()
    assert [m.to for m in mail.outbox] == [["bruno@reseau.example"]]
    # Nothing opens: the person logs in and sees no household, no API token is possible.
    client.logout()
    login(worker)
    assert not _sees_the_household(client, net["household"])
    assert not worker.active_memberships().exists()
    # The second administrator approves: only then the access is back.
    client.logout()
    login(net["second"])
    client.post(reverse("network:membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.active and membership.decided_by == net["second"]
    client.logout()
    login(worker)
    assert _sees_the_household(client, net["household"])


def test_the_requester_cannot_approve_the_reactivation_alone(client, login, net):
    _reactivate_by_page(client, login, net, net["worker"])
    membership = net["worker"].memberships.get()
    response = client.post(reverse("network:membership_approve", args=[membership.pk]), follow=True)
    assert "autre administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert not membership.active and membership.approval == "pending"


def test_a_reactivated_administrator_waits_too(net):
    other_admin = MembershipFactory(role=Role.NETWORK_ADMIN).user
    services.user_set_active(actor=None, user=other_admin, active=False)
    services.user_set_active(actor=net["admin"], user=other_admin, active=True)
    membership = other_admin.memberships.get()
    assert not membership.active and membership.approval == "pending"


def test_a_membership_reading_no_named_person_comes_back_at_once(net):
    observer = MembershipFactory(role=Role.OBSERVER, organization=OrganizationFactory(state=True)).user
    services.user_set_active(actor=None, user=observer, active=False)
    user = services.user_set_active(actor=net["admin"], user=observer, active=True)
    assert user.held_for_approval == []
    assert _state(observer) == (True, [(Role.OBSERVER, True, "approved")])
    assert not AuditEvent.objects.filter(action="accounts.membership.request").exists()


def test_with_no_second_admin_it_applies_and_the_dpo_is_told(net, django_capture_on_commit_callbacks):
    settings_dpo = "dpo@reseau.example"
    Membership.objects.filter(user=net["second"]).update(active=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "PARCOURS_DPO_EMAIL", settings_dpo)
        with django_capture_on_commit_callbacks(execute=True):
            services.user_set_active(actor=net["admin"], user=net["worker"], active=True)
    assert _state(net["worker"]) == (True, [(Role.SOCIAL_WORKER, True, "approved")])
    assert AuditEvent.objects.filter(
        actor=net["admin"],
        action="accounts.membership.grant",
        object_id=str(net["worker"].memberships.get().pk),
    ).exists()
    (notice,) = mail.outbox
    assert settings_dpo in notice.to and "sans second avis" in notice.subject


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.NETWORK_ADMIN}))
def test_only_an_administrator_reactivates_and_a_refusal_changes_nothing(client, login, net, role):
    before = _state(net["worker"])
    events = AuditEvent.objects.filter(action__startswith="accounts.user.").count()
    login(MembershipFactory(role=role).user)
    response = client.post(reverse("network:user_set_active", args=[net["worker"].pk]), {"active": "1"})
    assert response.status_code == 404
    assert _state(net["worker"]) == before == (False, [(Role.SOCIAL_WORKER, True, "approved")])
    assert AuditEvent.objects.filter(action__startswith="accounts.user.").count() == events
    assert not AuditEvent.objects.filter(action__startswith="accounts.membership.").exists()


def test_there_is_no_other_door_to_reactivate():
    # No Django admin (its user change form would flip is_active with no rule), no API operation.
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    with pytest.raises(Resolver404):
        resolve("/admin/")
    from parcours.api.api import api

    paths = list(api.get_openapi_schema()["paths"])
    assert not [p for p in paths if "user" in p or "account" in p or "membership" in p]
