"""A paper about to expire reaches the person by SMS, only if they asked for it, and once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from parcours.core import sms
from parcours.notifications import kinds, services
from parcours.notifications.models import Notification
from tests.factories import PortalAccessFactory

from .helpers import add_document, file_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
PHONE = "+33612345678"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _daily():
    call_command("documents_daily", "--wet-run", stdout=io.StringIO())


def test_the_person_who_asked_is_told_once_without_naming_the_paper(role_network):
    household, worker = file_of(role_network)
    access = PortalAccessFactory(household=household, invited_by=worker, phone=PHONE)
    services.set_preferences(access=access, enabled=[kinds.DOCUMENT_EXPIRING])
    expires_on = timezone.localdate() + dt.timedelta(days=30)
    add_document(household, worker, kind="residence_permit", expires_on=expires_on)

    _daily()
    _daily()  # the same day again: nothing more

    assert len(sms.outbox) == 1 and sms.outbox[0]["to"] == PHONE
    text = sms.outbox[0]["text"]
    assert "Mon espace" in text and "séjour" not in text.lower()
    assert Notification.objects.filter(access=access, kind=kinds.DOCUMENT_EXPIRING).count() == 1


def test_nothing_is_sent_to_a_person_who_did_not_ask(role_network):
    household, worker = file_of(role_network)
    PortalAccessFactory(household=household, invited_by=worker, phone=PHONE)
    add_document(household, worker, expires_on=timezone.localdate() + dt.timedelta(days=30))

    _daily()

    assert sms.outbox == [] and not Notification.objects.exists()


@pytest.mark.parametrize("protected", [False, True])
def test_a_paper_of_a_member_protected_from_the_others_is_told_to_nobody(role_network, protected):
    """A paper of another adult without access goes to the household's accesses, unless that adult is
    protected from the others: then even its expiry would tell them it exists."""
    from parcours.accounts.roles import Role
    from parcours.portal import services as portal_services
    from tests.factories import make_household

    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(
        organization=role_network.association,
        referent=worker,
        people=[
            ("Benoît", "Lefèvre", dt.date(1984, 7, 3)),
            ("Awa", "Lefèvre", dt.date(1987, 2, 14), "spouse"),
        ],
    )
    benoit, awa = household.people.order_by("pk")
    access = PortalAccessFactory(household=household, person=benoit, invited_by=worker, phone=PHONE)
    services.set_preferences(access=access, enabled=[kinds.DOCUMENT_EXPIRING])
    if protected:
        portal_services.set_protection(actor=worker, person=awa, protected=True)
    add_document(
        household,
        worker,
        kind="residence_permit",
        person_id=awa.pk,
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )

    _daily()

    assert len(sms.outbox) == (0 if protected else 1)
    assert Notification.objects.filter(access=access).count() == (0 if protected else 1)
