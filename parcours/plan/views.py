"""Plan pages: the plan with its axes, objectives, actions and indicators; editing an action; a figure
entered by hand; the mid-term and annual reports (printable for the general assembly)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.core.forms import add_validation_errors
from parcours.core.versioning import StaleVersionError

from . import perms, services
from .forms import ActionForm, ReportForm, ValueForm
from .models import Action, Objective, Plan, PlanIndicator


def _plan() -> Plan:
    plan = Plan.objects.order_by("-starts_on").first()
    if plan is None:
        raise Http404
    return plan


def _crumbs(*more):
    return [(_("Plan stratégique"), reverse("plan:overview")), *more]


def overview(request):
    if not perms.can_view_plan(request.user):
        raise Http404
    plan = Plan.objects.order_by("-starts_on").first()
    if plan is None:
        return render(request, "plan/empty.html", {"crumbs": [(_("Plan stratégique"), None)]})
    start, end = plan.starts_on, timezone.localdate()
    return render(
        request,
        "plan/overview.html",
        {
            "plan": plan,
            "axes": services.plan_report(plan, start, max(start, end)),
            "can_manage": perms.can_manage_plan(request.user),
            "today": timezone.localdate(),
            "crumbs": [(_("Plan stratégique"), None)],
        },
    )


def _action_form_view(request, *, objective, action=None):
    if not perms.can_manage_plan(request.user):
        raise Http404
    initial = (
        {"version": action.version, **{f: getattr(action, f) for f in services.ACTION_FIELDS}}
        if action
        else {}
    )
    form = ActionForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["owner_label"] = data["owner_label"] or ""
        data["note"] = data["note"] or ""
        try:
            if action is None:
                services.action_create(actor=request.user, objective=objective, **data)
            else:
                changed = {k: v for k, v in data.items() if k in form.changed_data}
                services.action_update(
                    actor=request.user, action=action, version=form.cleaned_data["version"] or 0, **changed
                )
        except StaleVersionError:
            conflict = True
            form.add_error(
                None,
                _("Cette action a été modifiée entre-temps : rechargez la page et refaites votre saisie."),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("L'action est enregistrée."))
            return redirect("plan:overview")
    return render(
        request,
        "plan/action_form.html",
        {
            "form": form,
            "objective": objective,
            "action": action,
            "crumbs": _crumbs((str(action) if action else _("Nouvelle action"), None)),
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


def action_create(request, objective_id):
    return _action_form_view(request, objective=get_object_or_404(Objective, pk=objective_id))


def action_edit(request, pk):
    action = get_object_or_404(Action.objects.select_related("objective"), pk=pk)
    return _action_form_view(request, objective=action.objective, action=action)


def value_add(request, indicator_id):
    if not perms.can_manage_plan(request.user):
        raise Http404
    indicator = get_object_or_404(PlanIndicator, pk=indicator_id)
    form = ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.value_record(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La valeur est enregistrée."))
            return redirect("plan:overview")
    return render(
        request,
        "plan/value_form.html",
        {"form": form, "indicator": indicator, "crumbs": _crumbs((indicator.label, None))},
        status=400 if form.errors else 200,
    )


def report(request, kind):
    if not perms.can_view_plan(request.user) or kind not in ("mi-parcours", "annuel"):
        raise Http404
    plan = _plan()
    form = ReportForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else None
    key = "mid_term" if kind == "mi-parcours" else "annual"
    start, end = services.report_period(plan, key, year)
    return render(
        request,
        "plan/report.html",
        {
            "plan": plan,
            "kind": key,
            "form": form,
            "start": start,
            "end": end,
            "axes": services.plan_report(plan, start, end),
            "crumbs": _crumbs((_("Rapport"), None)),
        },
    )
