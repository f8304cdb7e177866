"""The demo insertion requests: about three hundred demo households with a request at every status,
each with the transition history that led there (who, when, why). Created once."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.orientation.choices import RequestStatus
from parcours.orientation.models import InsertionRequest, RequestTransition

from .audit_actions import DemoAction
from .households import demo_households
from .network import SIAO

S = RequestStatus
REQUESTS = 300

# status → the path from draft that leads to it (a weight gives how often it appears)
PATHS = {
    S.DRAFT: ([S.DRAFT], 3),
    S.SUBMITTED: ([S.DRAFT, S.SUBMITTED], 5),
    S.TO_COMPLETE: ([S.DRAFT, S.SUBMITTED, S.TO_COMPLETE], 2),
    S.VALIDATED: ([S.DRAFT, S.SUBMITTED, S.TO_COMPLETE, S.SUBMITTED, S.VALIDATED], 6),
    S.PROPOSED: ([S.DRAFT, S.SUBMITTED, S.VALIDATED, S.PROPOSED], 2),
    S.ADMITTED: ([S.DRAFT, S.SUBMITTED, S.VALIDATED, S.PROPOSED, S.ADMITTED], 2),
    S.CANCELLED: ([S.DRAFT, S.SUBMITTED, S.CANCELLED], 1),
    S.EXPIRED: ([S.DRAFT, S.SUBMITTED, S.VALIDATED, S.EXPIRED], 1),
}
REASONS = {
    S.TO_COMPLETE: "Merci de joindre l'avis d'imposition et le diagnostic social à jour.",
    S.CANCELLED: "Le ménage a trouvé une solution par ses propres moyens.",
    S.EXPIRED: "Demande non renouvelée dans le délai de trois mois.",
    S.ADMITTED: "Entrée dans les lieux.",
}
KINDS = [
    ["logement_social"],
    ["chrs", "residence_sociale"],
    ["pension_de_famille"],
    ["iml", "logement_social"],
    ["residence_sociale", "fjt"],
    ["logement_accompagne"],
]
SIAO_STEPS = {S.VALIDATED, S.TO_COMPLETE, S.PROPOSED, S.ADMITTED, S.EXPIRED}


def demo_requests():
    return InsertionRequest.objects.filter(household__in=demo_households())


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the demo requests once; return how many were created (0 when already there)."""
    if demo_requests().exists():
        return 0
    households = list(demo_households().alive().order_by("pk")[:REQUESTS])
    if not households:
        return 0
    coordinator = (
        Membership.objects.filter(role=Role.SIAO_COORDINATOR, organization__name=SIAO, active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    coordinator = coordinator.user if coordinator else None
    statuses = [status for status, (_path, weight) in PATHS.items() for _ in range(weight)]
    now = timezone.now()
    plans = []
    for n, household in enumerate(households):
        # Every status at least once, then by weight.
        status = list(PATHS)[n] if n < len(PATHS) else rng.choice(statuses)
        path = PATHS[status][0]
        start = now - timedelta(days=rng.randint(5 + 10 * len(path), 200), hours=rng.randint(0, 12))
        steps, at = [], start
        for step in path:
            steps.append((step, at))
            at = at + timedelta(days=rng.randint(2, 10), hours=rng.randint(1, 8))
        submitted = [a for s, a in steps if s == S.SUBMITTED]
        validated = [a for s, a in steps if s == S.VALIDATED]
        request = InsertionRequest(
            household=household,
            status=status,
            wished_kinds=rng.choice(KINDS),
            wished_territories=["93"] if rng.random() < 0.6 else ["93", "75"],
            max_rent=None if rng.random() < 0.5 else rng.choice([350, 450, 550, 650]),
            seniority_date=timezone.localdate(submitted[0]) if submitted else None,
            submitted_at=submitted[-1] if submitted else None,
            validated_at=validated[0] if validated else None,
            created_by=household.referent,
            created_at=start,
        )
        plans.append((request, steps, household.referent))
    InsertionRequest.objects.bulk_create([r for r, _steps, _ref in plans])
    transitions = []
    for request, steps, referent in plans:
        previous = ""
        for step, at in steps:
            transitions.append(
                RequestTransition(
                    request=request,
                    from_status=previous,
                    to_status=step,
                    actor=coordinator if step in SIAO_STEPS else (referent or coordinator),
                    at=at,
                    reason=REASONS.get(step, ""),
                )
            )
            previous = step
    RequestTransition.objects.bulk_create(transitions)
    audit.record_write(
        actor=None, action=DemoAction.ORIENTATION_SEED, fields=["insertion_requests", "transitions"]
    )
    return len(plans)
