"""Shared mechanisms: optimistic versions, the demo network, SMS backends, translation catalogues."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from parcours.accounts import services
from parcours.accounts.models import Membership, Organization, User
from parcours.accounts.roles import Role
from parcours.core import audit, sms
from parcours.core.versioning import StaleVersionError
from parcours.demo import network

from .factories import MembershipFactory, OrganizationFactory


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_nothing_is_overwritten():
    admin = MembershipFactory(role=Role.NETWORK_ADMIN).user
    organization = OrganizationFactory(name="Avant")
    read_by_alice = Organization.objects.get(pk=organization.pk)
    read_by_bob = Organization.objects.get(pk=organization.pk)
    services.organization_update(actor=admin, organization=read_by_alice, version=1, name="Alice")
    with pytest.raises(StaleVersionError) as excinfo:
        services.organization_update(actor=admin, organization=read_by_bob, version=1, name="Bob")
    assert excinfo.value.current_version == 2
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("Alice", 2)
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_organization_update_validates_before_writing():
    admin = MembershipFactory(role=Role.NETWORK_ADMIN).user
    organization = OrganizationFactory(siret="")
    with pytest.raises(ValidationError, match="14 chiffres"):
        services.organization_update(actor=admin, organization=organization, version=1, siret="12")
    with pytest.raises(ValidationError):
        services.organization_update(actor=admin, organization=organization, version=1, type="landlord")
    organization.refresh_from_db()
    assert (organization.siret, organization.version) == ("", 1)


@pytest.mark.django_db
def test_demo_network_has_every_role_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for role, username, _org in network.ROLE_ACCOUNTS:
        assert Membership.objects.filter(user__username=username, role=role).exists()
        assert username in printed
    assert network.DEMO_PASSWORD in printed
    counts = {
        t: Organization.objects.filter(type=t).count() for t in ("siao_operator", "association", "landlord")
    }
    assert counts == {"siao_operator": 1, "association": 15, "landlord": 4}
    assert Organization.objects.filter(type="state_service").exists()
    assert Organization.objects.filter(type="partner").count() >= 2
    users = User.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == users and Organization.objects.count() == sum(counts.values()) + 4
    assert audit.verify_chain().ok


def test_sms_backends(tmp_path):
    sms.outbox.clear()
    sms.send_sms(to="0600000000", text="Rendez-vous au 12 rue de l'Exemple")
    assert sms.outbox == [{"to": "0600000000", "text": "Rendez-vous au 12 rue de l'Exemple"}]
    path = tmp_path / "sms.jsonl"
    with override_settings(SMS_BACKEND="parcours.core.sms.FileBackend", SMS_FILE_PATH=path):
        sms.send_sms(to="0600000001", text="Bonjour")
    assert json.loads(path.read_text())["to"] == "0600000001"
