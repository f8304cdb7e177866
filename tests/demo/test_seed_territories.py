"""The demo finds its communes even where the département was made without them (a bench's
factories leave it so: `make bench`'s page bench then seeded the demo and failed on the outreach's
rounds, which need the communes)."""

import io

import pytest

from parcours.demo.management.commands.seed_demo import Command
from parcours.territories.models import Commune
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_communes_of_a_departement_made_without_them():
    TerritoryFactory(code="93")
    assert not Commune.objects.filter(territory__code="93").exists()
    Command(stdout=io.StringIO()).ensure_territories()
    assert Commune.objects.filter(territory__code="93").count() > 30
