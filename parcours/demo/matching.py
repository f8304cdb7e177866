"""The demo matching facts: vulnerability priorities, a few needs and two justified commission
priorities on the demo's validated requests, so the candidates pages show every term. Created once."""

import random

from django.db import transaction

from parcours.matching.models import RequestFacts

from .orientation import demo_requests

PRIORITY_REASONS = [
    "Sortie d'hospitalisation sans solution d'hébergement : priorité retenue par la commission.",
    "Expulsion avec concours de la force publique accordé : priorité retenue par la commission.",
]


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the demo matching facts once; return how many were created (0 when already there)."""
    requests = list(demo_requests().filter(status__in=("validated", "proposed")).order_by("pk"))
    if not requests or RequestFacts.objects.filter(request__in=requests).exists():
        return 0
    facts = []
    for n, request in enumerate(requests):
        priority = 5 if n < len(PRIORITY_REASONS) else 0
        facts.append(
            RequestFacts(
                request=request,
                vulnerability=rng.choice(["P1", "P2", "P2", "P3", "P3", "P4", ""]),
                needs_accessible=rng.random() < 0.06,
                has_pets=rng.random() < 0.1,
                manual_priority=priority,
                manual_priority_reason=PRIORITY_REASONS[n] if priority else "",
            )
        )
    RequestFacts.objects.bulk_create(facts)
    return len(facts)
