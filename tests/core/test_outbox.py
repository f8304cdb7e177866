"""Side effects after commit (issue 14, item 6): e-mails and SMS leave through the outbox, on the task
queue, once the transaction commits; a failing provider is retried and the delivery log says so.

The queue's own tests use the database backend (django-tasks-db) on a transactional database and run
its worker for real; the SMS provider is a real HTTP server on the loopback interface."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from parcours.accounts.roles import Role
from parcours.core import outbox
from parcours.core.models import Delivery, DeliveryAttempt, DeliveryStatus
from parcours.orientation.models import Proposal
from tests import clock
from tests.security.orientation_world import build_world, propose

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PHONE = "0612345678"
TEXT = "115 : une place vous attend la nuit du 06/12 : CHU des Lilas, Bondy (Chambre 1)."


def run_worker() -> None:
    """The worker's own loop (`parcours db-worker --batch`): every task ready now, then it stops."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def queue(settings, transactional_db):
    settings.TASKS = DATABASE_QUEUE
    mail.outbox = []
    return settings


def _landlord_emails(world):
    from parcours.accounts.models import Membership

    return sorted(
        Membership.objects.filter(organization=world["landlord_org"], role=Role.LANDLORD).values_list(
            "user__email", flat=True
        )
    )


# -- After the commit, on the queue --------------------------------------------------------------------


def test_a_rollback_after_a_service_that_sends_an_email_sends_nothing(queue):
    world = build_world()
    with pytest.raises(RuntimeError), transaction.atomic():
        propose(world)  # notifies the landlord's staff by e-mail
        raise RuntimeError("something later in the same transaction fails")
    assert not Proposal.objects.exists()
    assert not Delivery.objects.exists() and not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


def test_a_commit_sends_exactly_once_after_the_worker_runs(queue):
    world = build_world()
    propose(world)
    # Committed: queued, not sent by the request that asked for it.
    assert mail.outbox == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.QUEUED and DBTaskResult.objects.count() == 1
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == _landlord_emails(world)
    run_worker()  # nothing left to do
    assert outbox.deliver.call(delivery.pk) == "skipped"  # the same task run twice sends once
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.payload) == (DeliveryStatus.SENT, 1, None)
    assert delivery.purpose == "orientation.proposal_notice"


class FakeProvider(BaseHTTPRequestHandler):
    """Brevo's SMS endpoint as far as we use it: answers each POST with the next planned status."""

    planned: list[int] = []
    received: list[dict] = []

    def do_POST(self):  # noqa: N802  (http.server's name)
        length = int(self.headers.get("content-length", 0))
        FakeProvider.received.append(json.loads(self.rfile.read(length)))
        status = FakeProvider.planned.pop(0)
        body = (
            {"code": "internal_error", "message": "Temporary failure"}
            if status >= 500
            else {"reference": "ref-1", "messageId": 4242, "smsCount": 1}
        )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(queue):
    FakeProvider.planned, FakeProvider.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    queue.SMS_BACKEND = "parcours.core.sms.BrevoBackend"
    queue.SMS_BREVO_API_KEY = "test-key"
    queue.SMS_BREVO_URL = f"http://127.0.0.1:{server.server_address[1]}/v3/transactionalSMS/sms"
    queue.SMS_HTTP_TIMEOUT = 5
    queue.PARCOURS_OUTBOX_RETRY_SECONDS = 60
    yield FakeProvider
    server.shutdown()
    server.server_close()


def _everything_logged() -> str:
    rows = list(Delivery.objects.values()) + list(DeliveryAttempt.objects.values())
    return json.dumps(rows, default=str)


def test_a_failing_sms_provider_is_retried_and_logged(provider, monkeypatch):
    now = clock.freeze(monkeypatch)
    provider.planned = [500, 201]
    with transaction.atomic():
        delivery = outbox.send_sms(to=PHONE, text=TEXT, purpose="emergency.address_sms", ref=999999)

    run_worker()  # first try: the provider answers 500
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRIED and delivery.attempts == 1
    assert "500" in delivery.answer and "Temporary failure" in delivery.answer
    assert delivery.next_attempt_at > now.at
    run_worker()  # the new try waits for its delay
    assert len(provider.received) == 1

    now.advance(seconds=61)
    run_worker()  # second try: accepted
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert "201" in delivery.answer and "4242" in delivery.answer
    tries = list(delivery.tries.values_list("number", "status"))
    assert tries == [(1, DeliveryStatus.RETRIED), (2, DeliveryStatus.SENT)]
    assert [r["recipient"] for r in provider.received] == ["0612345678", "0612345678"]
    assert provider.received[-1]["content"] == TEXT

    # The log names the purpose and a masked number; neither the message nor the number in clear.
    logged = _everything_logged()
    assert delivery.recipient == "06******78" and delivery.payload is None
    assert PHONE not in logged and "33612345678" not in logged and "Chambre 1" not in logged
    assert "CHU des Lilas" not in logged
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_provider_that_keeps_failing_is_given_up_with_a_growing_delay(provider, settings, monkeypatch):
    now = clock.freeze(monkeypatch)
    provider.planned = [500, 502, 503]
    settings.PARCOURS_OUTBOX_MAX_ATTEMPTS = 3
    with transaction.atomic():
        delivery = outbox.send_sms(to=PHONE, text=TEXT, purpose="emergency.address_sms")
    run_worker()
    delivery.refresh_from_db()
    first_wait = delivery.next_attempt_at - now.at
    now.advance(seconds=61)
    run_worker()
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - now.at
    assert second_wait > first_wait  # back-off: 60 s, then 120 s
    now.advance(seconds=121)
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.payload) == (DeliveryStatus.FAILED, 3, None)
    assert list(delivery.tries.values_list("status", flat=True)) == ["retried", "retried", "failed"]
    assert "503" in delivery.answer
    now.advance(days=1)
    run_worker()
    assert len(provider.received) == 3  # bounded: no fourth try


def test_the_115_sms_is_stamped_only_once_the_provider_accepted_it(provider, monkeypatch):
    from parcours.emergency import services
    from parcours.emergency.models import NightAllocation
    from parcours.emergency.nights import current_night
    from tests.factories import (
        MembershipFactory,
        OrganizationFactory,
        TerritoryFactory,
        make_emergency_facility,
    )
    from tests.factories import as_member as _as

    clock.freeze(monkeypatch)
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=TerritoryFactory(code="93"))
    handler = _as(MembershipFactory(role=Role.CALL_HANDLER, organization=siao))
    _chu, singles = make_emergency_facility(organization=OrganizationFactory(), units=1)
    provider.planned = [201]
    req = services.request_create(actor=handler, night=current_night(), persons=1, caller_phone=PHONE)
    allocation = services.allocate(actor=handler, request=req, unit=singles[0])
    services.allocation_send_sms(actor=handler, allocation=allocation)
    assert NightAllocation.objects.get(pk=allocation.pk).sms_sent_at is None  # queued only
    run_worker()
    assert NightAllocation.objects.get(pk=allocation.pk).sms_sent_at is not None
    assert provider.received[0]["recipient"] == PHONE


def test_an_address_sms_still_waiting_at_the_night_close_is_given_up_and_erased(provider, monkeypatch):
    from django.core.management import call_command

    from parcours.emergency import services
    from parcours.emergency.nights import current_night
    from tests.factories import (
        MembershipFactory,
        OrganizationFactory,
        TerritoryFactory,
        make_emergency_facility,
    )
    from tests.factories import as_member as _as

    now = clock.freeze(monkeypatch, clock.local(2026, 12, 6, 22, 0))
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=TerritoryFactory(code="93"))
    handler = _as(MembershipFactory(role=Role.CALL_HANDLER, organization=siao))
    _chu, singles = make_emergency_facility(organization=OrganizationFactory(), units=1)
    req = services.request_create(actor=handler, night=current_night(), persons=1, caller_phone=PHONE)
    allocation = services.allocate(actor=handler, request=req, unit=singles[0])
    services.allocation_send_sms(actor=handler, allocation=allocation)  # the worker is stopped
    now.set(clock.local(2026, 12, 7, 10, 0))  # the next morning, after the night change
    call_command("emergency_rollover", "--wet-run")
    delivery = Delivery.objects.get(ref=str(allocation.pk))
    assert (delivery.status, delivery.payload) == (DeliveryStatus.FAILED, None)
    assert PHONE not in _everything_logged()
    run_worker()  # the worker comes back: the closed night's SMS does not leave
    assert provider.received == []


# -- Content, log and page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_about_a_protected_household_is_unchanged_in_content():
    world = build_world()
    world["household"].__class__.objects.filter(pk=world["household"].pk).update(protected=True)
    mail.outbox = []
    proposal = propose(world)
    url = django_settings.PARCOURS_SITE_URL + reverse("orientation:proposal", args=[proposal.pk])
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Parcours : une proposition du SIAO vous attend"
    assert sent.body == (
        "Le SIAO vous propose un ménage pour une de vos vacances. Répondez depuis Parcours :\n\n" + url + "\n"
    )
    assert sent.to == _landlord_emails(world) and sent.from_email == django_settings.DEFAULT_FROM_EMAIL
    for secret in ("Lefèvre", "Benoît", "Bât. A 12"):
        assert secret not in sent.subject + sent.body
    logged = _everything_logged()
    assert sent.body.strip() not in logged and url not in logged
    assert all(address not in logged for address in sent.to)


@pytest.mark.parametrize("role", list(Role))
def test_the_delivery_log_page_is_for_network_admins_only(role, member, login, client):
    with transaction.atomic():
        outbox.send_email(to=["jeanne.martin@example.org"], subject="S", body="B", purpose="test.page")
    user = member(role)
    login(user)
    response = client.get(reverse("core:deliveries"))
    if role != Role.NETWORK_ADMIN:
        assert response.status_code == 404
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert "j***@example.org" in page and "jeanne.martin" not in page and "test.page" in page


def test_the_delivery_log_is_paged_and_filtered(member, login, client):
    Delivery.objects.bulk_create(
        [
            Delivery(kind="email", purpose="test.paging", recipient="a***@b.fr", status="sent")
            for _ in range(60)
        ]
        + [Delivery(kind="sms", purpose="test.paging", recipient="06******78", status="failed")]
    )
    login(member(Role.NETWORK_ADMIN))
    url = reverse("core:deliveries")
    first = client.get(url).content.decode()
    assert first.count('data-delivery="') == 50 and "Page 1 sur 2" in first
    assert client.get(url, {"page": 2}).content.decode().count('data-delivery="') == 11
    failed = client.get(url, {"etat": "failed"}).content.decode()
    assert failed.count('data-delivery="failed"') == 1 and failed.count('data-delivery="') == 1
    for bad in ({"page": "x"}, {"page": "99999999999999999999"}, {"etat": "<script>"}):
        assert client.get(url, bad).status_code == 200
