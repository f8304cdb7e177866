"""Households: a household with its people and its situation, protected or not, with consents.

HouseholdFactory()                                   one person (the head), living in the street
HouseholdFactory(with_members=True)                  a couple with two children
HouseholdFactory(protected=True)                     a protected household (address and phone masked)
HouseholdFactory(with_consent=ConsentPurpose.SUPPORT, with_consent__organization=org)
HouseholdFactory(with_consent=[purpose, …])          one consent per purpose
"""

import datetime as dt

import factory
from django.utils import timezone

from .accounts import OrganizationFactory, TerritoryFactory, UserFactory

HEAD = [("Benoît", "Lefèvre", dt.date(1984, 7, 3))]
FAMILY = [
    ("Benoît", "Lefèvre", dt.date(1984, 7, 3)),
    ("Awa", "Lefèvre", dt.date(1987, 2, 14), "spouse"),
    ("Lina", "Lefèvre", dt.date(2015, 9, 1)),
    ("Noé", "Lefèvre", dt.date(2019, 4, 22)),
]
SITUATION_SINCE = dt.date(2026, 1, 5)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.Person"

    household = factory.SubFactory("tests.factories.households.HouseholdFactory")
    first_name = "Benoît"
    last_name = "Lefèvre"
    birth_date = dt.date(1984, 7, 3)
    relationship = "head"

    class Params:
        child = factory.Trait(first_name="Lina", birth_date=dt.date(2015, 9, 1), relationship="child")


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent to share the household's file with `organization` for `purpose`, from today, 90 days."""

    class Meta:
        model = "households.Consent"

    household = factory.SubFactory("tests.factories.households.HouseholdFactory")
    organization = factory.SubFactory(
        OrganizationFactory, territory=factory.SelfAttribute("..household.territory")
    )
    purpose = "orientation"
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=90))
    recorded_by = factory.LazyAttribute(lambda o: o.household.referent or UserFactory())

    class Params:
        revoked = factory.Trait(
            revoked_at=factory.LazyFunction(timezone.now),
            revoked_by=factory.SelfAttribute("recorded_by"),
        )
        expired = factory.Trait(
            starts_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=120)),
            ends_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30)),
        )


def _add_people(household, people):
    """(first name, last name, birth date[, relationship]): the first is the head, the others children
    unless said otherwise."""
    for n, (first, last, birth, *relationship) in enumerate(people):
        PersonFactory(
            household=household,
            first_name=first,
            last_name=last,
            birth_date=birth,
            relationship=relationship[0] if relationship else "head" if n == 0 else "child",
        )


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household followed by `referent_organization`, with its people (`people`: a list of
    (first name, last name, birth date), the first one the head) and its current situation."""

    class Meta:
        model = "households.Household"
        rename = {"is_protected": "protected"}
        skip_postgeneration_save = True

    territory = factory.SubFactory(TerritoryFactory)
    referent_organization = factory.SubFactory(
        OrganizationFactory, territory=factory.SelfAttribute("..territory")
    )
    referent = None
    is_protected = False
    address = "12 rue de l'Exemple, 93000 Bobigny"
    phone = "0600000000"

    class Params:
        protected = factory.Trait(is_protected=True)
        with_members = factory.Trait(
            people=factory.PostGeneration(
                lambda obj, create, extracted, **kw: create and _add_people(obj, FAMILY)
            )
        )

    @factory.post_generation
    def people(obj, create, extracted, **kwargs):
        if create:
            _add_people(obj, extracted or HEAD)

    @factory.post_generation
    def situation(obj, create, extracted, **kwargs):
        if create:
            from parcours.households.models import SituationPeriod

            SituationPeriod.objects.create(
                household=obj, situation=extracted or "street", started_on=SITUATION_SINCE
            )

    @factory.post_generation
    def with_consent(obj, create, extracted, **kwargs):
        """`with_consent=purpose` (or a list of purposes): a consent per purpose, for the organization
        given as `with_consent__organization` (a new one of the territory otherwise)."""
        if not (create and extracted):
            return
        for purpose in [extracted] if isinstance(extracted, str) else extracted:
            ConsentFactory(household=obj, purpose=purpose, **kwargs)


def make_household(
    *, organization, referent=None, territory="93", protected=False, people=None, situation="street"
):
    """A household opened by `organization` (its referent organization), with its people."""
    return HouseholdFactory(
        territory=TerritoryFactory(code=territory),
        referent_organization=organization,
        referent=referent,
        protected=protected,
        people=people,
        situation=situation,
    )
