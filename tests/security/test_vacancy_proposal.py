"""Promise: a household's proposal never stays pending on a vacancy that no longer exists.

Withdrawing a vacancy (page, API) or taking its unit or facility out of service used to withdraw the
vacancy under a proposal in progress, leaving the household waiting for an answer about a place the
facility had given up. A SIAO expects the proposal to be answered or withdrawn by the one who made
it (who tells the household): so the withdrawal is refused (409, a French message) and nothing
changes; once the proposal is answered, the vacancy can go."""

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.offers import services as offer_services
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation import proposals
from parcours.orientation.choices import ProposalStatus
from parcours.orientation.models import Proposal
from tests.concurrency import race
from tests.factories import api_for, make_household

from .orientation_world import build_world, propose, validated_request
from .test_concurrency import api_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    w["proposal"] = propose(w)
    return w


def _unchanged(world, *, audits_before):
    vacancy = Vacancy.objects.get(pk=world["vacancy"].pk)
    assert vacancy.status == "open"
    assert vacancy.withdrawn_at is None
    assert Proposal.objects.get(pk=world["proposal"].pk).status == ProposalStatus.PENDING
    assert AuditEvent.objects.count() == audits_before


def _unit_form(unit, **changes):
    data = {
        "version": unit.version,
        "label": unit.label,
        "capacity": unit.capacity,
        "typology": unit.typology,
        "rent": unit.rent,
        "charges": unit.charges,
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_page_withdrawal_refused_while_proposal_pending(world, login, client):
    login(world["landlord"])
    before = AuditEvent.objects.count()
    response = client.post(reverse("offers:vacancy_withdraw", args=[world["vacancy"].pk]))
    _unchanged(world, audits_before=before)
    assert "proposition en cours" in client.get(response.url).content.decode()


def test_api_withdrawal_refused_while_proposal_pending(world, client):
    call = api_for(client, world["m"][Role.LANDLORD])
    before = AuditEvent.objects.count()
    response = call("post", f"/vacancies/{world['vacancy'].pk}/withdraw")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "proposition en cours" in response.json()["error"]["message"]
    _unchanged(world, audits_before=before)


def test_api_withdrawal_refused_while_proposal_accepted(world, client):
    proposals.proposal_decide(actor=world["landlord"], proposal=world["proposal"], decision="accepted")
    call = api_for(client, world["m"][Role.LANDLORD])
    response = call("post", f"/vacancies/{world['vacancy'].pk}/withdraw")
    assert response.status_code == 409
    assert Vacancy.objects.get(pk=world["vacancy"].pk).status == "open"
    assert Proposal.objects.get(pk=world["proposal"].pk).status == ProposalStatus.ACCEPTED


def test_unit_deactivation_refused_while_proposal_pending(world, login, client):
    unit = Unit.objects.get(pk=world["vacancy"].unit_id)
    login(world["landlord"])
    before = AuditEvent.objects.count()
    response = client.post(reverse("offers:unit_edit", args=[unit.pk]), _unit_form(unit, active=None))
    assert response.status_code == 409
    assert "proposition en cours" in response.content.decode()
    assert Unit.objects.get(pk=unit.pk).active is True
    assert Unit.objects.get(pk=unit.pk).version == unit.version
    _unchanged(world, audits_before=before)


def test_facility_deactivation_refused_while_proposal_pending(world):
    facility = Facility.objects.get(pk=world["vacancy"].unit.facility_id)
    before = AuditEvent.objects.count()
    with pytest.raises(offer_services.VacancyConflict):
        offer_services.facility_update(
            actor=world["landlord"], facility=facility, version=facility.version, active=False
        )
    assert Facility.objects.get(pk=facility.pk).active is True
    assert Vacancy.objects.get(pk=world["vacancy2"].pk).status == "open"
    _unchanged(world, audits_before=before)


def test_withdrawal_allowed_once_the_proposal_is_answered(world, client):
    proposals.proposal_withdraw(actor=world["coordinator"], proposal=world["proposal"], reason="Erreur")
    call = api_for(client, world["m"][Role.LANDLORD])
    response = call("post", f"/vacancies/{world['vacancy'].pk}/withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    # Withdrawn once: the second call says so, never a 500.
    assert call("post", f"/vacancies/{world['vacancy'].pk}/withdraw").status_code == 409


def test_vacancy_without_proposal_still_withdraws_with_its_unit(world, login, client):
    unit = Unit.objects.get(pk=world["vacancy2"].unit_id)
    login(world["landlord"])
    response = client.post(reverse("offers:unit_edit", args=[unit.pk]), _unit_form(unit, active=None))
    assert response.status_code == 302
    assert Vacancy.objects.get(pk=world["vacancy2"].pk).status == "withdrawn"


def test_api_withdrawal_of_a_vacancy_one_may_not_manage_is_404(world, client):
    call = api_for(client, world["m"][Role.FACILITY_MANAGER])
    assert call("post", f"/vacancies/{world['vacancy2'].pk}/withdraw").status_code == 404
    assert Vacancy.objects.get(pk=world["vacancy2"].pk).status == "open"


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_a_proposal_at_the_same_instant_never_both_win():
    """PostgreSQL: the withdrawal and the proposal lock the vacancy row, so one comes first and the
    other is told (409); never a pending proposal on a withdrawn vacancy, never a 500."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are measured on PostgreSQL")
    world = build_world()
    coordinator, landlord = world["m"][Role.SIAO_COORDINATOR], world["m"][Role.LANDLORD]
    unit = Unit.objects.get(pk=world["vacancy"].unit_id)
    for n in range(6):
        vacancy = (
            Vacancy.objects.create(unit=unit, available_from=unit.created_at.date())
            if n
            else world["vacancy"]
        )
        household = make_household(
            organization=world["association"], people=[(f"Prénom{n}", f"Nom{n}", None)]
        )
        request = validated_request(household, world["worker"], world["coordinator"])
        results = race(
            [
                api_post(coordinator, f"/vacancies/{vacancy.pk}/proposals", {"request": request.pk}),
                api_post(landlord, f"/vacancies/{vacancy.pk}/withdraw", {}),
            ]
        )
        assert not [r for r in results if r.startswith("error")], results
        assert sorted(results) in (["201", "409"], ["200", "409"]), results
        vacancy.refresh_from_db()
        in_progress = Proposal.objects.filter(vacancy=vacancy, status__in=["pending", "accepted"]).exists()
        assert in_progress is (vacancy.status == "open")
        if in_progress:
            # Leave the unit free for the next round: the proposal is withdrawn, then the vacancy.
            proposal = Proposal.objects.get(vacancy=vacancy)
            proposals.proposal_withdraw(actor=world["coordinator"], proposal=proposal, reason="Essai")
            offer_services.vacancy_withdraw(actor=world["landlord"], vacancy=vacancy)
