"""Pages of support measures and of the network's kinds of measure."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.households.display import household_label
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.households.querysets import label_prefetch
from parcours.households.services import record_read, record_reads

from .. import forms, perms, services
from ..models import MeasureKind, Programme, SupportMeasure
from ._common import PAGE_SIZE, _crumbs, _fail, _form_errors


def _named(request, measure) -> str:
    return household_label(request.user, measure.household).text


def measure_list(request):
    if not perms.can_list_measures(request.user):
        raise Http404
    file_number = request.GET.get("dossier", "").strip()
    if file_number.isdigit():
        return redirect("support:measure_new", household_id=int(file_number))
    form = forms.MeasureFilterForm(request.GET or None)
    measures = SupportMeasure.objects.visible_to(request.user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            measures = measures.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            measures = measures.review_overdue()
    measures = measures.select_related("kind", "organization", "referent", "household").prefetch_related(
        *label_prefetch("household__")
    )
    page = Paginator(measures.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    record_reads(
        actor=request.user, households=[m.household for m in page], sections=["support"], purpose="list"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "support/measure_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "crumbs": [(_("Accompagnement"), None)]},
    )


def measure_create(request, household_id):
    household = Household.objects.alive().filter(pk=household_id).first()
    if household is None or not can_view_household(request.user, household):
        raise Http404
    if not perms.can_open_measure(request.user, household):
        raise Http404
    form = forms.MeasureForm(request.POST or None, programmes=Programme.objects.visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.measure_create(
                actor=request.user,
                household=household,
                kind=data["kind"],
                consent_given=data["consent"] == "accepted",
                informed_how=data["informed_how"],
                started_on=data["started_on"],
                intensity=data["intensity"],
                next_review_on=data["next_review_on"],
                programme=data["programme"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except services.Conflict as exc:
            errors.add_to_form(form, exc)
        else:
            if measure.consent_given:
                messages.success(request, _("La mesure est ouverte."))
            else:
                messages.success(
                    request, _("Le refus de la personne est enregistré : aucune mesure n'est ouverte.")
                )
            return redirect("support:measure", pk=measure.pk)
    record_read(actor=request.user, household=household, sections=["identity"], purpose="support")
    return render(
        request,
        "support/measure_form.html",
        {"form": form, "household": household, "crumbs": _crumbs((_("Nouvelle mesure"), None))},
        status=400 if form.errors else 200,
    )


def _get_measure(request, pk) -> SupportMeasure:
    queryset = SupportMeasure.objects.select_related(
        "kind", "organization", "referent", "household", "programme"
    )
    return get_visible_or_404(queryset, pk, request.user)


def _measure_form(name, measure, data=None):
    return MEASURE_ACTIONS[name].form(data, measure=measure, prefix=name)


def _measure_forms(measure, data=None, only=None):
    """The forms shown on the measure page; `only` binds one of them to the posted data."""
    return {
        name: _measure_form(name, measure, data if name == only else None)
        for name, entry in MEASURE_ACTIONS.items()
        if entry.on_page
    }


def _appointments_of(user, measure) -> dict:
    """The measure's appointments (those booked from it, and the household's since the measure began)
    with the kept / missed counts, for whoever may see the household's appointments."""
    from django.db.models import Q

    from ..models import Appointment
    from ..querysets import appointment_attendance

    appointments = Appointment.objects.visible_to(user).filter(household=measure.household_id)
    if measure.started_on:
        appointments = appointments.filter(
            Q(measure=measure) | Q(measure__isnull=True, starts_at__date__gte=measure.started_on)
        )
    else:
        appointments = appointments.filter(measure=measure)
    rows = list(appointments.select_related("with_user").order_by("-starts_at", "-pk")[:50])
    return {
        "appointments": rows,
        "attendance": appointment_attendance(rows),
        "can_book": perms.can_book_appointment(user, measure.household),
    }


def measure_detail(request, pk, bound=None, status=200):
    measure = _get_measure(request, pk)
    details = perms.can_view_measure_details(request.user, measure)
    manage = perms.can_manage_measure(request.user, measure)
    record_read(
        actor=request.user,
        household=measure.household,
        sections=["support_measure", *(["support_details"] if details else [])],
        purpose="support",
    )
    transitions = list(measure.transitions.select_related("actor").prefetch_related("evaluations"))
    context = {
        "measure": measure,
        "details": details,
        "manage": manage,
        "can_log": perms.can_log_action(request.user, measure),
        "head": measure.household.head if can_view_household(request.user, measure.household) else None,
        "intensities": measure.intensities.select_related("set_by"),
        "transitions": transitions,
        "coworkers": measure.coworkers.select_related("organization").filter(ended_at__isnull=True),
        **_appointments_of(request.user, measure),
        "crumbs": _crumbs(
            (
                _("Mesure — %(household)s")
                % {"household": household_label(request.user, measure.household).text},
                None,
            )
        ),
    }
    if details:
        actions = list(measure.actions.select_related("author", "organization", "goal", "measure"))
        for action in actions:
            readable = perms.can_read_note(request.user, action, details=True)
            action.readable_note = action.note if readable else None
        context.update(
            {
                "goals": measure.goals.prefetch_related("steps"),
                "reviews": measure.reviews.select_related("held_by"),
                "actions": actions,
                "forms": bound or _measure_forms(measure),
            }
        )
    return render(request, "support/measure_detail.html", context, status=status)


@dataclass(frozen=True)
class MeasureAction:
    """What one action of the measure page posts (`form`), does (`service`) and says (`message`).
    `on_page`: an invalid form is shown again on the page (400) rather than as messages;
    `allowed(user, measure)`: who may (the others get a 404)."""

    form: type[forms.MeasureActionForm]
    service: Callable[..., object]
    message: str
    on_page: bool = True
    allowed: Callable[..., bool] = perms.can_manage_measure


SAVED = gettext_lazy("C'est enregistré.")

MEASURE_ACTIONS = {
    "intensity": MeasureAction(forms.IntensityForm, services.measure_set_intensity, SAVED),
    "review": MeasureAction(forms.ReviewForm, services.review_plan, SAVED),
    "hold": MeasureAction(forms.ReviewHoldForm, services.review_hold, SAVED, on_page=False),
    "goal": MeasureAction(forms.GoalForm, services.goal_create, SAVED),
    "goal_status": MeasureAction(forms.GoalStatusForm, services.goal_set_status, SAVED, on_page=False),
    "step": MeasureAction(forms.StepForm, services.step_add, SAVED, on_page=False),
    "step_done": MeasureAction(forms.StepDoneForm, services.step_done, SAVED, on_page=False),
    "action": MeasureAction(
        forms.ActionForm, services.action_log, SAVED, allowed=perms.can_view_measure_details
    ),
    "coworker": MeasureAction(forms.CoworkerForm, services.coworker_add, SAVED),
    "coworker_end": MeasureAction(forms.CoworkerEndForm, services.coworker_end, SAVED, on_page=False),
    "close": MeasureAction(forms.CloseForm, services.measure_close, SAVED),
    "reopen": MeasureAction(forms.ReopenForm, services.measure_reopen, SAVED),
}


@require_POST
def measure_action(request, pk, action):
    """One dispatcher for every action of MEASURE_ACTIONS: check, clean, call the service, say it."""
    measure = _get_measure(request, pk)
    entry = MEASURE_ACTIONS.get(action)
    if entry is None or not entry.allowed(request.user, measure):
        raise Http404
    form = _measure_form(action, measure, request.POST)
    if not form.is_valid():
        if entry.on_page:
            return measure_detail(
                request, pk, bound=_measure_forms(measure, request.POST, only=action), status=400
            )
        _form_errors(request, form)
        return redirect("support:measure", pk=measure.pk)
    try:
        arguments = form.arguments()
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        entry.service(actor=request.user, **arguments)
    except (services.Conflict, StaleVersionError, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, entry.message)
    return redirect("support:measure", pk=measure.pk)


def kind_list(request):
    if not perms.can_list_measures(request.user) and not perms.can_manage_kinds(request.user):
        raise Http404
    form = forms.KindForm(request.POST or None) if perms.can_manage_kinds(request.user) else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.measure_kind_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Le type de mesure est ajouté à la liste du réseau."))
                return redirect("support:kinds")
    return render(
        request,
        "support/kinds.html",
        {"kinds": MeasureKind.objects.all(), "form": form, "crumbs": _crumbs((_("Types de mesure"), None))},
        status=400 if form is not None and form.errors else 200,
    )
