"""The demo support: measures and alerts at every stage, workshops, two programmes; seeded once."""

import random
from io import StringIO

import pytest
from django.core.management import call_command

from parcours.demo import households, network, offers, support
from parcours.support.models import (
    ClosingEvaluation,
    PreventionAlert,
    Programme,
    SupportAction,
    SupportMeasure,
    Workshop,
)

pytestmark = pytest.mark.django_db


def test_demo_support_at_every_stage_and_idempotent():
    call_command("load_territories", stdout=StringIO())
    rng = random.Random(2026)
    network.seed(rng)
    households.seed(rng, count=400)
    offers.seed(rng)
    created = support.seed(rng)
    assert created > 0
    statuses = set(SupportMeasure.objects.values_list("status", flat=True))
    assert statuses == {"open", "refused", "closed"}
    reopened = SupportMeasure.objects.filter(transitions__from_status="closed", transitions__to_status="open")
    assert reopened.exists()
    assert ClosingEvaluation.objects.filter(perspective="person").exists()
    assert set(PreventionAlert.objects.values_list("status", flat=True)) == {
        "new",
        "taken",
        "measure",
        "closed",
    }
    assert not PreventionAlert.objects.filter(status="measure", measure__isnull=True).exists()
    assert Workshop.objects.count() >= 2
    assert Programme.objects.count() == 2
    assert SupportMeasure.objects.filter(programme__isnull=False).exists()
    # Nothing is created twice.
    counts = (SupportMeasure.objects.count(), SupportAction.objects.count(), PreventionAlert.objects.count())
    assert support.seed(random.Random(2026)) == 0
    assert counts == (
        SupportMeasure.objects.count(),
        SupportAction.objects.count(),
        PreventionAlert.objects.count(),
    )
