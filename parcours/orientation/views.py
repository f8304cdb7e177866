"""Orientation pages: the list of requests, a request with its history, a new request, transitions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.core.forms import add_validation_errors
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.offers.choices import FacilityKind

from . import perms, services
from .choices import RequestStatus
from .forms import RequestFilterForm, RequestForm, TransitionForm
from .models import InsertionRequest

PAGE_SIZE = 25

ACTION_LABELS = {
    "submit": gettext_lazy("Transmettre au SIAO"),
    "ask_completion": gettext_lazy("Demander un complément"),
    "validate": gettext_lazy("Valider"),
    "cancel": gettext_lazy("Annuler la demande"),
    "reactivate": gettext_lazy("Réactiver"),
}


def _crumbs(*more):
    return [(_("Orientation"), reverse("orientation:list")), *more]


def _get(request, pk) -> InsertionRequest:
    found = InsertionRequest.objects.select_related("household").filter(pk=pk).first()
    if found is None or not perms.can_view_request(request.user, found):
        raise Http404
    return found


def request_list(request):
    if not perms.can_list_requests(request.user):
        raise Http404
    form = RequestFilterForm(request.GET or None)
    requests = InsertionRequest.objects.visible_to(request.user)
    membership = active_membership(request.user)
    if membership.role == Role.SOCIAL_WORKER:
        requests = requests.filter(household__referent_organization_id=membership.organization_id)
    if form.is_valid() and form.cleaned_data["status"]:
        requests = requests.filter(status=form.cleaned_data["status"])
    requests = requests.annotate(
        to_check=Case(
            When(status=RequestStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("to_check", "submitted_at", "-created_at", "-pk")
    page = Paginator(requests.select_related("household"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orientation/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "crumbs": [(_("Orientation"), None)]},
    )


def _kinds_display(codes) -> list[str]:
    labels = dict(FacilityKind.choices)
    return [str(labels.get(c, c)) for c in codes]


def request_detail(request, pk):
    found = _get(request, pk)
    actions = perms.available_actions(request.user, found)
    return render(
        request,
        "orientation/detail.html",
        {
            "req": found,
            "kinds": _kinds_display(found.wished_kinds),
            "transitions": found.transitions.select_related("actor").order_by("at", "pk"),
            "actions": [
                (action, ACTION_LABELS[action], perms.ACTIONS[action][2], TransitionForm(prefix=action))
                for action in actions
            ],
            "crumbs": _crumbs((str(found), None)),
        },
    )


@require_POST
def request_transition(request, pk, action):
    found = _get(request, pk)
    if action not in perms.ACTIONS or not perms.may(request.user, found, action):
        raise Http404
    form = TransitionForm(request.POST, prefix=action)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.perform(action, actor=request.user, insertion_request=found, reason=reason)
    except services.TransitionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(
            request, _("La demande est maintenant « %(s)s ».") % {"s": RequestStatus(found.status).label}
        )
    return redirect("orientation:detail", pk=found.pk)


def request_create(request, household_id):
    household = Household.objects.alive().filter(pk=household_id).first()
    if household is None or not can_view_household(request.user, household):
        raise Http404
    if not perms.can_create_request(request.user, household):
        raise Http404
    form = RequestForm(request.POST or None, initial={"wished_territories": household.territory.code})
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                actor=request.user,
                household=household,
                wished_kinds=data["wished_kinds"],
                wished_territories=data["wished_territories"],
                max_rent=data["max_rent"],
            )
        except services.TransitionConflict as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La demande est créée en brouillon."))
            return redirect("orientation:detail", pk=created.pk)
    return render(
        request,
        "orientation/form.html",
        {"form": form, "household": household, "crumbs": _crumbs((_("Nouvelle demande"), None))},
        status=409 if conflict else (400 if form.errors else 200),
    )
