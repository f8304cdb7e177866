"""Accounts and territories: territories, organizations, users and their memberships; acting as a
member, on pages (`as_member`) and through the API (`api_for`)."""

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


def as_member(membership):
    """The membership's user, acting in that membership (as after choosing it in the menu)."""
    user = membership.user
    user.active_membership = membership
    return user


def api_for(client, membership):
    """call(method, path, body=None) → the API answer, called with a token of that membership."""
    from parcours.accounts import services as account_services

    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")

    def call(method, path, body=None):
        return getattr(client, method)(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    return call
