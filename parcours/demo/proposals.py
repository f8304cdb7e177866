"""The demo's orientation history: a proposal for every demo request that reached "proposed" or
"admitted" (some admissions already ended with an exit), past refusals with coded reasons on both
sides (with the parking and the seniority resets they caused), six closed commissions with their
minutes, and the next session, planned, for the coordinator to prepare. Created once."""

import datetime as dt
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.offers.choices import VacancyStatus
from parcours.offers.models import Unit, Vacancy
from parcours.orientation.choices import (
    CommissionStatus,
    ExitDestination,
    LineDecision,
    LineKind,
    ProposalStatus,
    RequestStatus,
    TransitionKind,
)
from parcours.orientation.commissions import minutes_text
from parcours.orientation.models import (
    Commission,
    CommissionLine,
    Parking,
    Proposal,
    ProposalEvent,
    RefusalReason,
    RequestTransition,
)
from parcours.territories.models import Territory

from .audit_actions import DemoAction
from .network import SIAO, TERRITORY
from .offers import demo_facilities
from .orientation import demo_requests

P = ProposalStatus
S = RequestStatus
PAST_REFUSALS = 45
PAST_COMMISSIONS = 6


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _units_by_kind():
    units = {}
    for unit in Unit.objects.filter(facility__in=demo_facilities(), active=True).select_related("facility"):
        units.setdefault(unit.facility.kind, []).append(unit)
    return units


def _pick_unit(units_by_kind, kinds, rng, used):
    for kind in rng.sample(kinds, len(kinds)):
        free = [u for u in units_by_kind.get(kind, []) if u.pk not in used]
        if free:
            unit = rng.choice(free)
            used.add(unit.pk)
            return unit
    return None


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the demo proposals and commissions once; return how many proposals were created."""
    requests = list(demo_requests().select_related("household").order_by("pk"))
    if not requests or Proposal.objects.filter(request__in=requests).exists():
        return 0
    coordinator = (
        Membership.objects.filter(role=Role.SIAO_COORDINATOR, organization__name=SIAO, active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    coordinator = coordinator.user if coordinator else None
    units_by_kind = _units_by_kind()
    busy = set(Vacancy.objects.open().values_list("unit_id", flat=True))
    used = set(busy)
    reasons = {side: list(RefusalReason.objects.filter(side=side)) for side in ("household", "facility")}
    reached = {
        (t.request_id, t.to_status): t.at
        for t in RequestTransition.objects.filter(
            request__in=requests, to_status__in=[S.PROPOSED, S.ADMITTED]
        )
    }
    now, today = timezone.now(), timezone.localdate()
    vacancies, plans = [], []

    def plan(request, status, proposed_at, **fields):
        unit = _pick_unit(units_by_kind, request.wished_kinds, rng, used)
        if unit is None:
            return
        vacancy_status = {
            P.PENDING: VacancyStatus.OPEN,
            P.ADMITTED: VacancyStatus.FILLED,
            P.EXITED: VacancyStatus.FILLED,
        }
        vacancy = Vacancy(
            unit=unit,
            available_from=timezone.localdate(proposed_at) - timedelta(days=rng.randint(3, 20)),
            declared_at=proposed_at - timedelta(days=rng.randint(5, 25)),
            status=vacancy_status.get(status, VacancyStatus.WITHDRAWN),
            filled_at=proposed_at + timedelta(days=12) if status in (P.ADMITTED, P.EXITED) else None,
            withdrawn_at=proposed_at + timedelta(days=20) if status == P.REFUSED else None,
        )
        vacancies.append(vacancy)
        plans.append((request, vacancy, status, proposed_at, fields))

    validated = [r for r in requests if r.status == S.VALIDATED]
    for request in requests:
        if request.status == S.PROPOSED:
            # Proposals waiting now are recent: a few already wait longer than the reminder delay.
            plan(request, P.PENDING, now - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8)))
        elif request.status == S.ADMITTED:
            admitted_at = reached.get((request.pk, S.ADMITTED), now - timedelta(days=30))
            proposed_at = admitted_at - timedelta(days=rng.randint(8, 20))
            exited = rng.random() < 0.25 and (today - timezone.localdate(admitted_at)).days > 40
            plan(
                request,
                P.EXITED if exited else P.ADMITTED,
                proposed_at,
                admitted_on=timezone.localdate(admitted_at),
                exited_on=timezone.localdate(admitted_at) + timedelta(days=rng.randint(20, 35))
                if exited
                else None,
                exit_destination=rng.choice(
                    [
                        ExitDestination.OWN_HOUSING,
                        ExitDestination.SOCIAL_HOUSING,
                        ExitDestination.OTHER_FACILITY,
                    ]
                )
                if exited
                else "",
            )
    for request in rng.sample(validated, min(PAST_REFUSALS, len(validated))):
        side = "household" if rng.random() < 0.55 else "facility"
        reason = rng.choice(reasons[side])
        plan(request, P.REFUSED, now - timedelta(days=rng.randint(10, 80)), side=side, reason=reason)
    Vacancy.objects.bulk_create(vacancies)

    proposals, events, parkings, transitions, resets = [], [], [], [], []
    for request, vacancy, status, proposed_at, fields in plans:
        answered = proposed_at + timedelta(days=rng.randint(2, 9))
        proposal = Proposal(
            request=request,
            vacancy=vacancy,
            status=status,
            proposed_by=coordinator,
            answered_at=answered if status != P.PENDING else None,
            refusal_side=fields.get("side", ""),
            refusal_reason=fields.get("reason"),
            admitted_on=fields.get("admitted_on"),
            exited_on=fields.get("exited_on"),
            exit_destination=fields.get("exit_destination", ""),
            created_at=proposed_at,
        )
        proposals.append(proposal)
    Proposal.objects.bulk_create(proposals)
    for proposal in proposals:
        steps = [("", P.PENDING, proposal.created_at, "")]
        if proposal.status == P.REFUSED:
            steps.append((P.PENDING, P.REFUSED, proposal.answered_at, proposal.refusal_reason.label))
            if (today - timezone.localdate(proposal.answered_at)).days < 90:
                parkings.append(
                    Parking(
                        household_id=proposal.request.household_id,
                        facility_id=proposal.vacancy.unit.facility_id,
                        until=timezone.localdate(proposal.answered_at) + timedelta(days=90),
                        proposal=proposal,
                    )
                )
            transitions.append(
                RequestTransition(
                    request=proposal.request,
                    from_status=S.VALIDATED,
                    to_status=S.PROPOSED,
                    actor=coordinator,
                    at=proposal.created_at,
                )
            )
            transitions.append(
                RequestTransition(
                    request=proposal.request,
                    from_status=S.PROPOSED,
                    to_status=S.VALIDATED,
                    actor=coordinator,
                    at=proposal.answered_at,
                    reason=f"Proposition refusée : {proposal.refusal_reason.label}",
                )
            )
            if proposal.refusal_side == "household" and not proposal.refusal_reason.justified:
                day = timezone.localdate(proposal.answered_at)
                resets.append((proposal.request_id, day))
                transitions.append(
                    RequestTransition(
                        request=proposal.request,
                        kind=TransitionKind.SENIORITY_RESET,
                        from_status=S.VALIDATED,
                        to_status=S.VALIDATED,
                        actor=coordinator,
                        at=proposal.answered_at,
                        reason=f"Refus non motivé par le ménage : l'ancienneté repart du {day:%d/%m/%Y}.",
                    )
                )
        elif proposal.status in (P.ADMITTED, P.EXITED):
            steps.append((P.PENDING, P.ACCEPTED, proposal.answered_at, ""))
            entered = _start_of(proposal.admitted_on)
            steps.append((P.ACCEPTED, P.ADMITTED, entered + timedelta(hours=10), ""))
            if proposal.status == P.EXITED:
                exit_at = _start_of(proposal.exited_on)
                steps.append(
                    (
                        P.ADMITTED,
                        P.EXITED,
                        exit_at + timedelta(hours=11),
                        proposal.get_exit_destination_display(),
                    )
                )
        for from_status, to_status, at, note in steps:
            events.append(
                ProposalEvent(
                    proposal=proposal,
                    from_status=from_status,
                    to_status=to_status,
                    actor=coordinator,
                    at=at,
                    note=note,
                )
            )
    ProposalEvent.objects.bulk_create(events)
    Parking.objects.bulk_create(parkings)
    RequestTransition.objects.bulk_create(transitions)
    model = type(requests[0])
    for request_id, day in resets:
        model.objects.filter(pk=request_id).update(seniority_date=day)
    # Referents renew their validated requests: a few are close to the three-month limit.
    for request in validated:
        renewed = max(request.validated_at, now - timedelta(days=rng.randint(3, 95)))
        model.objects.filter(pk=request.pk).update(renewed_at=renewed)

    _commissions(proposals, requests, coordinator, rng)
    audit.record_write(
        actor=None, action=DemoAction.ORIENTATION_PROPOSALS, fields=["proposals", "commissions"]
    )
    return len(proposals)


def _commissions(proposals, requests, coordinator, rng):
    """Six fortnightly past sessions holding the past proposals and validations, and the next one."""
    territory = Territory.objects.get(code=TERRITORY)
    today = timezone.localdate()
    validated = [r for r in requests if r.validated_at is not None]
    sessions = []
    for n in range(PAST_COMMISSIONS, 0, -1):
        held_on = today - timedelta(days=14 * n)
        sessions.append(
            Commission(
                territory=territory,
                held_on=held_on,
                status=CommissionStatus.CLOSED,
                created_by=coordinator,
                closed_by=coordinator,
                closed_at=_start_of(held_on) + timedelta(hours=17),
            )
        )
    upcoming = Commission(territory=territory, held_on=today + timedelta(days=7), created_by=coordinator)
    Commission.objects.bulk_create([*sessions, upcoming])

    def session_for(moment):
        day = timezone.localdate(moment)
        past = [c for c in sessions if c.held_on <= day]
        return past[-1] if past else None

    lines, links = [], []
    for request in validated:
        session = session_for(request.validated_at)
        if session is not None:
            lines.append(
                CommissionLine(
                    commission=session,
                    kind=LineKind.REQUEST,
                    request=request,
                    decision=LineDecision.VALIDATE,
                    decided_by=coordinator,
                    decided_at=request.validated_at,
                )
            )
    for proposal in proposals:
        session = session_for(proposal.created_at)
        if session is not None:
            line = CommissionLine(
                commission=session,
                kind=LineKind.VACANCY,
                vacancy=proposal.vacancy,
                decision=LineDecision.PROPOSE,
                decided_by=coordinator,
                decided_at=proposal.created_at,
            )
            lines.append(line)
            links.append((proposal, line))
    for session in sessions:
        for _n in range(rng.randint(0, 2)):
            lines.append(
                CommissionLine(
                    commission=session,
                    kind=LineKind.REQUEST,
                    request=rng.choice(validated),
                    decision=LineDecision.POSTPONE,
                    reason="Évaluation sociale à actualiser avant de statuer.",
                    decided_by=coordinator,
                )
            )
    unique = {}
    for line in lines:
        unique.setdefault((line.commission.held_on, line.request_id, line.vacancy_id), line)
    CommissionLine.objects.bulk_create(list(unique.values()))
    for proposal, line in links:
        if line.pk:
            Proposal.objects.filter(pk=proposal.pk).update(commission_line=line)
    for session in sessions:
        Commission.objects.filter(pk=session.pk).update(minutes=minutes_text(session))
