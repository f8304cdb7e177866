"""Appointments (issue 16 item 6): the worker books, the person sees, confirms or asks to move, the
worker answers and marks kept or missed; who may (per role); the indicators; the calendar file."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.errors import Forbidden
from parcours.core.models import AuditEvent
from parcours.observatory import disclosure
from parcours.observatory.catalogue import INDICATORS, Period
from parcours.portal import sections
from parcours.support import services
from parcours.support.errors import Conflict
from parcours.support.models import Appointment
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PortalAccessFactory,
    SupportMeasureFactory,
    make_household,
    portal_login,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def _tomorrow(hour=10):
    return (timezone.localtime() + dt.timedelta(days=1)).replace(
        hour=hour, minute=30, second=0, microsecond=0
    )


@pytest.fixture
def world(role_network):
    household = make_household(
        organization=role_network.association,
        people=[("Benoît", "Lefèvre", dt.date(1984, 7, 3)), ("Awa", "Diallo", dt.date(1986, 1, 5))],
    )
    role_network.household = household
    role_network.worker = role_network.users[Role.SOCIAL_WORKER]
    role_network.access = PortalAccessFactory(household=household, invited_by=role_network.worker)
    return role_network


def _book(world, **kwargs):
    values = {
        "actor": world.worker,
        "household": world.household,
        "starts_at": _tomorrow(),
        "place": "12 rue de l'Espoir, Bobigny",
        "purpose": "Point sur votre demande de logement",
    }
    return services.appointment_book(**{**values, **kwargs})


# -- The worker books ------------------------------------------------------------------------------


def test_the_worker_books_from_the_household_file_and_the_person_sees_it(world, login):
    client = login(world.worker)
    url = reverse("support:appointment_new", args=[world.household.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "starts_at": _tomorrow().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "place": "Visite à domicile",
            "purpose": "Préparer le dossier CAF",
        },
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "support:appointment", args=[appointment.pk]
    )
    assert (appointment.status, appointment.with_user, appointment.duration_minutes) == (
        "planned",
        world.worker,
        45,
    )
    assert list(appointment.events.values_list("from_status", "to_status")) == [("", "planned")]
    assert AuditEvent.objects.filter(
        action="support.appointment.book", object_id=str(appointment.pk)
    ).exists()
    # In « Mon espace »: the section, the API contract's keys, the page.
    [api] = sections.api_data(world.access)["appointments"]
    assert set(api) == {"id", "starts_at", "place", "with", "purpose", "status"}
    assert (api["id"], api["place"], api["purpose"], api["status"]) == (
        appointment.pk,
        "Visite à domicile",
        "Préparer le dossier CAF",
        "planned",
    )
    person = portal_login(Client(), world.access)
    page = person.get("/mon-espace/rendez-vous/").content.decode()
    assert "Préparer le dossier CAF" in page and "À confirmer" in page and "Répondre ou voir" in page
    home = person.get("/mon-espace/").content.decode()
    assert "Préparer le dossier CAF" in home and "Voir ce rendez-vous" in home


def test_booking_from_a_measure_links_it_and_the_page_counts_kept_and_missed(world, login):
    measure = SupportMeasureFactory(
        household=world.household, started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    AppointmentFactory(household=world.household, kept=True)
    AppointmentFactory(household=world.household, kept=True)
    AppointmentFactory(household=world.household, missed=True)
    client = login(world.worker)
    url = reverse("support:appointment_new", args=[world.household.pk]) + f"?mesure={measure.pk}"
    assert "Dans le cadre de la mesure" in client.get(url).content.decode()
    client.post(
        url,
        {
            "measure": measure.pk,
            "starts_at": _tomorrow().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Bureau",
            "purpose": "Point d'étape",
        },
    )
    assert Appointment.objects.get(purpose="Point d'étape").measure == measure
    page = client.get(reverse("support:measure", args=[measure.pk])).content.decode()
    assert "Honorés : 2 · manqués : 1" in page and "taux de présence : 67 %" in page


def test_a_bad_booking_gets_a_french_message_and_writes_nothing(world, login):
    client = login(world.worker)
    response = client.post(
        reverse("support:appointment_new", args=[world.household.pk]),
        {
            "starts_at": (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Bureau",
            "purpose": "Point",
        },
    )
    assert response.status_code == 400
    assert "Un rendez-vous se prend pour une date à venir." in response.content.decode()
    assert not Appointment.objects.exists()
    with pytest.raises(ValidationError):
        _book(world, purpose="  ")
    other = make_household(organization=world.association)
    with pytest.raises(ValidationError):
        _book(world, person=other.head)
    assert not Appointment.objects.exists()


# -- Who may (support's rules: the referent organization's social workers; others 404) ----------------


@pytest.mark.parametrize(
    "role",
    [
        Role.SIAO_COORDINATOR,
        Role.CALL_HANDLER,
        Role.LANDLORD,
        Role.OBSERVER,
        Role.NETWORK_ADMIN,
        Role.FACILITY_MANAGER,
    ],
)
def test_other_roles_get_404_and_cannot_book(world, login, role):
    appointment = _book(world)
    user = world.users[role]
    client = login(user)
    for url in (
        reverse("support:appointments"),
        reverse("support:appointment_new", args=[world.household.pk]),
        reverse("support:appointment", args=[appointment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("support:appointment_action", args=[appointment.pk, "cancel"])).status_code == 404
    )
    with pytest.raises(Forbidden):
        _book(world, actor=user)
    appointment.refresh_from_db()
    assert appointment.status == "planned" and Appointment.objects.count() == 1


def test_a_worker_of_another_association_even_with_consent_gets_404(world, login):
    ConsentFactory(household=world.household, organization=world.partner, purpose="support")
    appointment = _book(world)
    client = login(world.other_worker)
    assert client.get(reverse("support:appointment", args=[appointment.pk])).status_code == 404
    assert client.get(reverse("support:appointment_new", args=[world.household.pk])).status_code == 404
    assert (
        client.post(reverse("support:appointment_action", args=[appointment.pk, "cancel"])).status_code == 404
    )
    with pytest.raises(Forbidden):
        services.appointment_cancel(actor=world.other_worker, appointment=appointment)
    assert Appointment.objects.get().status == "planned"
    assert "Point sur votre" not in client.get(reverse("support:appointments")).content.decode()


# -- The person answers, the worker follows ------------------------------------------------------------


def test_the_person_confirms_then_asks_to_move_and_the_worker_moves_it(world, login):
    appointment = _book(world)
    person = portal_login(Client(), world.access)
    url = f"/mon-espace/rendez-vous/{appointment.pk}/"
    assert person.post(url, {"action": "confirm"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    # An empty message is refused, in plain words; nothing changes.
    response = person.post(url, {"action": "move", "message": "  "})
    assert response.status_code == 400 and "quand êtes-vous disponible" in response.content.decode()
    assert Appointment.objects.get().status == "confirmed"
    person.post(url, {"action": "move", "message": "Je travaille le matin, plutôt l'après-midi."})
    appointment.refresh_from_db()
    assert appointment.status == "move"
    last = appointment.events.last()
    assert (last.by_person, last.actor, last.message) == (
        True,
        None,
        "Je travaille le matin, plutôt l'après-midi.",
    )
    # The worker sees the request on their home page and on the appointment.
    worker = login(world.worker)
    home = worker.get("/").content.decode()
    assert "demande à déplacer le rendez-vous" in home
    page = worker.get(reverse("support:appointment", args=[appointment.pk])).content.decode()
    assert "plutôt l&#x27;après-midi" in page
    new_time = _tomorrow(hour=15) + dt.timedelta(days=1)
    response = worker.post(
        reverse("support:appointment_action", args=[appointment.pk, "move"]),
        {"version": appointment.version, "move-starts_at": new_time.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, timezone.localtime(appointment.starts_at).hour) == ("planned", 15)
    assert list(appointment.events.values_list("to_status", flat=True)) == [
        "planned",
        "confirmed",
        "move",
        "planned",
    ]


def test_a_stale_version_changes_nothing(world):
    appointment = _book(world)
    services.appointment_confirm(access=world.access, appointment=appointment)
    from parcours.core.versioning import StaleVersionError

    with pytest.raises(StaleVersionError):
        services.appointment_cancel(
            actor=world.worker, appointment=appointment, expected_version=appointment.version - 1
        )
    assert Appointment.objects.get().status == "confirmed"


def test_kept_or_missed_only_once_it_has_passed(world, fixed_clock):
    appointment = _book(world)
    with pytest.raises(Conflict):
        services.appointment_mark(actor=world.worker, appointment=appointment, kept=True)
    assert Appointment.objects.get().status == "planned"
    fixed_clock.advance(days=2)
    services.appointment_mark(actor=world.worker, appointment=appointment, kept=False)
    appointment.refresh_from_db()
    assert appointment.status == "missed"
    with pytest.raises(Conflict):
        services.appointment_mark(actor=world.worker, appointment=appointment, kept=True)
    # The person can no longer answer a passed appointment.
    with pytest.raises(Conflict):
        services.appointment_request_move(access=world.access, appointment=appointment, message="plus tard")


def test_a_person_sees_neither_another_household_nor_a_co_member_appointment(world):
    other = AppointmentFactory(
        household=make_household(organization=world.association), purpose="Autre ménage"
    )
    co_member = world.household.people.exclude(pk=world.access.person_id).get()
    private = _book(world, person=co_member, purpose="Rendez-vous d'Awa")
    person = portal_login(Client(), world.access)
    for appointment in (other, private):
        assert person.get(f"/mon-espace/rendez-vous/{appointment.pk}/").status_code == 404
        assert person.get(f"/mon-espace/rendez-vous/{appointment.pk}/calendrier.ics").status_code == 404
        assert (
            person.post(f"/mon-espace/rendez-vous/{appointment.pk}/", {"action": "confirm"}).status_code
            == 404
        )
    listing = person.get("/mon-espace/rendez-vous/").content.decode()
    assert "Autre ménage" not in listing and "Awa" not in listing
    assert sections.api_data(world.access)["appointments"] == []
    assert set(Appointment.objects.values_list("status", flat=True)) == {"planned"}


def test_a_staff_session_does_not_reach_the_person_pages(world, login):
    appointment = _book(world)
    response = login(world.worker).get(f"/mon-espace/rendez-vous/{appointment.pk}/")
    assert response.status_code == 302 and "/mon-espace/connexion/" in response["Location"]


def test_the_calendar_file(world):
    appointment = _book(world, purpose="Point, logement; CAF")
    response = portal_login(Client(), world.access).get(
        f"/mon-espace/rendez-vous/{appointment.pk}/calendrier.ics"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    start = appointment.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and f"DTSTART:{start}\r\n" in text
    assert "SUMMARY:Rendez-vous : Point\\, logement\\; CAF\r\n" in text
    assert "LOCATION:12 rue de l'Espoir\\, Bobigny" in text


def _mid_morning(clock):
    """Today at 10:00 (Paris): "in 30 minutes" is still today, whenever the suite runs (it was
    tomorrow from 23:30 on)."""
    clock.set(timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10))))


def test_the_worker_home_lists_today_and_the_ones_to_mark(world, login, fixed_clock):
    _mid_morning(fixed_clock)
    _book(world, purpose="Aujourd'hui bientôt", starts_at=timezone.now() + dt.timedelta(minutes=30))
    passed = AppointmentFactory(household=world.household, purpose="Hier")
    Appointment.objects.filter(pk=passed.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    home = login(world.worker).get("/").content.decode()
    assert "honoré ou manqué ?" in home and "rendez-vous aujourd&#x27;hui" in home
    page = login(world.worker).get(reverse("support:appointments")).content.decode()
    assert "Hier" in page and "Aujourd&#x27;hui bientôt" in page


# -- Indicators ----------------------------------------------------------------------------------------


def test_kept_and_missed_count_in_the_support_indicators_with_small_cells_hidden(world):
    day = timezone.localdate() - dt.timedelta(days=3)
    period = Period(day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    for status, n in (("kept", 14), ("missed", 12)):
        for _ in range(n):
            AppointmentFactory(household=world.household, status=status, starts_at=at)
    AppointmentFactory(household=world.household, status="cancelled", starts_at=at)
    territory = world.household.territory.code
    counts = INDICATORS["support.appointments"].compute(period, territory)
    assert {r.key: r.value for r in counts.rows} == {"kept": 14, "missed": 12} and counts.total == 26
    rate = INDICATORS["support.appointments_kept_rate"].compute(period, territory)
    assert rate.rows[0].value == 53.8
    assert disclosure.suppress_derived(rate).rows[0].value == 53.8
    assert INDICATORS["support.appointments_kept_rate"].definition
    # Fewer than the threshold: the rate would single people out, it is hidden.
    Appointment.objects.filter(status="missed").exclude(
        pk__in=Appointment.objects.filter(status="missed")[:3]
    ).delete()
    small = INDICATORS["support.appointments_kept_rate"].compute(period, territory)
    assert disclosure.suppress_derived(small).rows[0].suppressed
    assert (
        disclosure.suppress(INDICATORS["support.appointments"].compute(period, territory)).rows[1].suppressed
    )


def test_kept_and_missed_appointments_are_steps_of_the_household_path(world, login):
    AppointmentFactory(household=world.household, kept=True, purpose="Ouverture des droits")
    AppointmentFactory(household=world.household, missed=True, purpose="Point CAF")
    AppointmentFactory(household=world.household, purpose="À venir")
    page = login(world.worker).get(reverse("households:detail", args=[world.household.pk])).content.decode()
    assert "Rendez-vous honoré : Ouverture des droits" in page and "Rendez-vous manqué : Point CAF" in page
    assert "À venir" not in page


@pytest.mark.parametrize("extra", [0, 5])
def test_the_home_panel_counts_its_lists_in_one_query_until_it_is_full(
    world, fixed_clock, extra, django_assert_num_queries
):
    """Below MAX_ROWS the rows are the whole list (one query); a full panel counts them all."""
    from parcours.core.home import MAX_ROWS
    from parcours.support.home import appointments_to_handle

    _mid_morning(fixed_clock)
    passed = [AppointmentFactory(household=world.household, purpose="Hier") for _ in range(3 + extra)]
    _book(world, purpose="Aujourd'hui bientôt", starts_at=timezone.now() + dt.timedelta(minutes=30))
    _book(world, purpose="Plus tard")  # tomorrow: on none of the lists
    many = MAX_ROWS + extra if extra else 0
    passed += [AppointmentFactory(household=world.household, purpose="Avant") for _ in range(many)]
    Appointment.objects.filter(pk__in=[a.pk for a in passed]).update(
        starts_at=timezone.now() - dt.timedelta(days=1)
    )
    worker = world.worker
    worker.active_membership = worker.memberships.get()
    expected = len(passed) + 1
    with django_assert_num_queries(2 if expected >= MAX_ROWS else 1):
        panel = appointments_to_handle(worker, worker.active_membership)
    assert panel.total == expected
    assert len(panel.rows) == min(expected, MAX_ROWS)
    assert panel.rows[0].reason.startswith("rendez-vous aujourd'hui")
