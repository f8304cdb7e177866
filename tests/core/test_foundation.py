"""Shared mechanisms: optimistic versions, the demo network, SMS backends, translation catalogues."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from parcours.accounts import services
from parcours.accounts.models import Organization
from parcours.accounts.roles import Role
from parcours.core import audit, sms
from parcours.core.versioning import StaleVersionError
from tests.factories import MembershipFactory, OrganizationFactory, as_member


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_nothing_is_overwritten():
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN))
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
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN))
    organization = OrganizationFactory(siret="")
    with pytest.raises(ValidationError, match="14 chiffres"):
        services.organization_update(actor=admin, organization=organization, version=1, siret="12")
    with pytest.raises(ValidationError):
        services.organization_update(actor=admin, organization=organization, version=1, type="landlord")
    organization.refresh_from_db()
    assert (organization.siret, organization.version) == ("", 1)


def test_sms_backends(tmp_path):
    sms.outbox.clear()
    sms.send_sms(to="0600000000", text="Rendez-vous au 12 rue de l'Exemple")
    assert sms.outbox == [{"to": "0600000000", "text": "Rendez-vous au 12 rue de l'Exemple"}]
    path = tmp_path / "sms.jsonl"
    with override_settings(SMS_BACKEND="parcours.core.sms.FileBackend", SMS_FILE_PATH=path):
        sms.send_sms(to="0600000001", text="Bonjour")
    assert json.loads(path.read_text())["to"] == "0600000001"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Benoît LEFÈVRE-Dupré", "benoit lefevre dupre"),
        ("Yılmaz", "yilmaz"),
        ("Łukasz Øster", "lukasz oster"),
        ("N'Diaye", "n diaye"),
        ("Œdipe", "oedipe"),
    ],
)
def test_names_are_folded_for_search(text, folded):
    from parcours.core.text import fold

    assert fold(text) == folded
