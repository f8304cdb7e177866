"""The demo outreach: two teams, a month of rounds, about 150 encounters, about twenty signalements
along their path; the `maraude` login sees its team's work; seeded once."""

import random
from io import StringIO

import pytest
from django.core.management import call_command

from parcours.accounts.models import User
from parcours.demo import households, network, outreach
from parcours.outreach.models import Encounter, OutreachTeam, Round, Signalement

pytestmark = pytest.mark.django_db


def test_demo_outreach_is_seeded_once(client, login):
    call_command("load_territories", stdout=StringIO())
    rng = random.Random(2026)
    network.seed(rng)
    households.seed(rng, count=200)
    assert outreach.seed(rng) == outreach.ENCOUNTERS
    assert OutreachTeam.objects.count() == 2
    assert Round.objects.count() >= 20 and Round.objects.filter(closed_at__isnull=True).exists()
    assert Encounter.objects.count() == 150 and Encounter.objects.filter(household__isnull=False).exists()
    statuses = set(Signalement.objects.values_list("status", flat=True))
    assert {"received", "handled", "closed"} <= statuses and Signalement.objects.count() == outreach.REPORTS
    counts = (Encounter.objects.count(), Round.objects.count(), Signalement.objects.count())
    assert outreach.seed(random.Random(2026)) == 0
    assert counts == (Encounter.objects.count(), Round.objects.count(), Signalement.objects.count())
    page = login(User.objects.get(username="maraude"))
    assert "Ma tournée" in page.get("/").content.decode()
    assert page.get("/aller-vers/").status_code == 200
    assert page.get("/aller-vers/rencontres/nouvelle/").status_code == 200
