"""Street outreach: communes, teams with their members, rounds, encounters and signalements."""

import uuid

import factory
from django.utils import timezone

from parcours.outreach.models import Encounter, OutreachTeam, Round, Signalement
from parcours.territories.models import Commune

from .accounts import OrganizationFactory, TerritoryFactory


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = "93008"
    name = factory.LazyAttribute(
        lambda o: {"93008": "Bobigny", "93066": "Saint-Denis", "75056": "Paris"}.get(
            o.code, f"Commune {o.code}"
        )
    )
    territory = factory.SubFactory(
        TerritoryFactory, code=factory.LazyAttribute(lambda o: o.factory_parent.code[:2])
    )


class OutreachTeamFactory(factory.django.DjangoModelFactory):
    """A maraude of `organization`; `members=[membership, …]` adds them."""

    class Meta:
        model = OutreachTeam
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Maraude {n}")
    kind = "maraude"

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    team = factory.SubFactory(OutreachTeamFactory)
    date = factory.LazyFunction(timezone.localdate)

    class Params:
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now), summary="Tournée calme.")

    @factory.post_generation
    def communes(obj, create, extracted, **kwargs):
        if create:
            obj.communes.set(extracted or [CommuneFactory()])


class EncounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Encounter

    client_id = factory.LazyFunction(uuid.uuid4)
    team = factory.SubFactory(OutreachTeamFactory)
    met_at = factory.LazyFunction(timezone.now)
    commune = factory.SubFactory(CommuneFactory)
    territory = factory.SelfAttribute("commune.territory")
    place = "Gare routière"
    alias = "Le monsieur au chien"
    persons = 1
    children = 0
    needs = factory.LazyFunction(lambda: ["shelter"])
    orientation = "none"

    class Params:
        family = factory.Trait(persons=3, children=2, alias="Mère et deux enfants", facts=["toddler"])


class SignalementFactory(factory.django.DjangoModelFactory):
    """A signalement received (the factory writes no path: a test of the path goes through services)."""

    class Meta:
        model = Signalement

    reference = factory.Sequence(lambda n: f"S-T{n:05d}")
    commune = factory.SubFactory(CommuneFactory)
    territory = factory.SelfAttribute("commune.territory")
    place = "Sous le pont"
    seen_at = factory.LazyFunction(timezone.now)
    description = "Une personne allongée, sans couverture."
    contact = ""
