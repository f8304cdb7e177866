"""A one-time code used twice at the same instant opens one session, never two (PostgreSQL)."""

import pytest
from django.db import connection

from parcours.portal import services
from parcours.portal.models import PortalAccess
from tests.concurrency import race
from tests.factories import MembershipFactory, as_member, make_household
from tests.portal.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_code_sent_by_five_clients_at_once_signs_in_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers anyway")
    membership = MembershipFactory()
    worker = as_member(membership)
    household = make_household(organization=membership.organization, referent=worker)
    services.invite(actor=worker, household=household, person=household.head, phone=PHONE)
    code = last_code()

    def attempt(n):
        def go():
            try:
                services.sign_in_with_sms(phone=PHONE, code=code, ip=f"10.0.0.{n}")
            except services.CodeRejected:
                return "rejected"
            return "ok"

        return go

    results = race([attempt(n) for n in range(5)])
    assert sorted(results) == ["ok", "rejected", "rejected", "rejected", "rejected"]
    assert PortalAccess.objects.get().last_sign_in_at is not None
