"""Demo appointments: for the demo worker's households, some coming (to confirm, confirmed, one the
person asks to move with a message), some today, some passed (kept, missed, one still to mark).
Created once; written as the workflow would have left them, with their history."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.support.models import Appointment, AppointmentEvent

from .audit_actions import DemoAction
from .households import demo_households

WORKER = "travailleuse"
# (days from today, hour, status, purpose, place, the person's message when they ask to move it)
PLAN = [
    (1, 10, "planned", "Point sur votre demande de logement", "Bureau, 12 rue de l'Église, Bobigny", ""),
    (2, 14, "confirmed", "Préparer le dossier CAF", "Visite à domicile", ""),
    (
        3,
        9,
        "move",
        "Signature du bail",
        "Bureau, 12 rue de l'Église, Bobigny",
        "Je travaille le matin, l'après-midi ça va.",
    ),
    (0, 16, "confirmed", "Point d'étape de l'accompagnement", "Appel téléphonique", ""),
    (-2, 11, "kept", "Ouverture des droits", "Bureau, 12 rue de l'Église, Bobigny", ""),
    (-5, 15, "missed", "Point sur les démarches", "Bureau, 12 rue de l'Église, Bobigny", ""),
    (-1, 10, "confirmed", "Visite du logement proposé", "Visite à domicile", ""),
]


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the demo appointments once; return how many were created (0 when already there)."""
    membership = (
        Membership.objects.filter(user__username=WORKER, role=Role.SOCIAL_WORKER, active=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        return 0
    households = list(
        demo_households()
        .alive()
        .filter(referent_organization_id=membership.organization_id)
        .order_by("pk")[: len(PLAN)]
    )
    if not households or Appointment.objects.filter(household__in=households).exists():
        return 0
    today = timezone.localdate()
    worker = membership.user
    created = []
    events = []
    for household, (days, hour, status, purpose, place, message) in zip(households, PLAN, strict=False):
        starts_at = _at(today + timedelta(days=days), hour)
        booked_at = min(timezone.now(), starts_at) - timedelta(days=7)
        appointment = Appointment(
            household=household,
            organization_id=membership.organization_id,
            starts_at=starts_at,
            duration_minutes=60,
            place=place,
            purpose=purpose,
            with_user=worker,
            status=status,
            created_by=worker,
        )
        created.append(appointment)
        events.append(
            AppointmentEvent(
                appointment=appointment, to_status="planned", actor=worker, at=booked_at, starts_at=starts_at
            )
        )
        if status in ("confirmed", "move", "kept", "missed"):
            events.append(
                AppointmentEvent(
                    appointment=appointment,
                    from_status="planned",
                    to_status="confirmed" if status != "move" else "move",
                    by_person=True,
                    at=booked_at + timedelta(days=1),
                    message=message,
                )
            )
        if status in ("kept", "missed"):
            events.append(
                AppointmentEvent(
                    appointment=appointment,
                    from_status="confirmed",
                    to_status=status,
                    actor=worker,
                    at=starts_at + timedelta(hours=2),
                )
            )
    Appointment.objects.bulk_create(created)
    AppointmentEvent.objects.bulk_create(events)
    audit.record_write(actor=None, action=DemoAction.APPOINTMENTS_SEED, fields=["appointments"])
    return len(created)
