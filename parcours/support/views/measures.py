"""Pages of support measures and of the network's kinds of measure."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Organization
from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.households.models import Consent, Household
from parcours.households.perms import can_view_household
from parcours.households.services import record_read, record_reads

from .. import forms, perms, services
from ..models import (
    GoalStep,
    MeasureCoworker,
    MeasureKind,
    MeasureReview,
    Programme,
    ProjectGoal,
    SupportMeasure,
)
from ._common import PAGE_SIZE, _crumbs, _fail, _form_errors, _int, _people

# Measures


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
        _people()
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


def _coworker_candidates(measure):
    consented = Consent.objects.active().filter(household_id=measure.household_id, purpose="support")
    current = measure.coworkers.filter(ended_at__isnull=True).values("organization_id")
    return (
        Organization.objects.active()
        .filter(pk__in=consented.values("organization_id"))
        .exclude(pk=measure.organization_id)
        .exclude(pk__in=current)
    )


def _measure_forms(measure, data=None, only=None):
    """The forms of the measure page; `only` binds one of them to the posted data."""

    def bind(name):
        return data if name == only else None

    goals = measure.goals.all()
    return {
        "intensity": forms.IntensityForm(bind("intensity"), prefix="intensity"),
        "review": forms.ReviewForm(bind("review"), prefix="review"),
        "goal": forms.GoalForm(bind("goal"), prefix="goal"),
        "action": forms.ActionForm(bind("action"), prefix="action", goals=goals),
        "coworker": forms.CoworkerForm(
            bind("coworker"), prefix="coworker", organizations=_coworker_candidates(measure)
        ),
        "close": forms.CloseForm(bind("close"), prefix="close", initial={"version": measure.version}),
        "reopen": forms.ReopenForm(bind("reopen"), prefix="reopen", initial={"version": measure.version}),
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
        "crumbs": _crumbs((str(measure), None)),
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


MEASURE_ACTIONS = {
    "intensity",
    "review",
    "hold",
    "goal",
    "goal_status",
    "step",
    "step_done",
    "action",
    "coworker",
}
MEASURE_ACTIONS |= {"coworker_end", "close", "reopen"}


@require_POST
def measure_action(request, pk, action):
    measure = _get_measure(request, pk)
    if action not in MEASURE_ACTIONS:
        raise Http404
    if action == "action":
        if not perms.can_view_measure_details(request.user, measure):
            raise Http404
    elif not perms.can_manage_measure(request.user, measure):
        raise Http404
    data = request.POST
    user = request.user
    form = None
    try:
        if action in ("intensity", "review", "goal", "action", "coworker", "close", "reopen"):
            form = _measure_forms(measure, data, only=action)[action]
            if not form.is_valid():
                return measure_detail(
                    request, pk, bound=_measure_forms(measure, data, only=action), status=400
                )
            d = form.cleaned_data
            if action == "intensity":
                services.measure_set_intensity(
                    actor=user,
                    measure=measure,
                    level=d["level"],
                    from_date=d["from_date"],
                    reason=d["reason"],
                )
            elif action == "review":
                services.review_plan(actor=user, measure=measure, planned_on=d["planned_on"])
            elif action == "goal":
                services.goal_create(
                    actor=user,
                    measure=measure,
                    axis=d["axis"],
                    title=d["title"],
                    written_with_person=d["written_with_person"],
                )
            elif action == "action":
                services.action_log(
                    actor=user,
                    measure=measure,
                    kind=d["kind"],
                    happened_on=d["happened_on"],
                    duration_minutes=d["duration_minutes"],
                    note=d["note"],
                    confidentiality=d["confidentiality"],
                    goal=d["goal"],
                )
            elif action == "coworker":
                services.coworker_add(
                    actor=user, measure=measure, organization=d["organization"], role=d["role"]
                )
            elif action == "close":
                services.measure_close(
                    actor=user,
                    measure=measure,
                    version=d["version"],
                    reason=d["reason"],
                    ended_on=d["ended_on"],
                    comment=d["comment"],
                    evaluations=form.evaluations(),
                    eviction_avoided=forms.yes_no(d["eviction_avoided"]),
                )
            elif action == "reopen":
                services.measure_reopen(
                    actor=user,
                    measure=measure,
                    version=d["version"],
                    comment=d["comment"],
                    next_review_on=d["next_review_on"],
                )
        elif action == "hold":
            form = forms.ReviewHoldForm(data, prefix="hold")
            if form.is_valid():
                review = MeasureReview.objects.filter(measure=measure, pk=form.cleaned_data["review"]).first()
                if review is None:
                    raise Http404
                services.review_hold(
                    actor=user,
                    review=review,
                    held_on=form.cleaned_data["held_on"],
                    summary=form.cleaned_data["summary"],
                )
            else:
                _form_errors(request, form)
        elif action == "step":
            form = forms.StepForm(data, prefix="step")
            if form.is_valid():
                goal = ProjectGoal.objects.filter(measure=measure, pk=form.cleaned_data["goal"]).first()
                if goal is None:
                    raise Http404
                services.step_add(
                    actor=user,
                    goal=goal,
                    label=form.cleaned_data["label"],
                    due_on=form.cleaned_data["due_on"],
                )
            else:
                _form_errors(request, form)
        elif action == "step_done":
            step = GoalStep.objects.filter(goal__measure=measure, pk=_int(data.get("step"))).first()
            if step is None:
                raise Http404
            services.step_done(actor=user, step=step)
        elif action == "goal_status":
            goal = ProjectGoal.objects.filter(measure=measure, pk=_int(data.get("goal"))).first()
            if goal is None:
                raise Http404
            services.goal_set_status(actor=user, goal=goal, status=data.get("status", ""))
        elif action == "coworker_end":
            coworker = MeasureCoworker.objects.filter(measure=measure, pk=_int(data.get("coworker"))).first()
            if coworker is None:
                raise Http404
            services.coworker_end(actor=user, coworker=coworker)
    except (services.Conflict, StaleVersionError, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        raise Http404 from None
    else:
        if form is None or form.is_valid():
            messages.success(request, _("C'est enregistré."))
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
