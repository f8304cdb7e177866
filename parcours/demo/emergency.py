"""Ninety nights of 115 activity in Seine-Saint-Denis: calls, night requests of demo households and
anonymous callers, allocations in the demo emergency facilities (some extended, a few no-shows),
unmet demand with its reasons, and the closed nights' figures. Tonight is live: requests still
waiting and free places on the board. Written with bulk_create; created once."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.emergency.choices import Fact, UnmetReason
from parcours.emergency.figures import night_rows
from parcours.emergency.models import (
    EmergencyCall,
    EmergencyRequest,
    NightAllocation,
    NightFigures,
    PlacesDeclaration,
    UnmetDemand,
)
from parcours.emergency.nights import current_night
from parcours.emergency.priority import age_facts, age_on, suggest
from parcours.households.models import Person
from parcours.offers.choices import EMERGENCY_KINDS, AcceptedHousehold
from parcours.offers.models import Unit
from parcours.territories.models import Territory

from .audit_actions import DemoAction
from .households import demo_households
from .network import SIAO, TERRITORY

NIGHTS = 90
# Requests per night: about a hundred, more in the cold weeks and at the end of the week.
BASE_REQUESTS = 95
ANONYMOUS_SHARE = 0.25
# Share of the emergency units that fall free on a given night (the rest hold people already sheltered).
FREE_SHARE = (0.18, 0.28)
EXTENSION_SHARE = 0.25
# What happens to a request that could get a place: refused or unreachable now and then.
REFUSED, UNREACHABLE, NO_SHOW = 0.06, 0.05, 0.03
TONIGHT_REQUESTS = 34
TONIGHT_ANSWERED = 0.45


def _fits(unit, persons: int, children: int) -> bool:
    accepted = unit.facility.accepted_household
    if unit.capacity < persons:
        return False
    if children:
        return accepted in (AcceptedHousehold.ANY, AcceptedHousehold.FAMILY)
    return (
        accepted in (AcceptedHousehold.ANY, AcceptedHousehold.SINGLE) if persons == 1 else accepted == "any"
    )


def _compositions(night):
    """household id → (persons, minors, birth dates) of the demo households' current members."""
    out: dict[int, list] = {}
    for household_id, born in Person.objects.filter(
        household__in=demo_households(), left_on__isnull=True
    ).values_list("household_id", "birth_date"):
        out.setdefault(household_id, []).append(born)
    return {
        h: (len(dates), sum(1 for d in dates if d and age_on(d, night) < 18), dates)
        for h, dates in out.items()
    }


def _anonymous(rng):
    if rng.random() < 0.7:
        return 1, 0, []
    children = rng.choice([1, 1, 2, 2, 3])
    return 1 + children + (rng.random() < 0.3), children, []


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the 115 activity once; return how many requests were created (0 when already there)."""
    territory = Territory.objects.filter(code=TERRITORY).first()
    if territory is None or EmergencyRequest.objects.filter(territory=territory).exists():
        return 0
    handlers = [
        m.user
        for m in Membership.objects.filter(
            organization__name=SIAO, role=Role.CALL_HANDLER, active=True
        ).select_related("user")
    ]
    units = list(
        Unit.objects.filter(
            active=True,
            facility__active=True,
            facility__kind__in=EMERGENCY_KINDS,
            facility__territory=territory,
        ).select_related("facility")
    )
    if not handlers or not units:
        return 0
    tonight = current_night()
    compositions = _compositions(tonight)
    # A pool of households who call the 115: some call almost every night, most now and then.
    pool = sorted(compositions)
    rng.shuffle(pool)
    pool = pool[:700]
    cum_weights, total = [], 0.0
    for i in range(len(pool)):
        total += 1 / (1 + i / 40)
        cum_weights.append(total)

    calls, requests, plans = [], [], []
    held: dict = {}  # night → unit ids held by an extension from the night before
    for offset in range(NIGHTS, -1, -1):
        night = tonight - timedelta(days=offset)
        live = offset == 0
        cold = 1.25 if night.month in (12, 1, 2) else 1.0
        weekend = 1.1 if night.weekday() >= 4 else 1.0
        count = TONIGHT_REQUESTS if live else int(BASE_REQUESTS * cold * weekend * rng.uniform(0.85, 1.15))
        known = set()
        while len(known) < int(count * (1 - ANONYMOUS_SHARE)):
            known.add(rng.choices(pool, cum_weights=cum_weights)[0])
        callers = [(h, *compositions[h][:2], compositions[h][2]) for h in known]
        callers += [(None, *_anonymous(rng)) for _ in range(count - len(known))]
        rng.shuffle(callers)
        for household_id, persons, children, dates in callers:
            facts = age_facts(dates, night) if dates else set()
            if not dates:
                if children:
                    facts.add(rng.choice([Fact.TODDLER, Fact.CHILDREN_OVER_3, Fact.CHILDREN_OVER_3]))
                elif rng.random() < 0.15:
                    facts.add(Fact.YOUNG_ON_STREET)
            for fact, share in ((Fact.VIOLENCE, 0.04), (Fact.HEALTH, 0.08), (Fact.PREGNANCY, 0.02)):
                if rng.random() < share:
                    facts.add(fact)
            priority = suggest(facts)
            at = timezone.make_aware(datetime.combine(night, time(17))) + timedelta(
                minutes=rng.randint(0, 540)
            )
            if live:
                at = min(at, timezone.now())
            call = EmergencyCall(
                received_at=at,
                created_at=at,
                territory=territory,
                handler=rng.choice(handlers),
                household_id=household_id,
            )
            calls.append(call)
            requests.append(
                EmergencyRequest(
                    household_id=household_id,
                    territory=territory,
                    night=night,
                    persons=persons,
                    children=children,
                    women_only=False,
                    facts=sorted(facts),
                    suggested_priority=priority,
                    priority=priority,
                    created_by=call.handler,
                    created_at=at,
                )
            )
            plans.append((night, live, call))
        # A few calls only ask for information.
        for _ in range(count // 8):
            at = timezone.make_aware(datetime.combine(night, time(18))) + timedelta(
                minutes=rng.randint(0, 420)
            )
            calls.append(
                EmergencyCall(
                    received_at=min(at, timezone.now()),
                    created_at=min(at, timezone.now()),
                    territory=territory,
                    handler=rng.choice(handlers),
                    outcome=rng.choice(["information", "redirected", "interrupted"]),
                )
            )
    EmergencyCall.objects.bulk_create(calls, batch_size=2000)
    for request, (_night, _live, call) in zip(requests, plans, strict=True):
        request.call = call

    allocations, unmet = [], []
    by_night: dict = {}
    for request, (night, live, _call) in zip(requests, plans, strict=True):
        by_night.setdefault(night, []).append((request, live))
    for night in sorted(by_night):
        todays = sorted(by_night[night], key=lambda rl: (rl[0].priority, rl[0].created_at))
        live = todays[0][1]
        taken = set(held.get(night, ()))
        free = [u for u in units if u.pk not in taken]
        if not live:
            free = rng.sample(free, int(len(free) * rng.uniform(*FREE_SHARE)))
        answered = todays if not live else todays[: int(len(todays) * TONIGHT_ANSWERED)]
        for request, _live in answered:
            roll = rng.random()
            if roll < REFUSED:
                request.status, reason = "unmet", UnmetReason.REFUSED_BY_PERSON
            elif roll < REFUSED + UNREACHABLE:
                request.status, reason = "unmet", UnmetReason.UNREACHABLE
            else:
                unit = next((u for u in free if _fits(u, request.persons, request.children)), None)
                if unit is None:
                    request.status = "unmet"
                    # Mostly no place at all; now and then free places, but none for this household.
                    suitable_size = any(u.capacity >= request.persons for u in free)
                    reason = (
                        UnmetReason.NO_SUITABLE_PLACE
                        if suitable_size and rng.random() < 0.25
                        else UnmetReason.NO_PLACE
                    )
                else:
                    free.remove(unit)
                    request.status, reason = "allocated", None
                    no_show = not live and rng.random() < NO_SHOW
                    allocations.append(
                        NightAllocation(
                            request=request,
                            unit=unit,
                            night=night,
                            status="no_show" if no_show else "booked",
                            allocated_by=request.created_by,
                            created_at=request.created_at,
                        )
                    )
                    following = night + timedelta(days=1)
                    if not no_show and following <= tonight and rng.random() < EXTENSION_SHARE:
                        held.setdefault(following, set()).add(unit.pk)
                        allocations.append(
                            NightAllocation(
                                request=request,
                                unit=unit,
                                night=following,
                                extension=True,
                                allocated_by=request.created_by,
                                created_at=request.created_at,
                            )
                        )
            if reason:
                unmet.append(UnmetDemand(request=request, reason=reason, recorded_at=request.created_at))
        if not live:
            for request, _live in todays:
                if request.status == "open":
                    request.status = "unmet"
                    unmet.append(UnmetDemand(request=request, reason=UnmetReason.NIGHT_CLOSED))
    # Statuses are decided before the insert: one bulk insert, no update.
    EmergencyRequest.objects.bulk_create(requests, batch_size=2000)
    NightAllocation.objects.bulk_create(allocations, batch_size=2000)
    UnmetDemand.objects.bulk_create(unmet, batch_size=2000)

    # Tonight, the CHUs have declared the few rooms they can give the 115.
    chus = {u.facility_id for u in units if u.facility.kind == "chu"}
    for facility_id in sorted(chus):
        declaration = PlacesDeclaration.objects.create(facility_id=facility_id, night=tonight)
        own = [u for u in units if u.facility_id == facility_id]
        declaration.units.set(rng.sample(own, min(len(own), rng.randint(2, 4))))

    first = tonight - timedelta(days=NIGHTS)
    NightFigures.objects.bulk_create(
        [
            NightFigures(territory=territory, night=f.night, **f.stored())
            for f in night_rows(territory.pk, first, tonight - timedelta(days=1))
        ]
    )
    audit.record_write(
        actor=None,
        action=DemoAction.EMERGENCY_SEED,
        fields=["calls", "requests", "allocations", "unmet_demand", "night_figures"],
    )
    return len(requests)
