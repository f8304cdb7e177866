"""Pages of collective workshops: list, detail, sessions, enrolments, attendance."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household, with_people
from parcours.households.services import record_reads

from .. import forms, perms, services
from ..models import ProjectGoal, SupportMeasure, Workshop, WorkshopSession
from ._common import _crumbs, _fail, _form_errors


def workshop_list(request):
    if not perms.can_view_workshops(request.user):
        raise Http404
    form = forms.WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("L'atelier est créé : ajoutez ses séances."))
            return redirect("support:workshop", pk=workshop.pk)
    workshops = (
        Workshop.objects.visible_to(request.user).select_related("organization").prefetch_related("sessions")
    )
    return render(
        request,
        "support/workshop_list.html",
        {"workshops": workshops, "form": form, "crumbs": _crumbs((_("Ateliers collectifs"), None))},
        status=400 if form.errors else 200,
    )


def _get_workshop(request, pk) -> Workshop:
    return get_visible_or_404(Workshop.objects.select_related("organization"), pk, request.user)


def workshop_detail(request, pk):
    workshop = _get_workshop(request, pk)
    manage = perms.can_manage_workshop(request.user, workshop)
    visible = set(Household.objects.listable_by(request.user).values_list("pk", flat=True))
    enrolments = workshop.enrolments.select_related("household", "goal")
    enrolments = enrolments.prefetch_related(*with_people("household"))
    enrolments = [e for e in enrolments if e.household_id in visible]
    record_reads(
        actor=request.user,
        households=[e.household for e in enrolments],
        sections=["workshop"],
        purpose="workshop",
    )
    hidden = workshop.enrolments.count() - len(enrolments)
    sessions = list(workshop.sessions.prefetch_related("attendances"))
    for session in sessions:
        session.present_ids = {a.enrolment_id for a in session.attendances.all() if a.present}
        session.recorded = bool(session.attendances.all())
    return render(
        request,
        "support/workshop_detail.html",
        {
            "workshop": workshop,
            "manage": manage,
            "enrolments": enrolments,
            "hidden": hidden,
            "sessions": sessions,
            "session_form": forms.SessionForm(prefix="session"),
            "enrol_form": forms.EnrolForm(prefix="enrol"),
            "crumbs": _crumbs(
                (_("Ateliers collectifs"), reverse("support:workshops")), (workshop.title, None)
            ),
        },
    )


@require_POST
def workshop_action(request, pk, action):
    workshop = _get_workshop(request, pk)
    if action not in ("session", "enrol", "attendance"):
        raise Http404
    try:
        if action == "session":
            if not perms.can_manage_workshop(request.user, workshop):
                raise Http404
            form = forms.SessionForm(request.POST, prefix="session")
            if not form.is_valid():
                _form_errors(request, form)
                return redirect("support:workshop", pk=pk)
            services.session_add(actor=request.user, workshop=workshop, **form.cleaned_data)
        elif action == "enrol":
            form = forms.EnrolForm(request.POST, prefix="enrol")
            if not form.is_valid():
                _form_errors(request, form)
                return redirect("support:workshop", pk=pk)
            household = Household.objects.alive().filter(pk=form.cleaned_data["household"]).first()
            if household is None or not perms.can_enrol(request.user, workshop, household):
                messages.error(request, _("Aucun dossier de ce numéro ne vous est accessible."))
                return redirect("support:workshop", pk=pk)
            goal = (
                ProjectGoal.objects.filter(
                    measure__in=SupportMeasure.objects.worked_on_by(request.user),
                    measure__household=household,
                    axis=workshop.axis,
                    status="active",
                )
                .order_by("pk")
                .first()
            )
            services.enrol(actor=request.user, workshop=workshop, household=household, goal=goal)
        else:
            if not perms.can_manage_workshop(request.user, workshop):
                raise Http404
            session = WorkshopSession.objects.filter(
                workshop=workshop, pk=forms.posted_id(request.POST.get("session"))
            ).first()
            if session is None:
                raise Http404
            services.attendance_record(
                actor=request.user,
                session=session,
                present_enrolment_ids=[forms.posted_id(i) for i in request.POST.getlist("present")],
            )
    except (services.Conflict, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("C'est enregistré."))
    return redirect("support:workshop", pk=pk)
