"""Orientation pages: the list of requests, a request with its history, a new request, transitions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.assessments.models import Assessment, Perspective
from parcours.core import errors
from parcours.core.cache import cached
from parcours.core.compiled import instances_of
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.pagination import compiled_page, counted_page
from parcours.households import perms as household_perms
from parcours.households.display import household_label, trace_named
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.households.querysets import label_prefetch
from parcours.households.services import record_read
from parcours.offers.choices import FacilityKind

from . import perms, services
from .choices import RequestStatus
from .forms import ReferentTransferForm, RequestFilterForm, RequestForm, TerritoryTransferForm, TransitionForm
from .models import InsertionRequest, Proposal, RequestTransition
from .proposal_views import with_places

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


def request_title(user, insertion_request) -> str:
    """« Demande — Awa D. · F + 2 enfants »: the request named by its household, as this user may."""
    return _("Demande — %(household)s") % {
        "household": household_label(user, insertion_request.household).text
    }


# A request's page reads the request with its household; the people and consents name the household
# (households.display) without a query per mention. Built once: its SQL is compiled once per process
# and visibility rule (core.lookup's `compiled_as`, InsertionRequestQuerySet.visibility_key, issue 18).
REQUESTS = InsertionRequest.objects.select_related("household").prefetch_related(
    *label_prefetch("household__")
)
REQUESTS_SQL = "orientation.request"


def _get(request, pk) -> InsertionRequest:
    """The request among those of the households the user may view, merged files included (the
    household's page opens them too), then only if its rules let the user read it (a facility or a
    landlord never does: perms.can_view_request); else a 404, the same for one that does not exist."""
    found = get_visible_or_404(REQUESTS, pk, request.user, compiled_as=REQUESTS_SQL, include_merged=True)
    if not perms.can_view_request(request.user, found):
        raise Http404
    return found


def _listed(user, membership, status):
    """The requests of the list, those to check first, with their households named (the people and
    consents: households.display) without a query per row."""
    requests = InsertionRequest.objects.visible_to(user)
    if membership.role == Role.SOCIAL_WORKER:
        requests = requests.filter(household__referent_organization_id=membership.organization_id)
    if status:
        requests = requests.filter(status=status)
    to_check = Case(
        When(status=RequestStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        requests.annotate(to_check=to_check)
        .order_by("to_check", "submitted_at", "-created_at", "-pk")
        .select_related("household")
        .prefetch_related(*label_prefetch("household__"))
    )


def _page(user, membership, status, number) -> Page:
    """`counted_page(_listed(…), PAGE_SIZE, number)`, the page's SQL compiled once per process for the
    user's visibility rule (InsertionRequestQuerySet.visibility_key), role, organization, status and
    page (core.pagination.compiled_page; issue 18: building and compiling the list's query, with its
    visibility rule, was the list's largest cost after its drawing)."""
    shape = InsertionRequest.objects.visibility_key(user)
    if shape is None:
        return counted_page(_listed(user, membership, status), PAGE_SIZE, number)
    return compiled_page(
        ("orientation.list", shape, membership.role, membership.organization_id, status),
        lambda: _listed(user, membership, status),
        PAGE_SIZE,
        number,
        # The people and consents of the households: the same lookups whoever reads.
        prefetch_key=("orientation.list",),
    )


def request_list(request):
    if not perms.can_list_requests(request.user):
        raise Http404
    form = RequestFilterForm(request.GET or None)
    membership = active_membership(request.user)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = _page(request.user, membership, status, request.GET.get("page"))
    trace_named(request.user, [r.household for r in page], purpose="list", request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orientation/list.html",
        {
            "form": form,
            "status_field": _status_field(form),
            "page": page,
            "query": query.urlencode(),
            "crumbs": [(_("Orientation"), None)],
        },
    )


def _status_field(form: RequestFilterForm) -> str:
    """The filter's select, the same for everyone (the statuses), rendered once per language and status
    chosen (issue 18: the widget's rendering was an eighth of the list's CPU). A refused value (an
    error to show) is rendered by the form itself."""
    if form.is_bound and not form.is_valid():
        return ""
    status = form.cleaned_data["status"] if form.is_bound else ""
    html = cached(
        "orientation_forms",
        f"status:{get_language()}:{status}",
        lambda: str(form["status"].as_field_group()),
    )
    # The template engine's output, kept as text in the cache.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


# Rendered in the cached referent field in place of the request's own search URL.
SEARCH_URL_SLOT = "__orientation_referent_search_url__"


def _blank_fields() -> dict:
    """The fields of the blank transfer and transition forms, the same on every request's page (the
    organizations, the départements, labels): rendered once per language, kept until an organization
    or a territory changes (issue 18: the forms' widgets were a third of the request page's CPU). The
    referent's search URL is the request's own: a slot, filled in by request_detail."""

    def render_fields() -> dict:
        referent = ReferentTransferForm(prefix="ref", search_url=SEARCH_URL_SLOT)
        territory = TerritoryTransferForm(prefix="ter")
        return {
            "referent": str(referent["organization"].as_field_group())
            + render_to_string("orientation/_referent_field.html", {"form": referent})
            + str(referent["reason"].as_field_group()),
            "territory": str(territory["territory"].as_field_group())
            + str(territory["reason"].as_field_group()),
            **{
                f"reason:{action}": str(TransitionForm(prefix=action)["reason"].as_field_group())
                for action in ACTION_LABELS
            },
        }

    return cached("orientation_forms", f"blank:{get_language()}", render_fields)


def _kinds_display(codes) -> list[str]:
    labels = dict(FacilityKind.choices)
    return [str(labels.get(c, c)) for c in codes]


def _facts_link(user, found) -> bool:
    """Whether the request's matching facts (needs, priority) page is open to the user."""
    return perms.can_edit_needs(user, found) or perms.can_set_priority(user, found)


def _proposals(user, found) -> list:
    """The request's proposals, newest first, each given the request already loaded (its household,
    people and consents): not read again for each proposal. Its SQL compiled once per process (the
    same for every request and reader: core.compiled, issue 18)."""
    proposals = instances_of(
        ("orientation.request_proposals",),
        lambda request: (
            Proposal.objects.filter(request_id=request)
            .select_related("vacancy__unit__facility", "refusal_reason")
            .order_by("-created_at")
        ),
        request=found.pk,
    )
    for proposal in proposals:
        proposal.request = found
    return with_places(user, proposals)


def _transitions(found) -> list:
    """The request's history, oldest first, with who made each change; its SQL compiled once per process."""
    return instances_of(
        ("orientation.request_transitions",),
        lambda request: (
            RequestTransition.objects.filter(request_id=request).select_related("actor").order_by("at", "pk")
        ),
        request=found.pk,
    )


def request_detail(request, pk, bound=None):
    found = _get(request, pk)
    actions = perms.available_actions(request.user, found)
    bound = bound or {}
    user = request.user
    record_read(actor=user, household=found.household, sections=["orientation"], purpose="orientation")
    may_transfer = bool(bound.get("referent")) or perms.can_transfer(user, found)
    may_move = bool(bound.get("territory")) or (found.is_live and perms.can_check(user, found))
    blank = _blank_fields() if actions or may_transfer or may_move else {}
    # The template engine's output, kept as text in the cache (the slot: a URL of digits and slashes),
    # reversed once for the page rather than once per field.
    search_url = _referent_search_url(found) if blank else ""
    fields_html = {
        key: mark_safe(html.replace(SEARCH_URL_SLOT, search_url))  # noqa: S308  # nosec B308 B703
        for key, html in blank.items()
    }
    return render(
        request,
        "orientation/detail.html",
        {
            "req": found,
            "valid_until": found.valid_until,
            "facts_link": _facts_link(user, found),
            "can_renew": perms.can_renew(user, found),
            # A form refused shows again with what was typed and its errors; a blank one, its cached fields.
            "referent_form": bound.get("referent") or may_transfer,
            "referent_fields": "" if bound.get("referent") else fields_html.get("referent", ""),
            "territory_form": bound.get("territory") or may_move,
            "territory_fields": "" if bound.get("territory") else fields_html.get("territory", ""),
            "proposals": _proposals(user, found),
            "hidden_place": household_perms.HIDDEN_PLACE,
            "kinds": _kinds_display(found.wished_kinds),
            "transitions": _transitions(found),
            "actions": [
                (action, ACTION_LABELS[action], perms.ACTIONS[action][2], fields_html[f"reason:{action}"])
                for action in actions
            ],
            "crumbs": _crumbs((request_title(user, found), None)),
        },
        status=400 if bound else 200,
    )


def _run(request, pk, form, key, service, success):
    """Run a request service from a bound form; show the page again with the errors on a refusal."""
    found = _get(request, pk)
    if form.is_valid():
        try:
            service(found, form.cleaned_data)
        except services.TransitionConflict as exc:
            errors.show(request, exc)
            return redirect("orientation:detail", pk=pk)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, success)
            return redirect("orientation:detail", pk=pk)
    return request_detail(request, pk, bound={key: form})


@require_POST
def request_renew(request, pk):
    found = _get(request, pk)
    try:
        services.request_renew(actor=request.user, insertion_request=found)
    except services.TransitionConflict as exc:
        errors.show(request, exc)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("La demande est actualisée : elle reste valable trois mois de plus."))
    return redirect("orientation:detail", pk=pk)


def _referent_search_url(found) -> str:
    return reverse("orientation:referent_search", args=[getattr(found, "pk", found)])


def request_referent_search(request, pk):
    """The combobox's options (htmx): the social workers whose name holds the words typed, of the
    organization chosen in the form when there is one; only for whoever may transfer the request."""
    from parcours.accounts.models import Organization

    from .forms import person_name, search_social_workers

    found = _get(request, pk)
    if not perms.can_transfer(request.user, found):
        raise Http404
    typed = (request.GET.get("ref-referent_name") or request.GET.get("q") or "")[:150]
    organization_id = request.GET.get("ref-organization") or ""
    organization = (
        Organization.objects.filter(pk=int(organization_id)).first() if organization_id.isdigit() else None
    )
    people = search_social_workers(typed, organization)
    for person in people:
        person.label = person_name(person)
    return render(
        request,
        "orientation/_referent_options.html",
        {
            "found": people,
            "typed": typed.strip(),
            "listbox": "ref-referent-listbox",
            "status": "ref-referent_name-status",
        },
    )


@require_POST
def request_transfer_referent(request, pk):
    def run(found, data):
        services.request_transfer_referent(
            actor=request.user,
            insertion_request=found,
            organization=data["organization"],
            referent=data["referent"],
            reason=data["reason"],
        )

    form = ReferentTransferForm(request.POST, prefix="ref", search_url=_referent_search_url(pk))
    return _run(
        request, pk, form, "referent", run, _("Le dossier est confié à sa nouvelle organisation référente.")
    )


@require_POST
def request_transfer_territory(request, pk):
    def run(found, data):
        services.request_transfer_territory(
            actor=request.user,
            insertion_request=found,
            territory=data["territory"].code,
            reason=data["reason"],
        )

    form = TerritoryTransferForm(request.POST, prefix="ter")
    found = _get(request, pk)
    response = _run(
        request, pk, form, "territory", run, _("La demande est transférée au SIAO de ce département.")
    )
    # After the transfer this SIAO no longer holds the file: back to the list rather than a 404.
    if response.status_code == 302 and not perms.can_view_request(request.user, found):
        return redirect("orientation:list")
    return response


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
        errors.show(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(
            request, _("La demande est maintenant « %(s)s ».") % {"s": RequestStatus(found.status).label}
        )
    return redirect("orientation:detail", pk=found.pk)


def _assessment_initial(household) -> dict:
    """What the latest worker assessment already says (item 5.1 of the grid: the maximum rent), so
    that the request's form does not ask it again."""
    latest = (
        Assessment.objects.filter(household=household, perspective=Perspective.WORKER)
        .order_by("-number")
        .first()
    )
    answer = latest and latest.answers.filter(item__code="5.1").first()
    max_rent = answer.values.get("max_rent") if answer else None
    return {"max_rent": max_rent} if max_rent else {}


def request_create(request, household_id):
    household = Household.objects.alive().filter(pk=household_id).first()
    if household is None or not can_view_household(request.user, household):
        raise Http404
    if not perms.can_create_request(request.user, household):
        raise Http404
    form = RequestForm(
        request.POST or None,
        initial={"wished_territories": household.territory.code, **_assessment_initial(household)},
    )
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
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La demande est créée en brouillon."))
            return redirect("orientation:detail", pk=created.pk)
    record_read(actor=request.user, household=household, sections=["identity"], purpose="orientation")
    return render(
        request,
        "orientation/form.html",
        {"form": form, "household": household, "crumbs": _crumbs((_("Nouvelle demande"), None))},
        status=409 if conflict else (400 if form.errors else 200),
    )
