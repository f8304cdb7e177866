"""Promise: the first name (or nickname) of a 115 caller who opens no file lives one night.

It only says who is waiting on tonight's list; the closing of the night (`emergency-rollover`)
erases it with the caller's phone number, in the same run. The night's figures still count the
request: they never needed a name.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command

from parcours.accounts.roles import Role
from parcours.emergency import services
from parcours.emergency.models import EmergencyRequest, NightFigures
from parcours.emergency.nights import current_night
from tests.clock import freeze, local
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, as_member

pytestmark = pytest.mark.django_db


def test_the_callers_first_name_is_erased_with_the_phone_when_the_night_closes(monkeypatch, capsys):
    clock = freeze(monkeypatch, local(2026, 3, 10, 22, 0))
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=TerritoryFactory(code="93"))
    handler = as_member(MembershipFactory(role=Role.CALL_HANDLER, organization=siao))
    night = current_night()
    _call, request = services.call_take(
        actor=handler, caller_name="Mamadou", caller_phone="0612345678", night=night, persons=1
    )
    _call, tomorrow = services.call_take(
        actor=handler, caller_name="Awa", night=night + timedelta(days=1), persons=2
    )

    # Before the night ends, the name is what the waiting list shows, and the rollover leaves it.
    call_command("emergency_rollover", "--wet-run")
    request.refresh_from_db()
    assert (request.caller_name, request.caller_phone) == ("Mamadou", "0612345678")

    clock.set(local(2026, 3, 11, 10, 0))  # the next morning, after the night change
    assert current_night() == night + timedelta(days=1)
    call_command("emergency_rollover")  # a simulation says it and writes nothing
    assert "Prénoms d'appelant·es sans dossier effacés : 1" in capsys.readouterr().out
    request.refresh_from_db()
    assert request.caller_name == "Mamadou"

    call_command("emergency_rollover", "--wet-run")
    request.refresh_from_db()
    assert (request.caller_name, request.caller_phone) == ("", "")
    assert request.status == "unmet" and request.persons == 1  # what the indicators count stays
    assert NightFigures.objects.get(night=night).requests == 1
    tomorrow.refresh_from_db()
    assert tomorrow.caller_name == "Awa"  # tonight's waiting list still says who waits
    assert not EmergencyRequest.objects.filter(night__lt=current_night()).exclude(caller_name="").exists()
