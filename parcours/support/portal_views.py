"""The person's appointment pages in « Mon espace » (/mon-espace/rendez-vous/): the list, one
appointment (confirm it, ask to move it with a short message), its calendar file (.ics)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.portal.auth import person_required

from . import services
from .errors import Conflict
from .models import Appointment
from .portal import for_person, person_view


def _mine(request, pk) -> Appointment:
    found = (
        Appointment.objects.for_access(request.portal_access)
        .select_related("with_user")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@person_required
def appointment_list(request):
    views = [person_view(a) for a in for_person(request.portal_access)]
    return render(
        request,
        "support/portal_appointments.html",
        {
            "upcoming": [v for v in views if v["upcoming"]],
            "past": [v for v in views if not v["upcoming"]],
        },
    )


@person_required
def appointment_detail(request, pk):
    appointment = _mine(request, pk)
    message = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.appointment_confirm(access=request.portal_access, appointment=appointment)
                messages.success(request, _("Merci. Vous avez confirmé le rendez-vous."))
            elif action == "move":
                message = request.POST.get("message", "")
                services.appointment_request_move(
                    access=request.portal_access, appointment=appointment, message=message
                )
                messages.success(
                    request, _("Votre demande est envoyée. Votre référent va vous proposer un autre jour.")
                )
            else:
                raise Http404
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
            status = 400
        except Conflict as exc:
            messages.error(request, str(exc))
            status = 409
        else:
            return redirect("portal_appointments:detail", pk=appointment.pk)
        appointment.refresh_from_db()
    return render(
        request,
        "support/portal_appointment.html",
        {
            "view": person_view(appointment),
            "message": message,
            "message_max": services.appointments.MESSAGE_MAX,
        },
        status=status,
    )


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


def _ics_time(value) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_file(appointment: Appointment, host: str) -> str:
    """An iCalendar (RFC 5545) event for the appointment, in UTC: what, where, with whom."""
    summary = _("Rendez-vous : %(purpose)s") % {"purpose": appointment.purpose}
    with_label = appointment.with_label
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Parcours//Mon espace//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@{host}",
        f"DTSTAMP:{_ics_time(timezone.now())}",
        f"DTSTART:{_ics_time(appointment.starts_at)}",
        f"DTEND:{_ics_time(appointment.ends_at)}",
        f"SUMMARY:{_ics_text(summary)}",
        f"LOCATION:{_ics_text(appointment.place)}",
    ]
    if with_label:
        lines.append("DESCRIPTION:" + _ics_text(_("Avec %(who)s") % {"who": with_label}))
    if appointment.status == "cancelled":
        lines.append("STATUS:CANCELLED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


@person_required
def appointment_ics(request, pk):
    appointment = _mine(request, pk)
    response = HttpResponse(
        calendar_file(appointment, request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{appointment.pk}.ics"'
    response["Cache-Control"] = "no-store"
    return response
