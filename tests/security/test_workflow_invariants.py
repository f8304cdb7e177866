"""Promise: no sequence of allowed moves breaks the workflow's invariants (issue 13, finding 10).

Orientation: a household holds at most one proposal in progress; a vacancy at most one live proposal;
a request is "proposed" exactly while one of its proposals is open, "admitted" only once one is; a
household has at most one live request. Validating (or cancelling) a request that is already proposed
used to send it back to the pool with its proposal still pending, so the household could be proposed
a second time.

Each test below reaches a state through the real services, tries one move through the API (a page
for some), and checks: the move succeeds exactly when the table below says so, the invariants hold
afterwards, a refused move answers 409/400 and changes nothing, never a 500. The expectations are
written here, not read from the code's tables."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.emergency import services as emergency_services
from parcours.emergency.models import EmergencyRequest, NightAllocation
from parcours.emergency.nights import current_night
from parcours.offers.models import Vacancy
from parcours.orientation import perms, proposals, services
from parcours.orientation.choices import ProposalStatus, RequestStatus
from parcours.orientation.models import InsertionRequest, Parking, Proposal, ProposalEvent, RequestTransition
from parcours.support import services as support_services
from parcours.support.models import MeasureKind, SupportMeasure
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    api_for,
    make_emergency_facility,
    make_household,
)

from .orientation_world import as_member, build_world, propose

pytestmark = pytest.mark.django_db
S, P = RequestStatus, ProposalStatus
TODAY = timezone.localdate


@pytest.fixture
def world():
    return build_world()


# The invariants, over the whole database ---------------------------------------------------------


def assert_orientation_invariants():
    open_ = Proposal.objects.filter(status__in=[P.PENDING, P.ACCEPTED])
    live = Proposal.objects.filter(status__in=[P.PENDING, P.ACCEPTED, P.ADMITTED])
    households = list(open_.values_list("request__household_id", flat=True))
    assert len(households) == len(set(households)), "a household holds two proposals in progress"
    vacancies = list(live.values_list("vacancy_id", flat=True))
    assert len(vacancies) == len(set(vacancies)), "a vacancy is held by two proposals"
    for req in InsertionRequest.objects.all():
        holds = open_.filter(request=req).count()
        assert (req.status == S.PROPOSED) == (holds == 1), (req.status, holds)
        admitted = req.proposals.filter(status__in=[P.ADMITTED, P.EXITED]).exists()
        assert (req.status == S.ADMITTED) == admitted, (req.status, admitted)
    live_requests = list(
        InsertionRequest.objects.exclude(status__in=[S.CANCELLED, S.EXPIRED, S.ADMITTED]).values_list(
            "household_id", flat=True
        )
    )
    assert len(live_requests) == len(set(live_requests)), "a household holds two live requests"
    for vacancy in Vacancy.objects.all():
        filled = vacancy.proposals.filter(status__in=[P.ADMITTED, P.EXITED]).exists()
        assert (vacancy.status == "filled") == filled, (vacancy.status, filled)


def orientation_snapshot():
    return (
        list(
            InsertionRequest.objects.order_by("pk").values_list("pk", "status", "version", "seniority_date")
        ),
        list(Proposal.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Vacancy.objects.order_by("pk").values_list("pk", "status")),
        RequestTransition.objects.count(),
        ProposalEvent.objects.count(),
        Parking.objects.count(),
        AuditEvent.objects.filter(kind="write").count(),
    )


def assert_refused_cleanly(response, before):
    """A refusal under /api/ is the JSON error format with a message, and nothing changed."""
    assert response.status_code in (400, 409), (response.status_code, response.content[:300])
    assert response.json()["error"]["message"]
    assert orientation_snapshot() == before


# Reaching each state through the services ---------------------------------------------------------


def request_in(world, state) -> InsertionRequest:
    req, worker, coordinator = world["request"], world["worker"], world["coordinator"]
    if state == S.VALIDATED:
        return req
    if state == S.PROPOSED:
        propose(world)
    elif state == S.ADMITTED:
        proposal = propose(world)
        proposal = proposals.proposal_decide(actor=world["landlord"], proposal=proposal, decision="accepted")
        proposals.proposal_admit(actor=world["landlord"], proposal=proposal, entered_on=TODAY())
    elif state == S.CANCELLED:
        services.request_cancel(actor=coordinator, insertion_request=req, reason="Hébergé ailleurs")
    elif state == S.EXPIRED:
        services.request_expire(actor=None, insertion_request=req)
    else:
        services.request_cancel(actor=coordinator, insertion_request=req, reason="Nouvelle demande")
        req = services.request_create(
            actor=worker, household=world["household"], wished_kinds=["chrs"], wished_territories=["93"]
        )
        if state in (S.SUBMITTED, S.TO_COMPLETE):
            services.request_submit(actor=worker, insertion_request=req)
        if state == S.TO_COMPLETE:
            services.request_ask_completion(actor=coordinator, insertion_request=req, reason="Pièces")
    req.refresh_from_db()
    assert req.status == state
    return req


# action → (API call, the statuses from which it succeeds — stated here, from the specification)
REQUEST_ACTIONS = {
    "submit": ({S.DRAFT, S.TO_COMPLETE}, lambda r, v: (f"/insertion-requests/{r.pk}/submit", None)),
    "validate": ({S.SUBMITTED}, lambda r, v: (f"/insertion-requests/{r.pk}/validate", {})),
    "ask-completion": (
        {S.SUBMITTED},
        lambda r, v: (f"/insertion-requests/{r.pk}/ask-completion", {"reason": "Pièces"}),
    ),
    "cancel": (
        {S.DRAFT, S.SUBMITTED, S.TO_COMPLETE, S.VALIDATED},
        lambda r, v: (f"/insertion-requests/{r.pk}/cancel", {"reason": "Hébergé ailleurs"}),
    ),
    "reactivate": ({S.CANCELLED, S.EXPIRED}, lambda r, v: (f"/insertion-requests/{r.pk}/reactivate", {})),
    "renew": ({S.VALIDATED}, lambda r, v: (f"/insertion-requests/{r.pk}/renew", None)),
    "propose": ({S.VALIDATED}, lambda r, v: (f"/vacancies/{v.pk}/proposals", {"request": r.pk})),
}


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", REQUEST_ACTIONS)
def test_every_request_move_from_every_state_keeps_the_invariants(world, client, state, action):
    req = request_in(world, state)
    call = api_for(client, world["m"][Role.SIAO_COORDINATOR])
    allowed_from, build = REQUEST_ACTIONS[action]
    path, body = build(req, world["vacancy2"])
    before = orientation_snapshot()
    response = call("post", path, body)
    if state in allowed_from:
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    else:
        assert_refused_cleanly(response, before)
    assert_orientation_invariants()


@pytest.mark.parametrize("state", S.values)
def test_the_daily_expiry_from_every_state_keeps_the_invariants(world, state):
    """The daily round's move (no API): only a validated request expires; a proposed one does not,
    or its household would keep a proposal on an expired request."""
    req = request_in(world, state)
    before = orientation_snapshot()
    if state == S.VALIDATED:
        services.request_expire(actor=None, insertion_request=req)
        assert req.status == S.EXPIRED
    else:
        with pytest.raises(services.TransitionConflict):
            services.request_expire(actor=None, insertion_request=req)
        assert orientation_snapshot() == before
    assert_orientation_invariants()


def proposal_in(world, state) -> Proposal:
    landlord, coordinator = world["landlord"], world["coordinator"]
    proposal = propose(world)
    if state in (P.ACCEPTED, P.ADMITTED, P.EXITED):
        proposal = proposals.proposal_decide(actor=landlord, proposal=proposal, decision="accepted")
    if state in (P.ADMITTED, P.EXITED):
        proposal = proposals.proposal_admit(actor=landlord, proposal=proposal, entered_on=TODAY())
    if state == P.EXITED:
        proposals.proposal_exit(actor=landlord, proposal=proposal, exited_on=TODAY(), destination="street")
    if state == P.REFUSED:
        proposals.proposal_decide(
            actor=landlord, proposal=proposal, decision="refused", side="facility", reason="fac_other"
        )
    if state == P.WITHDRAWN:
        proposals.proposal_withdraw(actor=coordinator, proposal=proposal, reason="Logement retiré")
    proposal.refresh_from_db()
    assert proposal.status == state
    return proposal


PROPOSAL_ACTIONS = {
    "accept": ({P.PENDING}, lambda p: (f"/proposals/{p.pk}/decision", {"decision": "accepted"})),
    "refuse_facility": (
        {P.PENDING, P.ACCEPTED},
        lambda p: (
            f"/proposals/{p.pk}/decision",
            {"decision": "refused", "side": "facility", "reason": "fac_other"},
        ),
    ),
    "withdraw": ({P.PENDING, P.ACCEPTED}, lambda p: (f"/proposals/{p.pk}/withdraw", {"reason": "Retrait"})),
    "admit": ({P.ACCEPTED}, lambda p: (f"/proposals/{p.pk}/admission", {"entered_on": str(TODAY())})),
    "exit": (
        {P.ADMITTED},
        lambda p: (f"/proposals/{p.pk}/exit", {"exited_on": str(TODAY()), "destination": "street"}),
    ),
}


@pytest.mark.parametrize("state", P.values)
@pytest.mark.parametrize("action", PROPOSAL_ACTIONS)
def test_every_proposal_move_from_every_state_keeps_the_invariants(world, client, state, action):
    proposal = proposal_in(world, state)
    call = api_for(client, world["m"][Role.SIAO_COORDINATOR])
    allowed_from, build = PROPOSAL_ACTIONS[action]
    path, body = build(proposal)
    before = orientation_snapshot()
    response = call("post", path, body)
    if state in allowed_from:
        assert response.status_code == 200, (response.status_code, response.content[:300])
    else:
        assert_refused_cleanly(response, before)
    assert_orientation_invariants()


# Finding 10 itself, through every door -----------------------------------------------------------


def test_validating_a_proposed_request_is_refused_and_the_household_is_not_proposed_twice(world, client):
    first = propose(world)
    req = world["request"]
    req.refresh_from_db()
    call = api_for(client, world["m"][Role.SIAO_COORDINATOR])
    before = orientation_snapshot()
    with pytest.raises(services.TransitionConflict, match="proposition en cours"):
        services.request_validate(actor=world["coordinator"], insertion_request=req)
    with pytest.raises(services.TransitionConflict):
        services.request_cancel(actor=world["coordinator"], insertion_request=req, reason="x")
    with pytest.raises(services.TransitionConflict):
        propose(world, vacancy="vacancy2")
    assert orientation_snapshot() == before
    assert_refused_cleanly(call("post", f"/insertion-requests/{req.pk}/validate", {}), before)
    assert_refused_cleanly(
        call("post", f"/vacancies/{world['vacancy2'].pk}/proposals", {"request": req.pk}), before
    )
    assert Proposal.objects.filter(request__household=world["household"]).get() == first
    assert_orientation_invariants()


@pytest.mark.parametrize("action", ["validate", "cancel"])
def test_the_page_refuses_to_move_a_proposed_request_with_a_french_message(world, client, login, action):
    propose(world)
    login(world["m"][Role.SIAO_COORDINATOR].user)
    before = orientation_snapshot()
    response = client.post(
        reverse("orientation:transition", args=[world["request"].pk, action]),
        {f"{action}-reason": "Motif"},
        follow=True,
    )
    assert response.status_code == 200
    assert "proposition en cours" in response.content.decode()
    assert orientation_snapshot() == before
    assert_orientation_invariants()


def test_no_role_is_offered_to_validate_or_cancel_a_proposed_request(world):
    """Each of the seven roles: the page offers no move of a request held by its proposal."""
    propose(world)
    req = world["request"]
    req.refresh_from_db()
    for role in Role.values:
        assert perms.available_actions(as_member(world["m"][role]), req) == [], role


def test_the_database_refuses_a_second_open_proposal_for_one_request(world):
    first = propose(world)
    for status in (P.PENDING, P.ACCEPTED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Proposal.objects.create(request=first.request, vacancy=world["vacancy2"], status=status)
    # A closed proposal does not count.
    Proposal.objects.create(request=first.request, vacancy=world["vacancy2"], status=P.WITHDRAWN)


def test_the_commission_cannot_propose_a_household_that_holds_a_proposal(world):
    from parcours.orientation import commissions

    propose(world)
    commission = commissions.commission_create(
        actor=world["coordinator"], territory=world["household"].territory, held_on=TODAY()
    )
    line = commissions.line_add(actor=world["coordinator"], commission=commission, vacancy=world["vacancy2"])
    before = orientation_snapshot()
    with pytest.raises(services.TransitionConflict):
        commissions.line_decide(
            actor=world["coordinator"],
            line=line,
            decision="propose",
            request_for_vacancy=world["request"],
        )
    assert orientation_snapshot() == before
    assert_orientation_invariants()


# Support: the measure's table (open ⇄ closed, refused final) -------------------------------------


@pytest.fixture
def support(world):
    kind = MeasureKind.objects.filter(active=True).first() or MeasureKind.objects.create(
        code="asll", label="ASLL"
    )
    worker = world["worker"]
    return {
        "kind": kind,
        "worker": worker,
        "m": world["m"][Role.SOCIAL_WORKER],
        "household": world["household"],
    }


def measure_in(support, state):
    consent_given = state != "refused"
    measure = support_services.measure_create(
        actor=support["worker"],
        household=support["household"],
        kind=support["kind"],
        consent_given=consent_given,
    )
    if state == "closed":
        measure = support_services.measure_close(
            actor=support["worker"],
            measure=measure,
            version=measure.version,
            reason="goals_reached",
            evaluations={"worker": ("reached", ""), "person": ("reached", "")},
        )
    measure.refresh_from_db()
    assert measure.status == state
    return measure


def assert_support_invariants():
    running = list(
        SupportMeasure.objects.filter(status="open").values_list("household", "kind", "organization")
    )
    assert len(running) == len(set(running)), "two running measures of one kind"
    assert not SupportMeasure.objects.filter(status="refused", consent_given=True).exists()


def support_snapshot():
    return list(SupportMeasure.objects.order_by("pk").values_list("pk", "status", "version"))


@pytest.mark.parametrize("state", ["open", "closed", "refused"])
@pytest.mark.parametrize("action", ["close", "reopen", "open_again"])
def test_every_measure_move_keeps_one_running_measure_per_kind(world, support, client, state, action):
    from parcours.support.choices import CloseReason, EvaluationOutcome

    measure = measure_in(support, state)
    if state == "closed" and action == "reopen":
        # a second measure of the same kind runs meanwhile: reopening the first must be refused
        support_services.measure_create(
            actor=support["worker"], household=support["household"], kind=support["kind"], consent_given=True
        )
    call = api_for(client, support["m"])
    before = support_snapshot()
    outcome = EvaluationOutcome.REACHED
    if action == "close":
        response = call(
            "post",
            f"/support/measures/{measure.pk}/close",
            {
                "version": measure.version,
                "reason": CloseReason.GOALS_REACHED,
                "evaluations": [
                    {"perspective": "worker", "outcome": outcome},
                    {"perspective": "person", "outcome": outcome},
                ],
            },
        )
        allowed = state == "open"
    elif action == "reopen":
        response = call("post", f"/support/measures/{measure.pk}/reopen", {"version": measure.version})
        allowed = False  # from open or refused the table refuses; from closed a same-kind measure runs
    else:
        response = call(
            "post",
            "/support/measures",
            {"household": support["household"].pk, "kind": support["kind"].code, "consent": "accepted"},
        )
        allowed = state != "open"
    assert response.status_code != 500
    if allowed:
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    else:
        assert response.status_code in (400, 409), (response.status_code, response.content[:300])
        assert support_snapshot() == before
    assert_support_invariants()


# Emergency: a 115 request's implicit table ---------------------------------------------------------


EMERGENCY_MOVES = ["allocate", "allocate_other", "unmet", "cancel", "allocation_cancel", "no_show", "twice"]
# move → the states of the 115 request from which it succeeds (stated from the specification)
EMERGENCY_ALLOWED = {
    "allocate": {"open"},
    "allocate_other": {"open"},
    "unmet": {"open"},
    "cancel": {"open"},
    "allocation_cancel": {"allocate"},
    "no_show": {"allocate"},
    "twice": {"cancel"},  # the same household twice in one night only once the first is cancelled
}


@pytest.mark.parametrize("first", ["open", "allocate", "unmet", "cancel"])
@pytest.mark.parametrize("name", EMERGENCY_MOVES)
def test_every_emergency_move_keeps_one_booking_per_unit_and_request(first, name):
    siao = OrganizationFactory(name="SIAO 115", siao=True)
    handler = as_member(MembershipFactory(role=Role.CALL_HANDLER, organization=siao))
    _facility, units = make_emergency_facility(organization=OrganizationFactory(), units=2)
    night = current_night()
    household = make_household(organization=siao, people=[("Nour", "Haddad", None)])
    moves = {
        "allocate": lambda r, a: emergency_services.allocate(actor=handler, request=r, unit=units[0]),
        "allocate_other": lambda r, a: emergency_services.allocate(actor=handler, request=r, unit=units[1]),
        "unmet": lambda r, a: emergency_services.unmet_record(actor=handler, request=r, reason="no_place"),
        "cancel": lambda r, a: emergency_services.request_cancel(actor=handler, request=r),
        "allocation_cancel": lambda r, a: emergency_services.allocation_cancel(actor=handler, allocation=a),
        "no_show": lambda r, a: emergency_services.allocation_no_show(actor=handler, allocation=a),
        "twice": lambda r, a: emergency_services.request_create(
            actor=handler, night=night, household=household, persons=1
        ),
    }
    req = emergency_services.request_create(actor=handler, night=night, household=household, persons=1)
    if first != "open":
        moves[first](req, None)
        req.refresh_from_db()
    allocation = NightAllocation.objects.filter(request=req).first()
    if name in ("allocation_cancel", "no_show") and allocation is None:
        pytest.skip("no allocation to act on from this state")

    def snapshot():
        return (
            list(EmergencyRequest.objects.order_by("pk").values_list("pk", "status")),
            list(NightAllocation.objects.order_by("pk").values_list("pk", "status")),
        )

    before = snapshot()
    if first in EMERGENCY_ALLOWED[name]:
        moves[name](req, allocation)
    else:
        with pytest.raises(emergency_services.Conflict):
            moves[name](req, allocation)
        assert snapshot() == before
    booked = NightAllocation.objects.filter(status="booked")
    pairs = list(booked.values_list("unit", "night"))
    assert len(pairs) == len(set(pairs)), "a unit booked twice in one night"
    for each in EmergencyRequest.objects.all():
        # allocated ⇔ one place given that night (still booked, or marked as a no-show)
        holds = NightAllocation.objects.filter(request=each).exclude(status="cancelled").count()
        assert holds <= 1 and (each.status == "allocated") == (holds == 1), (each.status, holds)
    live = list(
        EmergencyRequest.objects.exclude(status="cancelled")
        .filter(household__isnull=False)
        .values_list("household", "night")
    )
    assert len(live) == len(set(live)), "the same household twice in one night"


def test_an_entry_on_a_vacancy_withdrawn_meanwhile_is_refused(world, client):
    """A vacancy withdrawn while its proposal was accepted is not revived as 'filled' by the entry.
    The withdrawal itself is now refused under a proposal in progress (test_vacancy_proposal); the
    state is still reachable from rows withdrawn before that rule, so the entry keeps its guard."""
    from parcours.offers import services as offer_services

    proposal = proposal_in(world, P.ACCEPTED)
    with pytest.raises(offer_services.VacancyConflict):
        offer_services.vacancy_withdraw(actor=world["landlord"], vacancy=world["vacancy"])
    Vacancy.objects.filter(pk=world["vacancy"].pk).update(status="withdrawn", withdrawn_at=timezone.now())
    call = api_for(client, world["m"][Role.SIAO_COORDINATOR])
    before = orientation_snapshot()
    response = call("post", f"/proposals/{proposal.pk}/admission", {"entered_on": str(TODAY())})
    assert_refused_cleanly(response, before)
    assert "retirée" in response.json()["error"]["message"]
    world["vacancy"].refresh_from_db()
    assert world["vacancy"].status == "withdrawn"
