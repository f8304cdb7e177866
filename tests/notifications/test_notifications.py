"""Notifications to the person (issue 16 item 7): nothing without their opt-in, per kind; each
trigger once (reruns send nothing new); a failed delivery shown to the referent; the person changes
their choices, and only theirs."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core import sms
from parcours.core.errors import Forbidden
from parcours.core.models import Delivery
from parcours.notifications import kinds, services, texts
from parcours.notifications.daily import run_daily
from parcours.notifications.models import Notification, NotificationPreference
from parcours.orientation.daily import run_daily as orientation_daily
from parcours.orientation.models import InsertionRequest
from parcours.portal import sections
from parcours.support import services as support
from tests.factories import MembershipFactory, PortalAccessFactory, as_member, make_household, portal_login
from tests.security.orientation_world import build_world, propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
PHONE = "+33612345678"


class RefusingBackend(sms.BaseBackend):
    """A provider that refuses every message (a wrong number)."""

    def send(self, *, to, text):
        raise sms.SmsError("numéro invalide")


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def world():
    w = build_world()
    w["access"] = PortalAccessFactory(household=w["household"], invited_by=w["worker"], phone=PHONE)
    return w


def opt_in(access, *wanted):
    services.set_preferences(access=access, enabled=wanted)


def tomorrow_at(hour):
    return (timezone.localtime() + dt.timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)


# -- Opt-in ------------------------------------------------------------------------------------------


def test_nothing_is_sent_without_the_person_opting_in(world):
    access = world["access"]
    assert services.notify(access, kinds.DOCUMENT_EXPIRING, "Texte", ref="document:1") is None
    opt_in(access, kinds.NEW_PROPOSAL)  # another kind only
    assert services.notify(access, kinds.DOCUMENT_EXPIRING, "Texte", ref="document:1") is None
    assert sms.outbox == [] and not Notification.objects.exists() and not Delivery.objects.exists()


def test_an_opted_in_person_gets_one_sms_per_ref_through_the_outbox(world):
    access = world["access"]
    opt_in(access, kinds.DOCUMENT_EXPIRING)
    text = texts.document_expiring(dt.date(2027, 1, 12))
    sent = services.notify(access, kinds.DOCUMENT_EXPIRING, text, ref="document:7:2027-01-12")
    assert sent is not None and sms.outbox == [{"to": PHONE, "text": text}]
    assert "12 janvier" in text
    delivery = Delivery.objects.get()
    assert (delivery.purpose, delivery.status, delivery.payload) == (
        "notifications.document_expiring",
        "sent",
        None,
    )
    assert services.notify(access, kinds.DOCUMENT_EXPIRING, text, ref="document:7:2027-01-12") is None
    assert len(sms.outbox) == 1


def test_no_phone_or_a_revoked_access_gets_nothing(world):
    access = world["access"]
    opt_in(access, kinds.DOCUMENT_EXPIRING)
    access.phone = ""
    access.save()
    assert services.notify(access, kinds.DOCUMENT_EXPIRING, "x", ref="d:1") is None
    access.phone = PHONE
    access.revoked_at = timezone.now()
    access.save()
    assert services.notify(access, kinds.DOCUMENT_EXPIRING, "x", ref="d:1") is None
    assert sms.outbox == []


# -- Triggers ----------------------------------------------------------------------------------------


def test_a_new_proposal_is_told_once_and_only_with_the_opt_in(world):
    propose(world)  # not opted in: nothing
    assert sms.outbox == []
    opt_in(world["access"], kinds.NEW_PROPOSAL)
    from parcours.orientation.models import Proposal

    Proposal.objects.all().delete()
    InsertionRequest.objects.filter(pk=world["request"].pk).update(status="validated")
    propose(world, vacancy="vacancy2")
    [message] = sms.outbox
    assert message["text"] == "Vous avez un nouveau message dans Mon espace : une proposition de logement."
    assert Notification.objects.get().kind == kinds.NEW_PROPOSAL


def test_the_appointment_reminder_is_sent_once_the_day_before(world):
    access = world["access"]
    opt_in(access, kinds.APPOINTMENT_REMINDER)
    appointment = support.appointment_book(
        actor=world["worker"],
        household=world["household"],
        starts_at=tomorrow_at(10),
        place="Bureau",
        purpose="Point",
    )
    later = support.appointment_book(
        actor=world["worker"],
        household=world["household"],
        starts_at=tomorrow_at(10) + dt.timedelta(days=2),
        place="Bureau",
        purpose="Point",
    )
    today = timezone.localdate()
    assert run_daily(today=today, wet=False) == {"Rappels de rendez-vous (la veille)": 1}
    assert sms.outbox == []
    assert run_daily(today=today, wet=True) == {"Rappels de rendez-vous (la veille)": 1}
    [message] = sms.outbox
    assert "demain" in message["text"] and "10 h" in message["text"] and "Bureau" in message["text"]
    assert "Point" not in message["text"].replace("Pour le", "")  # the purpose stays in Mon espace
    # A rerun the same day, and the next day, send nothing new.
    assert run_daily(today=today, wet=True) == {"Rappels de rendez-vous (la veille)": 0}
    assert len(sms.outbox) == 1
    appointment.refresh_from_db()
    assert appointment.reminded_at is not None
    # Moved to the day after tomorrow: reminded again, the day before its new date.
    support.appointment_move(
        actor=world["worker"], appointment=appointment, starts_at=tomorrow_at(14) + dt.timedelta(days=1)
    )
    assert run_daily(today=today + dt.timedelta(days=1), wet=True) == {
        "Rappels de rendez-vous (la veille)": 1
    }
    assert len(sms.outbox) == 2
    assert later.pk  # not due yet: never reminded in these runs
    assert Notification.objects.filter(ref__startswith=f"appointment:{later.pk}:").count() == 0


def test_a_cancelled_appointment_or_one_without_opt_in_is_not_reminded(world):
    appointment = support.appointment_book(
        actor=world["worker"],
        household=world["household"],
        starts_at=tomorrow_at(9),
        place="Bureau",
        purpose="Point",
    )
    run_daily(today=timezone.localdate(), wet=True)  # no opt-in: marked, nothing sent
    assert sms.outbox == []
    opt_in(world["access"], kinds.APPOINTMENT_REMINDER)
    other = support.appointment_book(
        actor=world["worker"],
        household=world["household"],
        starts_at=tomorrow_at(11),
        place="Bureau",
        purpose="Point",
    )
    support.appointment_cancel(actor=world["worker"], appointment=other)
    run_daily(today=timezone.localdate(), wet=True)
    assert sms.outbox == [] and appointment.pk


def test_the_request_about_to_expire_is_told_once(world, settings):
    settings.PARCOURS_REQUEST_VALIDITY_MONTHS = 3
    settings.PARCOURS_EXPIRY_REMINDER_DAYS = 15
    opt_in(world["access"], kinds.REQUEST_EXPIRING)
    validated = dt.datetime(2026, 1, 10, 10, 0, tzinfo=timezone.get_current_timezone())
    InsertionRequest.objects.filter(pk=world["request"].pk).update(validated_at=validated, renewed_at=None)
    orientation_daily(today=dt.date(2026, 3, 27), wet=True)
    [message] = sms.outbox
    assert "10 avril" in message["text"] and "mise à jour" in message["text"]
    orientation_daily(today=dt.date(2026, 3, 27), wet=True)
    orientation_daily(today=dt.date(2026, 3, 28), wet=True)
    assert len(sms.outbox) == 1


# -- A failed delivery is shown to the referent ----------------------------------------------------------


def test_a_failed_delivery_is_shown_to_the_referent_until_seen(world, settings, login):
    settings.SMS_BACKEND = "tests.notifications.test_notifications.RefusingBackend"
    settings.PARCOURS_OUTBOX_MAX_ATTEMPTS = 1
    opt_in(world["access"], kinds.DOCUMENT_EXPIRING)
    notification = services.notify(world["access"], kinds.DOCUMENT_EXPIRING, "x", ref="document:1")
    notification.refresh_from_db()
    assert notification.failed_at is not None and notification.delivery.status == "failed"
    worker = login(world["worker"])
    home = worker.get("/").content.decode()
    assert "SMS non remis à Benoît L." in home and "vérifiez son numéro" in home
    # Another association's worker, the SIAO: not shown.
    other = as_member(MembershipFactory(role=Role.SOCIAL_WORKER))
    assert "SMS non remis" not in login(other, Client()).get("/").content.decode()
    assert (
        login(other, Client()).post(reverse("notifications:failure_seen", args=[notification.pk])).status_code
        == 404
    )
    assert login(world["coordinator"], Client()).get(reverse("notifications:failures")).status_code == 404
    # Seen: it leaves the list.
    page = worker.get(reverse("notifications:failures")).content.decode()
    assert "Benoît L." in page
    worker.post(reverse("notifications:failure_seen", args=[notification.pk]))
    assert "SMS non remis" not in worker.get("/").content.decode()


def test_the_home_panel_counts_the_failures_as_the_orm_does(world, settings):
    """The panel's total is read through SQL compiled once per user and organization (core.compiled,
    issue 18): the same count as failures_for(user).count(), for each user, as failures come and go."""
    from parcours.notifications.home import failed_notifications
    from parcours.notifications.querysets import failures_for

    settings.SMS_BACKEND = "tests.notifications.test_notifications.RefusingBackend"
    settings.PARCOURS_OUTBOX_MAX_ATTEMPTS = 1
    opt_in(world["access"], kinds.DOCUMENT_EXPIRING)
    worker = world["worker"]
    other = as_member(MembershipFactory(role=Role.SOCIAL_WORKER))

    def total(user):
        panel = failed_notifications(user, user.active_membership)
        assert (panel.total if panel is not None else 0) == failures_for(user).count()
        return panel.total if panel is not None else 0

    assert total(worker) == total(other) == 0
    failed = [
        services.notify(world["access"], kinds.DOCUMENT_EXPIRING, "x", ref=f"document:{n}") for n in (1, 2, 3)
    ]
    assert total(worker) == 3 and total(other) == 0
    Notification.objects.filter(pk=failed[0].pk).update(failure_seen_at=timezone.now())
    assert total(worker) == 2 and total(other) == 0


# -- The person's choices -------------------------------------------------------------------------------


def test_the_person_changes_their_choices_in_their_space(world):
    access = world["access"]
    person = portal_login(Client(), access)
    page = person.get("/mon-espace/notifications/").content.decode()
    assert "Un rappel la veille d&#x27;un rendez-vous" in page
    response = person.post(
        "/mon-espace/notifications/", {"kinds": [kinds.APPOINTMENT_REMINDER, kinds.NEW_PROPOSAL]}
    )
    assert response.status_code == 302
    assert services.enabled_kinds(access) == {kinds.APPOINTMENT_REMINDER, kinds.NEW_PROPOSAL}
    person.post("/mon-espace/notifications/", {"kinds": [kinds.NEW_PROPOSAL]})
    assert services.enabled_kinds(access) == {kinds.NEW_PROPOSAL}
    assert (
        NotificationPreference.objects.get(access=access, kind=kinds.APPOINTMENT_REMINDER).changed_by is None
    )
    assert person.post("/mon-espace/notifications/", {"kinds": ["everything"]}).status_code == 400
    assert services.enabled_kinds(access) == {kinds.NEW_PROPOSAL}
    page = person.get("/mon-espace/notifications/").content.decode()
    assert 'value="new_proposal" id="kind-new_proposal" checked>' in page
    assert 'id="kind-appointment_reminder">' in page
    summary = {s.key: d for s, d in sections.render_data(access)}["notifications"]
    assert summary["any"] is True
    assert {"kind": "new_proposal", "enabled": True} in sections.api_data(access)["notifications"]


def test_a_person_cannot_see_or_change_another_persons_choices(world):
    mine = world["access"]
    other_household = make_household(organization=world["association"])
    theirs = PortalAccessFactory(household=other_household, invited_by=world["worker"], phone="+33699999999")
    opt_in(theirs, kinds.NEW_PROPOSAL)
    person = portal_login(Client(), mine)
    person.post("/mon-espace/notifications/", {"kinds": [kinds.DOCUMENT_EXPIRING], "access": theirs.pk})
    assert services.enabled_kinds(theirs) == {kinds.NEW_PROPOSAL}
    assert services.enabled_kinds(mine) == {kinds.DOCUMENT_EXPIRING}
    # The staff page of choices is closed to a person's session.
    response = person.get(reverse("notifications:access", args=[theirs.pk]))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_the_worker_types_the_choices_in_only_with_the_person_present(world, login):
    access = world["access"]
    with pytest.raises(Exception) as refused:
        services.set_preferences(access=access, enabled=[kinds.NEW_PROPOSAL], actor=world["worker"])
    assert "présente" in str(refused.value)
    assert services.enabled_kinds(access) == set()
    client = login(world["worker"])
    url = reverse("notifications:access", args=[access.pk])
    assert client.post(url, {"kinds": [kinds.NEW_PROPOSAL]}).status_code == 400
    assert services.enabled_kinds(access) == set()
    client.post(url, {"kinds": [kinds.NEW_PROPOSAL], "person_present": "on"})
    assert services.enabled_kinds(access) == {kinds.NEW_PROPOSAL}
    assert 'value="new_proposal" id="kind-new_proposal" checked>' in client.get(url).content.decode()
    # Another organization's worker: 404 and Forbidden, nothing changed.
    other = as_member(MembershipFactory(role=Role.SOCIAL_WORKER))
    assert login(other, Client()).get(url).status_code == 404
    with pytest.raises(Forbidden):
        services.set_preferences(access=access, enabled=[], actor=other, person_present=True)
    assert services.enabled_kinds(access) == {kinds.NEW_PROPOSAL}


# -- Two reminder runs at the same instant (cron started twice): one SMS ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_the_same_instant_send_one_sms():
    from django.db import connection

    from tests.concurrency import race

    if connection.vendor != "postgresql":
        pytest.skip("row locks are measured on PostgreSQL")
    w = build_world()
    access = PortalAccessFactory(household=w["household"], invited_by=w["worker"], phone=PHONE)
    opt_in(access, kinds.APPOINTMENT_REMINDER)
    support.appointment_book(
        actor=w["worker"],
        household=w["household"],
        starts_at=tomorrow_at(10),
        place="Bureau",
        purpose="Point",
    )
    today = timezone.localdate()
    results = race(
        [lambda: run_daily(today=today, wet=True)["Rappels de rendez-vous (la veille)"] for _ in range(4)]
    )
    assert sorted(results) == [0, 0, 0, 1], results
    assert Notification.objects.count() == 1 and len(sms.outbox) == 1
