"""`parcours seed-demo`: the fictional network, rebuilt the same way every time (fixed seed)."""

import random

from django.core.management import call_command
from django.core.management.base import BaseCommand

from parcours.accounts.roles import Role
from parcours.demo import (
    appointments,
    assessments,
    documents,
    dormant,
    emergency,
    households,
    matching,
    network,
    offers,
    orientation,
    outreach,
    plan,
    portal,
    proposals,
    support,
)
from parcours.territories.models import Commune

# Each domain appends its own step: a callable (rng) → None, run in this order.
STEPS = [
    network.seed,
    households.seed,
    offers.seed,
    orientation.seed,
    proposals.seed,
    assessments.seed,
    emergency.seed,
    support.seed,
    appointments.seed,
    matching.seed,
    plan.seed,
    outreach.seed,
    documents.seed,
    dormant.seed,
    portal.seed,
]


class Command(BaseCommand):
    help = "Charge le réseau fictif de démonstration (Seine-Saint-Denis) et affiche un identifiant par rôle."

    def ensure_territories(self) -> None:
        """The demo's département and its communes (the COG snapshot): also when a database holds the
        département without its communes, as a bench's factories leave it (the outreach's rounds
        need its communes)."""
        if not Commune.objects.filter(territory__code=network.TERRITORY).exists():
            call_command("load_territories", stdout=self.stdout)

    def handle(self, *args, **options):
        self.ensure_territories()
        rng = random.Random(2026)
        logins = network.seed(rng)
        for step in STEPS[1:]:
            step(rng)
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {network.DEMO_PASSWORD})")
        for login in logins:
            self.stdout.write(f"  {Role(login.role).label:<32} {login.username:<16} {login.organization}")
        username, organization = outreach.DEMO_LOGIN
        self.stdout.write(f"  {'Maraude (aller-vers)':<32} {username:<16} {organization}")
        for line in portal.instructions():
            self.stdout.write(line)
