"""The administration commands of api-v1.md, as an operator or a script would run them."""

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from parcours.accounts.models import ApiToken, Membership, Organization, User
from parcours.core.models import AuditEvent
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture(autouse=True)
def territory():
    return TerritoryFactory(code="93")


def test_create_organization_prints_its_id_and_is_idempotent():
    first = run("create_organization", "--name", "Les Amarres", "--type", "association", "--territory", "93")
    organization = Organization.objects.get(pk=int(first))
    assert (organization.name, organization.type, organization.territory.code) == (
        "Les Amarres",
        "association",
        "93",
    )
    again = run("create_organization", "--name", "Les Amarres", "--type", "association", "--territory", "93")
    assert again == first and Organization.objects.count() == 1
    assert AuditEvent.objects.filter(action="accounts.organization.create", object_id=first).count() == 1


def test_create_organization_refuses_bad_input_in_french():
    with pytest.raises(CommandError, match="Département inconnu : 99"):
        run("create_organization", "--name", "X", "--type", "association", "--territory", "99")
    with pytest.raises(CommandError, match="SIRET"):
        run(
            "create_organization",
            "--name",
            "X",
            "--type",
            "association",
            "--territory",
            "93",
            "--siret",
            "123",
        )
    with pytest.raises(CommandError):
        run("create_organization", "--name", "X", "--type", "ngo", "--territory", "93")
    assert Organization.objects.count() == 0


def test_create_user_with_a_role_then_a_second_membership():
    org = run("create_organization", "--name", "SIAO", "--type", "siao_operator", "--territory", "93")
    user_id = run(
        "create_user",
        "--username",
        "lea",
        "--password",
        "correct-horse-battery",
        "--organization",
        org,
        "--role",
        "call_handler",
    )
    user = User.objects.get(pk=int(user_id))
    assert user.check_password("correct-horse-battery")
    assert user.requires_two_factor() and not user.totpdevice_set.exists()  # two-factor pending
    run(
        "create_user",
        "--username",
        "lea",
        "--password",
        "ignored-because-exists",
        "--organization",
        org,
        "--role",
        "siao_coordinator",
    )
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {
        "call_handler",
        "siao_coordinator",
    }


def test_create_user_refuses_a_role_foreign_to_the_organization_and_weak_passwords():
    landlord = run("create_organization", "--name", "Bailleur", "--type", "landlord", "--territory", "93")
    with pytest.raises(CommandError, match="n'existe pas dans une organisation"):
        run(
            "create_user",
            "--username",
            "x",
            "--password",
            "correct-horse-battery",
            "--organization",
            landlord,
            "--role",
            "call_handler",
        )
    with pytest.raises(CommandError, match="trop court"):
        run(
            "create_user",
            "--username",
            "y",
            "--password",
            "court",
            "--organization",
            landlord,
            "--role",
            "landlord",
        )
    assert not User.objects.filter(username__in=["x", "y"]).exists()


def test_create_token_prints_a_token_alone_on_its_line(client):
    org = run("create_organization", "--name", "SIAO", "--type", "siao_operator", "--territory", "93")
    run(
        "create_user",
        "--username",
        "lea",
        "--password",
        "correct-horse-battery",
        "--organization",
        org,
        "--role",
        "siao_coordinator",
    )
    key = run("create_token", "--username", "lea", "--organization", org, "--role", "siao_coordinator")
    assert len(key.splitlines()) == 1 and key.startswith("prc_")
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.prefix + token.key_hash
    assert token.expires_at > timezone.now() + timedelta(days=300)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and response.json()["role"] == "siao_coordinator"


def test_create_token_for_a_membership_that_does_not_exist():
    with pytest.raises(CommandError, match="Aucun rattachement actif"):
        run("create_token", "--username", "nobody", "--organization", "1", "--role", "observer")


def test_console_script_accepts_hyphenated_names():
    import subprocess
    import sys

    from parcours.__main__ import command_argv

    assert command_argv(["/x/bin/parcours", "create-token", "--role", "call-handler"]) == [
        "parcours",
        "create_token",
        "--role",
        "call-handler",
    ]
    result = subprocess.run(  # noqa: S603  (our own console script, fixed arguments)
        [sys.executable, "-m", "parcours", "create-organization", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert "--territory" in result.stdout
