"""factory_boy factories for the foundation's models."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.models import Membership, Organization, User
from parcours.accounts.roles import OrganizationType, Role
from parcours.territories.models import Territory

PASSWORD = "un-mot-de-passe-solide"


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = "93"
    name = factory.LazyAttribute(
        lambda o: {"93": "Seine-Saint-Denis", "75": "Paris"}.get(o.code, f"Département {o.code}")
    )
    region_code = "11"
    region_name = "Île-de-France"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganizationType.ASSOCIATION
    territory = factory.SubFactory(TerritoryFactory)

    class Params:
        siao = factory.Trait(type=OrganizationType.SIAO_OPERATOR)
        landlord = factory.Trait(type=OrganizationType.LANDLORD)
        state = factory.Trait(type=OrganizationType.STATE_SERVICE)
        partner = factory.Trait(type=OrganizationType.PARTNER)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# The kind of organization each role normally works in.
ORGANIZATION_TYPE_FOR_ROLE = {
    Role.CALL_HANDLER: OrganizationType.SIAO_OPERATOR,
    Role.SIAO_COORDINATOR: OrganizationType.SIAO_OPERATOR,
    Role.SOCIAL_WORKER: OrganizationType.ASSOCIATION,
    Role.FACILITY_MANAGER: OrganizationType.ASSOCIATION,
    Role.LANDLORD: OrganizationType.LANDLORD,
    Role.OBSERVER: OrganizationType.STATE_SERVICE,
    Role.NETWORK_ADMIN: OrganizationType.SIAO_OPERATOR,
}


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.SOCIAL_WORKER
    organization = factory.SubFactory(
        OrganizationFactory,
        type=factory.LazyAttribute(lambda o: ORGANIZATION_TYPE_FOR_ROLE[o.factory_parent.role]),
    )


def confirmed_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Application", confirmed=True)


def make_household(
    *, organization, referent=None, territory="93", protected=False, people=None, situation="street"
):
    """A household opened by `organization` (its referent organization), with its people."""
    from datetime import date

    from parcours.households.models import Household, Person, SituationPeriod

    household = Household.objects.create(
        territory=TerritoryFactory(code=territory),
        referent_organization=organization,
        referent=referent,
        protected=protected,
        address="12 rue de l'Exemple, 93000 Bobigny",
        phone="0600000000",
    )
    for n, (first, last, birth) in enumerate(people or [("Benoît", "Lefèvre", date(1984, 7, 3))]):
        Person.objects.create(
            household=household,
            first_name=first,
            last_name=last,
            birth_date=birth,
            relationship="head" if n == 0 else "child",
        )
    SituationPeriod.objects.create(household=household, situation=situation, started_on=date(2026, 1, 5))
    return household


def make_emergency_facility(*, organization, territory="93", kind="chu", units=3, capacity=1, **rules):
    """An emergency facility (CHU by default) with `units` units of `capacity` places."""
    from parcours.offers.models import Facility, Unit

    facility = Facility.objects.create(
        name=f"{kind.upper()} {Facility.objects.count() + 1}",
        kind=kind,
        organization=organization,
        territory=TerritoryFactory(code=territory),
        **rules,
    )
    Unit.objects.bulk_create(
        [Unit(facility=facility, label=f"Chambre {n}", capacity=capacity) for n in range(1, units + 1)]
    )
    return facility, list(facility.units.order_by("pk"))
