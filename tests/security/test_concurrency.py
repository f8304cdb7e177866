"""Promise: every guard that says "also under concurrency" holds when the requests really arrive at the
same instant (PostgreSQL; each client on its own connection, released together by a barrier, like
tests/emergency/test_emergency_concurrency.py). Exactly one attempt wins; the others get 409 (API) or a
conflict (service), never a 500 and never a second row.

- two proposals for one vacancy, and two proposals for one household;
- the same household twice in one 115 night;
- a support measure of the same kind opened twice;
- a commission decision applied twice."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from parcours.accounts import services as account_services
from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest
from parcours.emergency.nights import current_night
from parcours.offers.models import Unit, Vacancy
from parcours.orientation import commissions, services
from parcours.orientation.models import CommissionLine, Proposal
from parcours.support.models import MeasureKind, SupportMeasure
from tests.concurrency import race
from tests.factories import MembershipFactory, OrganizationFactory, make_household

from .orientation_world import build_world, validated_request

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent unique checks are measured on PostgreSQL")


def api_post(membership, path, body):
    """A callable posting to the API with a token of `membership` (made now, used in the thread)."""
    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")

    def attempt():
        response = Client().post(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )
        if response.status_code not in (200, 201, 409):
            return f"error: {response.status_code} {response.content[:200]!r}"
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "conflict"
        return str(response.status_code)

    return attempt


def assert_one_winner(results, win="201", lose="409"):
    errors = [r for r in results if r.startswith("error")]
    assert not errors, errors[:3]
    assert results.count(win) == 1, results
    assert results.count(lose) == len(results) - 1, results


def test_many_households_proposed_for_one_vacancy_at_once():
    world = build_world()
    coordinator = world["m"][Role.SIAO_COORDINATOR]
    requests = [world["request"]]
    for n in range(CLIENTS - 1):
        other = make_household(organization=world["association"], people=[(f"Prénom{n}", f"Nom{n}", None)])
        requests.append(validated_request(other, world["worker"], world["coordinator"]))
    vacancy = world["vacancy"]
    path = f"/vacancies/{vacancy.pk}/proposals"
    results = race([api_post(coordinator, path, {"request": r.pk}) for r in requests])
    assert_one_winner(results)
    assert Proposal.objects.filter(vacancy=vacancy).count() == 1
    proposed = [r for r in requests if type(r).objects.get(pk=r.pk).status == "proposed"]
    assert len(proposed) == 1


def test_one_household_proposed_for_many_vacancies_at_once():
    world = build_world()
    coordinator = world["m"][Role.SIAO_COORDINATOR]
    facility = world["vacancy"].unit.facility
    vacancies = [world["vacancy"], world["vacancy2"]]
    for n in range(CLIENTS - 2):
        unit = Unit.objects.create(facility=facility, label=f"Bât. C {n}", capacity=3, typology="T2")
        vacancies.append(Vacancy.objects.create(unit=unit, available_from=timezone.localdate()))
    request_id = world["request"].pk
    results = race(
        [api_post(coordinator, f"/vacancies/{v.pk}/proposals", {"request": request_id}) for v in vacancies]
    )
    assert_one_winner(results)
    assert Proposal.objects.filter(request__household=world["household"]).count() == 1


def test_validate_and_propose_at_once_leave_one_proposal_in_progress():
    """The bypass of finding 10 raced: the request is validated again while it is being proposed."""
    world = build_world()
    coordinator = world["m"][Role.SIAO_COORDINATOR]
    request_id = world["request"].pk
    attempts = [api_post(coordinator, f"/vacancies/{world['vacancy'].pk}/proposals", {"request": request_id})]
    attempts += [
        api_post(coordinator, f"/insertion-requests/{request_id}/validate", {}) for _ in range(CLIENTS // 2)
    ]
    attempts += [
        api_post(coordinator, f"/vacancies/{world['vacancy2'].pk}/proposals", {"request": request_id})
        for _ in range(CLIENTS // 2)
    ]
    results = race(attempts)
    errors = [r for r in results if r.startswith("error")]
    assert not errors, errors[:3]
    assert results.count("201") == 1 and results.count("409") == len(results) - 1, results
    assert Proposal.objects.filter(request__household=world["household"]).count() == 1
    world["request"].refresh_from_db()
    assert world["request"].status == "proposed"


def test_the_same_household_twice_in_one_115_night():
    siao = OrganizationFactory(name="SIAO 115", siao=True)
    handlers = [MembershipFactory(role=Role.CALL_HANDLER, organization=siao) for _ in range(CLIENTS)]
    household = make_household(organization=siao, people=[("Nour", "Haddad", None)])
    night = current_night()
    body = {"household": household.pk, "night": str(night), "persons": 1}
    results = race([api_post(h, "/emergency/requests", body) for h in handlers])
    assert_one_winner(results)
    assert EmergencyRequest.objects.filter(household=household, night=night).count() == 1
    # The next night is another night.
    body["night"] = str(night + timedelta(days=1))
    assert api_post(handlers[0], "/emergency/requests", body)() == "201"


def test_a_measure_of_the_same_kind_opened_twice():
    association = OrganizationFactory(name="Les Amarres")
    workers = [MembershipFactory(role=Role.SOCIAL_WORKER, organization=association) for _ in range(CLIENTS)]
    household = make_household(organization=association)
    kind, _created = MeasureKind.objects.get_or_create(code="asll", defaults={"label": "ASLL"})
    body = {"household": household.pk, "kind": kind.code, "consent": "accepted"}
    results = race([api_post(w, "/support/measures", body) for w in workers])
    assert_one_winner(results)
    assert SupportMeasure.objects.filter(household=household, kind=kind, status="open").count() == 1


def test_a_commission_decision_applied_twice():
    """Two coordinators decide the same vacancy line at once, each for another household."""
    world = build_world()
    coordinator = world["coordinator"]
    requests = [world["request"]]
    for n in range(CLIENTS - 1):
        other = make_household(organization=world["association"], people=[(f"Prénom{n}", f"Nom{n}", None)])
        requests.append(validated_request(other, world["worker"], coordinator))
    commission = commissions.commission_create(
        actor=coordinator, territory=world["household"].territory, held_on=timezone.localdate()
    )
    line = commissions.line_add(actor=coordinator, commission=commission, vacancy=world["vacancy"])

    def decide(insertion_request):
        def attempt():
            try:
                commissions.line_decide(
                    actor=coordinator,
                    line=CommissionLine.objects.get(pk=line.pk),
                    decision="propose",
                    request_for_vacancy=insertion_request,
                )
            except (commissions.CommissionConflict, services.TransitionConflict):
                return "conflict"
            return "ok"

        return attempt

    results = race([decide(r) for r in requests])
    assert_one_winner(results, win="ok", lose="conflict")
    line.refresh_from_db()
    assert line.decision == "propose"
    assert Proposal.objects.filter(vacancy=world["vacancy"]).count() == 1
    assert Proposal.objects.get(vacancy=world["vacancy"]).commission_line_id == line.pk


def test_a_partner_link_and_the_api_answering_one_proposal_at_once():
    """The landlord answers through the API while the partner answers through the signed link: one
    answer is recorded, the other is refused (409, or the link is spent), never both."""
    from django.urls import reverse

    from parcours.households import services as household_services
    from parcours.orientation import proposals
    from parcours.orientation.models import ProposalEvent

    world = build_world()
    rounds = (
        ("vacancy", Role.LANDLORD, world["landlord_org"]),
        ("room_vacancy", Role.FACILITY_MANAGER, world["chrs_org"]),
    )
    for round_no, (vacancy, role, organization) in enumerate(rounds):
        household_services.consent_record(
            actor=world["worker"],
            household=world["household"],
            organization=organization,
            purpose="orientation",
            ends_on=timezone.localdate() + timedelta(days=90),
        )
        proposal = proposals.proposal_create(
            actor=world["coordinator"], insertion_request=world["request"], vacancy=world[vacancy]
        )
        _link, token = proposals.partner_link_create(
            actor=world["coordinator"], proposal=proposal, recipient="accueil@plaine.example"
        )
        url = reverse("orientation:partner", args=[token])
        api_accept = api_post(
            world["m"][role], f"/proposals/{proposal.pk}/decision", {"decision": "accepted"}
        )

        def link_refuse(url=url):
            response = Client().post(url, {"decision": "refused", "side": "facility", "reason": "fac_needs"})
            if response.status_code in (200, 302):  # the confirmation (a redirect before issue 13)
                return "link answered"
            if response.status_code in (400, 404):
                return "link refused"
            return f"error: {response.status_code}"

        def api_attempt(call=api_accept):
            outcome = call()
            return {"200": "api answered", "409": "api refused"}.get(outcome, outcome)

        results = race([link_refuse, api_attempt])
        errors = [r for r in results if r.startswith("error")]
        assert not errors, errors
        answers = ProposalEvent.objects.filter(proposal=proposal, to_status__in=["accepted", "refused"])
        assert answers.count() == 1, (round_no, results)
        proposal.refresh_from_db()
        if "link answered" in results:
            assert results.count("api refused") == 1 and proposal.status == "refused"
        else:
            assert "link refused" in results and proposal.status == "accepted"
            proposals.proposal_withdraw(actor=world["coordinator"], proposal=proposal, reason="Essai suivant")
