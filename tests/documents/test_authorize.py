"""The vault's write services authorize (ADR 0016): each role that may not act gets Forbidden, and
nothing is written (no row, no audit row, no file)."""

import pytest

from parcours.accounts.roles import Role
from parcours.core.errors import Forbidden
from parcours.core.models import AuditEvent
from parcours.documents import services
from parcours.documents.models import Document

from .conftest import upload
from .helpers import add_document, file_of, give_consent

pytestmark = pytest.mark.django_db

REFUSED = [
    Role.CALL_HANDLER,
    Role.FACILITY_MANAGER,
    Role.LANDLORD,
    Role.OBSERVER,
    Role.NETWORK_ADMIN,
    "other",
]


def _actor(net, who):
    return net.other_worker if who == "other" else net.users[who]


def _state(vault):
    return (
        list(Document.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
        sorted(p.name for p in vault.rglob("*.bin")),
    )


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("action", ["upload", "update", "delete"])
def test_each_refused_role_writes_nothing(role_network, vault, who, action):
    net = role_network
    household, worker = file_of(net)
    document = add_document(household, worker)
    # Even a consent for documents only opens reading to the partner.
    give_consent(household, net.partner, "documents", worker)
    actor = _actor(net, who)
    before = _state(vault)
    calls = {
        "upload": lambda: services.upload(
            household=household, uploaded=upload(), details=services.Details(kind="payslip"), actor=actor
        ),
        "update": lambda: services.update(
            document=document,
            details=services.Details(kind="identity"),
            expected_version=document.version,
            actor=actor,
        ),
        "delete": lambda: services.delete(document=document, actor=actor),
    }
    with pytest.raises(Forbidden):
        calls[action]()
    assert _state(vault) == before


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR])
def test_the_holders_of_the_file_go_through(role_network, role):
    household, worker = file_of(role_network)
    document = add_document(household, role_network.users[role])
    services.update(
        document=document,
        details=services.Details(kind="identity"),
        expected_version=document.version,
        actor=role_network.users[role],
    )
    services.delete(document=document, actor=role_network.users[role])
    assert Document.objects.alive().count() == 0
