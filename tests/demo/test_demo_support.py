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


def test_demo_pages_render_for_each_role(login, client):
    from parcours.accounts.models import Membership

    call_command("load_territories", stdout=StringIO())
    rng = random.Random(2026)
    network.seed(rng)
    households.seed(rng, count=400)
    offers.seed(rng)
    support.seed(rng)

    def as_member(membership):
        user = membership.user
        login(user)
        session = client.session
        session["parcours_membership_id"] = membership.pk
        session.save()
        user.active_membership = membership
        return user

    measures = []
    for status in ("open", "refused", "closed"):
        measures.append(SupportMeasure.objects.filter(status=status).order_by("pk").first())
    for measure in measures:
        worker = Membership.objects.filter(
            organization_id=measure.organization_id, role="social_worker"
        ).first()
        as_member(worker)
        assert client.get(f"/accompagnement/mesures/{measure.pk}/").status_code == 200
        assert client.get("/accompagnement/").status_code == 200
    for alert in PreventionAlert.objects.order_by("status", "pk"):
        landlord = Membership.objects.filter(organization_id=alert.landlord_id, role="landlord").first()
        as_member(landlord)
        assert client.get(f"/accompagnement/alertes/{alert.pk}/").status_code == 200
        worker = Membership.objects.filter(organization_id=alert.association_id, role="social_worker").first()
        if worker:
            as_member(worker)
            assert client.get(f"/accompagnement/alertes/{alert.pk}/").status_code == 200
    for workshop in Workshop.objects.all():
        as_member(
            Membership.objects.filter(organization_id=workshop.organization_id, role="social_worker").first()
        )
        assert client.get(f"/accompagnement/ateliers/{workshop.pk}/").status_code == 200
    for programme in Programme.objects.all():
        as_member(Membership.objects.filter(organization_id=programme.landlord_id, role="landlord").first())
        assert client.get(f"/accompagnement/programmes/{programme.pk}/").status_code == 200
        assert client.get("/").status_code == 200
