"""Pages of appointments for the workers: the list (today, move requests, to mark), booking from the
household file or a measure, one appointment with its history and actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.households.display import household_label
from parcours.households.models import Household
from parcours.households.services import record_read, record_reads

from .. import forms, perms, services
from ..choices import APPOINTMENT_OPEN_STATUSES
from ..models import Appointment, SupportMeasure
from ._common import _crumbs, _fail, _form_errors, _people


def _appointments_crumbs(*more):
    return _crumbs((_("Rendez-vous"), reverse("support:appointments")), *more)


def worker_lists(user) -> dict:
    return Appointment.objects.visible_to(user).worklists()


def appointment_list(request):
    if not perms.can_list_appointments(request.user):
        raise Http404
    lists = {
        key: list(
            qs.select_related("household", "with_user")
            .prefetch_related(*_people())
            .order_by("starts_at", "pk")[:100]
        )
        for key, qs in worker_lists(request.user).items()
    }
    record_reads(
        actor=request.user,
        households=list({a.household_id: a.household for rows in lists.values() for a in rows}.values()),
        sections=["appointments"],
        purpose="list",
    )
    return render(
        request,
        "support/appointment_list.html",
        {**lists, "crumbs": [(_("Accompagnement"), reverse("support:measures")), (_("Rendez-vous"), None)]},
    )


def appointment_create(request, household_id):
    household = Household.objects.alive().filter(pk=household_id).first()
    if household is None or not perms.can_book_appointment(request.user, household):
        raise Http404
    measure = None
    measure_id = request.GET.get("mesure") or request.POST.get("measure")
    if measure_id and str(measure_id).isdigit():
        measure = (
            SupportMeasure.objects.worked_on_by(request.user)
            .filter(pk=measure_id, household=household)
            .first()
        )
    organization_id = request.user.active_membership.organization_id
    form = forms.AppointmentForm(request.POST or None, household=household, organization_id=organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_book(
                actor=request.user, household=household, measure=measure, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Le rendez-vous est pris. La personne le voit dans Mon espace."))
            return redirect("support:appointment", pk=appointment.pk)
    record_read(actor=request.user, household=household, sections=["appointments"], purpose="support")
    name = household_label(request.user, household).text
    return render(
        request,
        "support/appointment_form.html",
        {
            "form": form,
            "household": household,
            "measure": measure,
            "crumbs": _appointments_crumbs((_("Prendre un rendez-vous"), None)),
            "name": name,
        },
        status=400 if form.errors else 200,
    )


def _get(request, pk) -> Appointment:
    return get_visible_or_404(
        Appointment.objects.select_related(
            "household", "person", "with_user", "measure__kind", "organization"
        ),
        pk,
        request.user,
    )


def appointment_detail(request, pk):
    appointment = _get(request, pk)
    record_read(
        actor=request.user, household=appointment.household, sections=["appointments"], purpose="support"
    )
    events = list(appointment.events.select_related("actor"))
    last_request = next((e for e in reversed(events) if e.to_status == "move" and e.by_person), None)
    now = timezone.now()
    is_open = appointment.status in APPOINTMENT_OPEN_STATUSES
    return render(
        request,
        "support/appointment_detail.html",
        {
            "appointment": appointment,
            "events": events,
            "last_request": last_request if appointment.status == "move" else None,
            "name": household_label(request.user, appointment.household).text,
            "can_move": is_open,
            "can_mark": is_open and appointment.starts_at <= now,
            "move_form": forms.AppointmentMoveForm(prefix="move"),
            "crumbs": _appointments_crumbs((str(appointment), None)),
        },
    )


@require_POST
def appointment_action(request, pk, action):
    appointment = _get(request, pk)
    if action not in ("move", "cancel", "kept", "missed"):
        raise Http404
    version = request.POST.get("version")
    version = int(version) if version and version.isdigit() else None
    try:
        if action == "move":
            form = forms.AppointmentMoveForm(request.POST, prefix="move")
            if not form.is_valid():
                _form_errors(request, form)
                return redirect("support:appointment", pk=pk)
            services.appointment_move(
                actor=request.user, appointment=appointment, expected_version=version, **form.cleaned_data
            )
            done = _("Le rendez-vous est déplacé. La personne voit la nouvelle date dans Mon espace.")
        elif action == "cancel":
            services.appointment_cancel(actor=request.user, appointment=appointment, expected_version=version)
            done = _("Le rendez-vous est annulé.")
        else:
            services.appointment_mark(
                actor=request.user, appointment=appointment, kept=action == "kept", expected_version=version
            )
            done = _("C'est noté.")
    except (services.Conflict, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done)
    return redirect("support:appointment", pk=pk)
