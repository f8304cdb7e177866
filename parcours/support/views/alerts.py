"""Pages of prevention alerts: list, raising (landlords), detail and its actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Membership, Organization
from parcours.accounts.roles import Role
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.households import visibility
from parcours.households.display import trace_named
from parcours.households.perms import can_view_household
from parcours.households.querysets import label_prefetch
from parcours.households.services import record_read, record_reads

from .. import forms, perms, services
from ..models import PreventionAlert
from ._common import PAGE_SIZE, _crumbs, _fail


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
        *label_prefetch("household__")
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
    households = households.prefetch_related(*label_prefetch()).order_by("pk")
    form = forms.AlertForm(request.POST or None, households=households, user=request.user)
    if request.method != "POST":  # the select names the households
        trace_named(request.user, households, purpose="alert_form")
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
