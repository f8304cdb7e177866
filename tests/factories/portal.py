"""A person's access to "Mon espace" and a signed-in person's test client.

access = PortalAccessFactory()                        the head of a new household, invited by a social
                                                      worker of the referent organisation
access = PortalAccessFactory(household=h, person=p)   that adult of that household
portal_login(client, access)                          `client` is now that person's browser session
"""

import factory
from django.conf import settings
from django.test import Client

from .accounts import UserFactory
from .households import HouseholdFactory


class PortalAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portal.PortalAccess"

    household = factory.SubFactory(HouseholdFactory)
    person = factory.LazyAttribute(lambda o: o.household.head)
    organization = factory.LazyAttribute(lambda o: o.household.referent_organization)
    invited_by = factory.SubFactory(UserFactory)


def portal_login(client: Client, access) -> Client:
    """Sign `client` in as the person of `access`, as the SMS or printed-code sign-in would."""
    from importlib import import_module

    from parcours.portal.auth import SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = access.pk
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client
