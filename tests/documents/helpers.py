"""A household of the role network with papers, and the clients that reach them."""

from datetime import timedelta

from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.documents import services
from parcours.households import services as household_services
from tests.factories import make_household

from .conftest import PDF_BYTES, upload


def add_document(household, actor, *, content=PDF_BYTES, kind="tax_notice", expires_on=None, person_id=None):
    return services.upload(
        household=household,
        uploaded=upload(content),
        details=services.Details(kind=kind, expires_on=expires_on, person_id=person_id),
        actor=actor,
    )


def give_consent(household, organization, purpose, actor):
    return household_services.consent_record(
        actor=actor,
        household=household,
        organization=organization,
        purpose=purpose,
        ends_on=timezone.localdate() + timedelta(days=90),
    )


def file_of(net):
    """A household followed by the network's association, its referent the association's worker."""
    worker = net.users[Role.SOCIAL_WORKER]
    return make_household(organization=net.association, referent=worker), worker
