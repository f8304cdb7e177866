"""Support and prevention pages: measures, alerts, workshops, supported-housing programmes, kinds."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Membership, Organization
from parcours.accounts.roles import OrganizationType, Role
from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.households import visibility
from parcours.households.models import Consent, Household, Person
from parcours.households.perms import can_view_household
from parcours.households.services import record_read, record_reads
from parcours.offers.models import Unit

from . import forms, perms, services
from .models import (
    GoalStep,
    MeasureCoworker,
    MeasureKind,
    MeasureReview,
    PreventionAlert,
    Programme,
    ProgrammeHousing,
    ProjectGoal,
    SupportMeasure,
    Workshop,
    WorkshopSession,
)
from .reports import report_for

PAGE_SIZE = 25


def _stale_message() -> str:
    return _(
        "Cette fiche a été modifiée entre-temps par quelqu'un d'autre : "
        "relisez-la, puis refaites votre modification."
    )


def _int(value) -> int:
    """A posted identifier; anything else than digits finds nothing (a 404, never a 500)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def _crumbs(*more):
    return [(_("Accompagnement"), reverse("support:measures")), *more]


def _people():
    return Prefetch("household__people", queryset=Person.objects.order_by("pk"))


def _fail(request, exc) -> None:
    """Show a service's refusal as a French message; nothing already saved is lost."""
    if isinstance(exc, StaleVersionError):
        messages.error(request, _stale_message())
    else:
        errors.show(request, exc)


def _form_errors(request, form) -> None:
    for field, field_errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in field_errors:
            messages.error(request, f"{label} : {error}" if label else error)


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


# Prevention alerts


def alert_list(request):
    if not perms.can_list_alerts(request.user):
        raise Http404
    form = forms.AlertFilterForm(request.GET or None)
    alerts = PreventionAlert.objects.visible_to(request.user)
    figures = alerts.aggregate(
        pending=Count("pk", filter=Q(status__in=["new", "taken"])),
        measures=Count("pk", filter=Q(status="measure")),
        closed=Count("pk", filter=Q(status="closed")),
        avoided=Count("pk", filter=Q(eviction_avoided=True)),
    )
    if form.is_valid() and form.cleaned_data["status"]:
        status = form.cleaned_data["status"]
        alerts = alerts.pending() if status == "pending" else alerts.filter(status=status)
    hide_refusals = request.membership.role == Role.LANDLORD
    alerts = alerts.select_related("household", "landlord", "assigned_organization").prefetch_related(
        _people()
    )
    page = Paginator(alerts.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    record_reads(
        actor=request.user, households=[a.household for a in page], sections=["prevention"], purpose="list"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "support/alert_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_raise": request.membership.role == Role.LANDLORD,
            "hide_refusals": hide_refusals,
            "alert_fields": visibility.readable_fields(request.user, "alert"),
            "figures": figures,
            "crumbs": _crumbs((_("Alertes de prévention"), None)),
        },
    )


def alert_create(request):
    households = perms.alertable_households(request.user)
    if request.membership is None or request.membership.role != Role.LANDLORD:
        raise Http404
    households = households.prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("pk"))
    ).order_by("pk")
    form = forms.AlertForm(request.POST or None, households=households)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            alert = services.alert_raise(
                actor=request.user,
                household=d["household"],
                kind=d["kind"],
                detail=d["detail"],
                amount=d["amount"],
                months=d["months"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("L'alerte est transmise au SIAO et à l'association référente."))
            return redirect("support:alert", pk=alert.pk)
    else:
        record_reads(
            actor=request.user, households=list(households[:500]), sections=["list"], purpose="prevention"
        )
    return render(
        request,
        "support/alert_form.html",
        {
            "form": form,
            "crumbs": _crumbs(
                (_("Alertes de prévention"), reverse("support:alerts")), (_("Nouvelle alerte"), None)
            ),
        },
        status=400 if form.errors else 200,
    )


def _get_alert(request, pk) -> PreventionAlert:
    queryset = PreventionAlert.objects.select_related(
        "household", "landlord", "siao", "association", "assigned_organization", "assigned_to", "measure"
    )
    return get_visible_or_404(queryset, pk, request.user)


def _assignees(alert):
    """(organization:user, label) choices: the SIAO coordinators and the association's social workers."""
    orgs = [o for o in (alert.siao, alert.association) if o is not None]
    choices = []
    for org in orgs:
        choices.append((f"{org.pk}:", _("%(org)s (sans personne désignée)") % {"org": org.name}))
        members = (
            Membership.objects.filter(
                organization=org, active=True, role__in=[Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR]
            )
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        seen = set()
        for m in members:
            if m.user_id not in seen:
                seen.add(m.user_id)
                choices.append(
                    (f"{org.pk}:{m.user_id}", f"{org.name} — {m.user.get_full_name() or m.user.username}")
                )
    return choices


def _alert_forms(alert, data=None, only=None):
    def bind(name):
        return data if name == only else None

    initial = {"version": alert.version}
    return {
        "take": forms.TakeForm(bind("take"), prefix="take", initial=initial, assignees=_assignees(alert)),
        "measure": forms.AlertMeasureForm(bind("measure"), prefix="measure", initial=initial),
        "close": forms.AlertCloseForm(bind("close"), prefix="close", initial=initial),
    }


def alert_detail(request, pk, bound=None, status=200):
    alert = _get_alert(request, pk)
    record_read(actor=request.user, household=alert.household, sections=["prevention"], purpose="prevention")
    pending = alert.status in ("new", "taken")
    triage = pending and perms.can_triage_alert(request.user, alert)
    return render(
        request,
        "support/alert_detail.html",
        {
            "alert": alert,
            "head": alert.household.head,
            "alert_fields": visibility.readable_fields(request.user, "alert"),
            "show_reason": perms.landlord_may_read_close_reason(request.user, alert),
            "household_link": can_view_household(request.user, alert.household),
            "events": alert.events.select_related("actor", "organization"),
            "triage": triage,
            "open_measure": pending and perms.can_open_measure_from_alert(request.user, alert),
            "measure_visible": alert.measure is not None
            and perms.can_view_measure(request.user, alert.measure),
            "forms": bound or _alert_forms(alert),
            "crumbs": _crumbs((_("Alertes de prévention"), reverse("support:alerts")), (str(alert), None)),
        },
        status=status,
    )


@require_POST
def alert_action(request, pk, action):
    alert = _get_alert(request, pk)
    if action not in ("take", "measure", "close"):
        raise Http404
    allowed = perms.can_open_measure_from_alert if action == "measure" else perms.can_triage_alert
    if not allowed(request.user, alert):
        raise Http404
    bound = _alert_forms(alert, request.POST, only=action)
    form = bound[action]
    if not form.is_valid():
        return alert_detail(request, pk, bound=bound, status=400)
    d = form.cleaned_data
    try:
        if action == "take":
            org_id, _sep, user_id = d["assignee"].partition(":")
            organization = Organization.objects.get(pk=int(org_id))
            assigned = Membership.objects.filter(user_id=int(user_id)).first().user if user_id else None
            services.alert_take(
                actor=request.user,
                alert=alert,
                version=d["version"],
                organization=organization,
                assigned_to=assigned,
                due_on=d["due_on"],
            )
            messages.success(request, _("L'alerte est prise en charge."))
        elif action == "measure":
            measure = services.alert_open_measure(
                actor=request.user,
                alert=alert,
                version=d["version"],
                kind=d["kind"],
                consent_given=d["consent"] == "accepted",
                informed_how=d["informed_how"],
                intensity=d["intensity"],
                next_review_on=d["next_review_on"],
            )
            if measure.consent_given:
                messages.success(request, _("La mesure est ouverte."))
                return redirect("support:measure", pk=measure.pk)
            messages.success(
                request, _("Le refus de la personne est enregistré ; l'alerte est close pour ce motif.")
            )
        else:
            services.alert_close(
                actor=request.user,
                alert=alert,
                version=d["version"],
                reason=d["reason"],
                eviction_avoided=forms.yes_no(d["eviction_avoided"]),
            )
            messages.success(request, _("L'alerte est close."))
    except (services.Conflict, StaleVersionError, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        raise Http404 from None
    return redirect("support:alert", pk=alert.pk)


# Workshops


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
    enrolments = [
        e
        for e in workshop.enrolments.select_related("household", "goal").prefetch_related("household__people")
        if e.household_id in visible
    ]
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
                workshop=workshop, pk=_int(request.POST.get("session"))
            ).first()
            if session is None:
                raise Http404
            services.attendance_record(
                actor=request.user,
                session=session,
                present_enrolment_ids=[i for i in request.POST.getlist("present") if i.isdigit()],
            )
    except (services.Conflict, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("C'est enregistré."))
    return redirect("support:workshop", pk=pk)


# Supported-housing programmes


def _programme_form(request, data=None):
    landlords = Organization.objects.active().filter(type=OrganizationType.LANDLORD)
    associations = Organization.objects.active().filter(
        type__in=[OrganizationType.ASSOCIATION, OrganizationType.SIAO_OPERATOR]
    )
    return forms.ProgrammeForm(data, landlords=landlords, associations=associations)


def programme_list(request):
    programmes = Programme.objects.visible_to(request.user).select_related("landlord", "association")
    can_create = perms.can_create_programme(request.user)
    if not can_create and not programmes.exists():
        raise Http404
    form = _programme_form(request, request.POST or None) if can_create else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                programme = services.programme_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, _("Le projet est créé : ajoutez ses logements et ses financements.")
                )
                return redirect("support:programme", pk=programme.pk)
    return render(
        request,
        "support/programme_list.html",
        {"programmes": programmes, "form": form, "crumbs": _crumbs((_("Logements accompagnés"), None))},
        status=400 if form is not None and form.errors else 200,
    )


def _get_programme(request, pk) -> Programme:
    return get_visible_or_404(Programme.objects.select_related("landlord", "association"), pk, request.user)


def _candidate_units(programme):
    return Unit.objects.filter(
        active=True, facility__organization_id__in=[programme.landlord_id, programme.association_id]
    ).select_related("facility")


def programme_detail(request, pk):
    programme = _get_programme(request, pk)
    manage = perms.can_manage_programme(request.user, programme)
    report = report_for(request.user, programme)
    context = {
        "programme": programme,
        "manage": manage,
        "report": report,
        "crumbs": _crumbs(
            (_("Logements accompagnés"), reverse("support:programmes")), (programme.name, None)
        ),
    }
    if manage:
        visible = set(Household.objects.listable_by(request.user).values_list("pk", flat=True))
        housings = list(
            programme.housings.select_related("unit__facility", "household").prefetch_related(
                "household__people"
            )
        )
        for h in housings:
            h.named = h.household_id in visible
        record_reads(
            actor=request.user,
            households=[h.household for h in housings if h.named],
            sections=["programme"],
            purpose="programme",
        )
        units = programme.units.select_related("facility")
        context.update(
            {
                "units": units,
                "fundings": programme.fundings.all(),
                "housings": housings,
                "unit_form": forms.ProgrammeUnitForm(
                    prefix="unit", units=_candidate_units(programme).exclude(pk__in=units.values("pk"))
                ),
                "funding_form": forms.FundingForm(prefix="funding"),
                "housing_form": forms.HousingForm(prefix="housing", units=units),
                "end_form": forms.HousingEndForm(prefix="end"),
            }
        )
    return render(request, "support/programme_detail.html", context)


@require_POST
def programme_action(request, pk, action):
    programme = _get_programme(request, pk)
    if action not in ("unit", "funding", "housing", "end") or not perms.can_manage_programme(
        request.user, programme
    ):
        raise Http404
    data = request.POST
    try:
        if action == "unit":
            form = forms.ProgrammeUnitForm(data, prefix="unit", units=_candidate_units(programme))
            if form.is_valid():
                services.programme_add_unit(
                    actor=request.user, programme=programme, unit=form.cleaned_data["unit"]
                )
        elif action == "funding":
            form = forms.FundingForm(data, prefix="funding")
            if form.is_valid():
                services.funding_add(actor=request.user, programme=programme, **form.cleaned_data)
        elif action == "housing":
            form = forms.HousingForm(data, prefix="housing", units=programme.units.all())
            if form.is_valid():
                household = Household.objects.alive().filter(pk=form.cleaned_data["household"]).first()
                if household is None or not can_view_household(request.user, household):
                    messages.error(request, _("Aucun dossier de ce numéro ne vous est accessible."))
                    return redirect("support:programme", pk=pk)
                services.housing_add(
                    actor=request.user,
                    programme=programme,
                    household=household,
                    unit=form.cleaned_data["unit"],
                    entered_on=form.cleaned_data["entered_on"],
                )
        else:
            form = forms.HousingEndForm(data, prefix="end")
            if form.is_valid():
                housing = ProgrammeHousing.objects.filter(
                    programme=programme, pk=form.cleaned_data["housing"]
                ).first()
                if housing is None:
                    raise Http404
                services.housing_end(
                    actor=request.user, housing=housing, left_on=form.cleaned_data["left_on"]
                )
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("support:programme", pk=pk)
    except (services.Conflict, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        messages.error(request, _("Votre rôle ne permet pas cette action."))
    else:
        messages.success(request, _("C'est enregistré."))
    return redirect("support:programme", pk=pk)
