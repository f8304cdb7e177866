import re

import pytest

from parcours.core import sms
from parcours.households.models import Household
from tests.factories import MembershipFactory, as_member, make_household

PHONE = "+33612345678"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code(phone=PHONE) -> str:
    """The 6-digit code of the last SMS sent to this phone (the test SMS backend keeps them)."""
    texts = [m["text"] for m in sms.outbox if m["to"] == phone]
    assert texts, "no SMS sent to that phone"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


@pytest.fixture
def family(db):
    """A social worker of the referent organisation and their household of four (two adults)."""
    membership = MembershipFactory()
    worker = as_member(membership)
    household = make_household(
        organization=membership.organization,
        referent=worker,
        people=[
            ("Benoît", "Lefèvre", __import__("datetime").date(1984, 7, 3)),
            ("Awa", "Lefèvre", __import__("datetime").date(1987, 2, 14), "spouse"),
            ("Lina", "Lefèvre", __import__("datetime").date(2015, 9, 1)),
        ],
    )
    household = Household.objects.get(pk=household.pk)
    benoit, awa, lina = household.people.order_by("pk")
    return {
        "membership": membership,
        "worker": worker,
        "household": household,
        "benoit": benoit,
        "awa": awa,
        "lina": lina,
    }
