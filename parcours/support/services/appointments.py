"""Writes of appointments: the worker books, moves, cancels, marks kept or missed; the person, from
« Mon espace », confirms or asks to move (with a short message). Every change goes through the
appointment's workflow (core/workflow.py): one history row (AppointmentEvent) and one audit row."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Membership
from parcours.core import audit, workflow
from parcours.core.errors import NotFound, require
from parcours.notifications import daily as notification_days
from parcours.notifications import kinds as notification_kinds
from parcours.notifications import services as notifications
from parcours.notifications import texts as notification_texts

from .. import perms
from ..audit_actions import SupportAuditAction as A
from ..choices import APPOINTMENT_OPEN_STATUSES, AppointmentStatus
from ..models import Appointment
from ._common import Conflict, _membership, _user

S = AppointmentStatus
MESSAGE_MAX = 500
NOT_YOURS = _("Seuls les travailleurs sociaux de l'organisation référente du ménage gèrent ses rendez-vous.")


def _check_details(
    *, actor, household, starts_at, place, purpose, duration_minutes, person, measure, with_user, with_text
) -> dict:
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Indiquez la date et l'heure du rendez-vous.")
    elif starts_at <= timezone.now():
        errors["starts_at"] = _("Un rendez-vous se prend pour une date à venir.")
    if not (place or "").strip():
        errors["place"] = _(
            "Indiquez le lieu : une adresse, « visite à domicile » ou « appel téléphonique »."
        )
    if not (purpose or "").strip():
        errors["purpose"] = _("Indiquez l'objet du rendez-vous, en quelques mots.")
    if not 5 <= int(duration_minutes or 0) <= 8 * 60:
        errors["duration_minutes"] = _("La durée est comprise entre 5 minutes et 8 heures.")
    if person is not None and person.household_id != household.pk:
        errors["person"] = _("Cette personne n'est pas membre de ce ménage.")
    if measure is not None and measure.household_id != household.pk:
        errors["measure"] = _("Cette mesure n'est pas celle de ce ménage.")
    if (
        with_user is not None
        and not Membership.objects.filter(
            user=with_user, organization_id=_membership(actor).organization_id, active=True
        ).exists()
    ):
        errors["with_user"] = _("Choisissez un membre de votre organisation.")
    if errors:
        raise ValidationError(errors)
    return {
        "place": place.strip(),
        "purpose": purpose.strip(),
        "with_text": (with_text or "").strip(),
    }


@transaction.atomic
def appointment_book(
    *,
    actor,
    household,
    starts_at: dt.datetime,
    place: str,
    purpose: str,
    duration_minutes: int = 60,
    person=None,
    measure=None,
    with_user=None,
    with_text: str = "",
) -> Appointment:
    """Book an appointment with the household (or one of its people). Without anyone named, the
    appointment is with the worker who books it."""
    require(perms.can_book_appointment(actor, household), NOT_YOURS)
    clean = _check_details(
        actor=actor,
        household=household,
        starts_at=starts_at,
        place=place,
        purpose=purpose,
        duration_minutes=duration_minutes,
        person=person,
        measure=measure,
        with_user=with_user,
        with_text=with_text,
    )
    if with_user is None and not clean["with_text"]:
        with_user = _user(actor)
    appointment = Appointment.objects.create(
        household=household,
        person=person,
        measure=measure,
        organization_id=_membership(actor).organization_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        with_user=with_user,
        created_by=_user(actor),
        **clean,
    )
    workflow.created(appointment, actor=actor, log_extra={"starts_at": starts_at})
    audit.record_write(
        actor=actor,
        action=A.APPOINTMENT_BOOK,
        obj=appointment,
        fields=["starts_at", "place", "purpose", "with", "person", "measure"],
    )
    return appointment


def appointment_move(
    *, actor, appointment: Appointment, starts_at: dt.datetime, place: str = "", expected_version=None
) -> Appointment:
    """Give the appointment a new date (the person's request answered, or the worker's own change): it
    waits for the person's confirmation again, and a new reminder will be sent the day before."""
    require(perms.can_manage_appointment(actor, appointment), NOT_YOURS)
    if starts_at is None or starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Un rendez-vous se déplace à une date à venir.")})
    changes = {"starts_at": starts_at, "reminded_at": None}
    if (place or "").strip():
        changes["place"] = place.strip()[:200]
    return workflow.transition(
        appointment,
        S.PLANNED,
        actor=actor,
        action=A.APPOINTMENT_MOVE,
        expected_version=expected_version,
        only_from=APPOINTMENT_OPEN_STATUSES,
        log_extra={"starts_at": starts_at},
        **changes,
    ).obj


def appointment_cancel(
    *, actor, appointment: Appointment, expected_version=None, reason: str = ""
) -> Appointment:
    require(perms.can_manage_appointment(actor, appointment), NOT_YOURS)
    return workflow.transition(
        appointment,
        S.CANCELLED,
        actor=actor,
        action=A.APPOINTMENT_CANCEL,
        expected_version=expected_version,
        note=reason,
    ).obj


def appointment_mark(*, actor, appointment: Appointment, kept: bool, expected_version=None) -> Appointment:
    """After the appointment: the person came (kept) or did not (missed). Not before its time."""
    require(perms.can_manage_appointment(actor, appointment), NOT_YOURS)

    def passed(locked):
        if locked.starts_at > timezone.now():
            raise Conflict(_("Ce rendez-vous n'a pas encore eu lieu : il sera à noter après."))

    return workflow.transition(
        appointment,
        S.KEPT if kept else S.MISSED,
        actor=actor,
        action=A.APPOINTMENT_KEPT if kept else A.APPOINTMENT_MISSED,
        expected_version=expected_version,
        only_from=APPOINTMENT_OPEN_STATUSES,
        prepare=passed,
    ).obj


# The person, from « Mon espace »


def _person_appointment(access, appointment: Appointment) -> Appointment:
    if not Appointment.objects.for_access(access).filter(pk=appointment.pk).exists():
        raise NotFound()
    return appointment


def _still_to_come(locked):
    if locked.starts_at <= timezone.now():
        raise Conflict(_("Ce rendez-vous est passé."))


def appointment_confirm(*, access, appointment: Appointment) -> Appointment:
    """The person says they will come."""
    _person_appointment(access, appointment)
    return workflow.transition(
        appointment,
        S.CONFIRMED,
        actor=None,
        action=A.APPOINTMENT_CONFIRM,
        only_from={S.PLANNED, S.MOVE_REQUESTED},
        refused=_("Ce rendez-vous ne peut plus être confirmé."),
        prepare=_still_to_come,
        log_extra={"by_person": True},
    ).obj


def appointment_request_move(*, access, appointment: Appointment, message: str) -> Appointment:
    """The person asks to move the appointment, with a short message for the worker."""
    _person_appointment(access, appointment)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Écrivez un court message : quand êtes-vous disponible ?")})
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            {"message": _("Votre message est trop long : %(n)s caractères au plus.") % {"n": MESSAGE_MAX}}
        )
    return workflow.transition(
        appointment,
        S.MOVE_REQUESTED,
        actor=None,
        action=A.APPOINTMENT_MOVE_REQUEST,
        only_from={S.PLANNED, S.CONFIRMED, S.MOVE_REQUESTED},
        refused=_("Ce rendez-vous ne peut plus être déplacé."),
        prepare=_still_to_come,
        note=message,
        log_extra={"by_person": True},
        audit_fields=["status", "message"],
    ).obj


# The reminder the day before (opt-in, `parcours notifications-daily`)


def appointments_to_remind(today: dt.date):
    """Appointments of tomorrow (local time), planned or confirmed, not reminded yet."""
    tomorrow = today + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    return Appointment.objects.filter(
        status__in=[S.PLANNED, S.CONFIRMED],
        starts_at__gte=start,
        starts_at__lt=end,
        reminded_at__isnull=True,
        household__deleted_at__isnull=True,
    ).order_by("starts_at", "pk")


@notification_days.job(_("Rappels de rendez-vous (la veille)"))
def appointment_reminders(today: dt.date, wet: bool) -> int:
    """Text the people who asked for it about tomorrow's appointments; each appointment once. Returns
    how many appointments were (or, in a dry run, would be) reminded."""
    due = list(appointments_to_remind(today))
    if not wet:
        return len(due)
    sent = 0
    for appointment in due:
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue  # another run reminded it meanwhile
            sent += 1
            notifications.notify_household(
                appointment.household_id,
                notification_kinds.APPOINTMENT_REMINDER,
                notification_texts.appointment_reminder(appointment.starts_at, appointment.place),
                ref=f"appointment:{appointment.pk}:{appointment.starts_at:%Y%m%d%H%M}",
                person_id=appointment.person_id,
            )
            audit.record_write(
                actor=None, action=A.APPOINTMENT_REMIND, obj=appointment, fields=["reminded_at"]
            )
    return sent
