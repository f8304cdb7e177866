"""Commission pages: the sessions of the département, one session with its agenda and decisions, and
its minutes (printable)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.perms import active_membership
from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.versioning import StaleVersionError

from . import commissions, perms
from .choices import LineKind
from .forms import CloseForm, CommissionForm, LineDecisionForm
from .models import Commission, CommissionLine
from .proposal_views import _proposable_requests
from .services import TransitionConflict


def _crumbs(*more):
    return [(_("Commissions d'orientation"), reverse("orientation:commissions")), *more]


def _territory_id(request):
    if not perms.can_manage_commissions(request.user):
        raise Http404
    return active_membership(request.user).organization.territory_id


def _get(request, pk) -> Commission:
    found = (
        Commission.objects.select_related("territory")
        .filter(pk=pk, territory_id=_territory_id(request))
        .first()
    )
    if found is None:
        raise Http404
    return found


def commission_list(request):
    territory_id = _territory_id(request)
    form = CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = commissions.commission_create(
                actor=request.user,
                territory=active_membership(request.user).organization.territory,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La séance est créée : préparez son ordre du jour."))
            return redirect("orientation:commission", pk=created.pk)
    sessions = Commission.objects.filter(territory_id=territory_id).order_by("-held_on", "-pk")[:50]
    return render(
        request,
        "orientation/commission_list.html",
        {"form": form, "sessions": sessions, "crumbs": [(_("Commissions d'orientation"), None)]},
        status=400 if form.errors else 200,
    )


def commission_detail(request, pk, bound=None):
    commission = _get(request, pk)
    lines = list(
        commission.lines.select_related(
            "request__household", "vacancy__unit__facility", "decided_by", "proposal__request__household"
        ).order_by("kind", "position", "pk")
    )
    for line in lines:
        made = line.made_proposal
        if made is not None:
            made.vacancy = line.vacancy
        # Which request took a vacancy is where that household will live: masked if protected.
        line.made_hidden = made is not None and not perms.can_see_proposed_place(request.user, made)
    requests = _proposable_requests(request.user)
    rows = []
    for line in lines:
        form = None
        if not line.decision and not commission.is_closed:
            form = (bound or {}).get(line.pk) or LineDecisionForm(
                line=line, requests=requests, prefix=f"l{line.pk}"
            )
        rows.append((line, form))
    candidates = commissions.agenda_candidates(commission) if not commission.is_closed else ([], [])
    return render(
        request,
        "orientation/commission_detail.html",
        {
            "commission": commission,
            "request_rows": [r for r in rows if r[0].kind == LineKind.REQUEST],
            "vacancy_rows": [r for r in rows if r[0].kind == LineKind.VACANCY],
            "candidate_counts": (len(candidates[0]), len(candidates[1])),
            "undecided": sum(1 for line in lines if not line.decision),
            "close_form": CloseForm(initial={"version": commission.version}),
            "crumbs": _crumbs((str(commission), None)),
        },
        status=400 if bound else 200,
    )


def _handle(request, pk, run, success):
    try:
        run()
    except (commissions.CommissionConflict, TransitionConflict) as exc:
        errors.show(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, success)
    return redirect("orientation:commission", pk=pk)


@require_POST
def commission_prepare(request, pk):
    commission = _get(request, pk)
    return _handle(
        request,
        pk,
        lambda: commissions.agenda_prepare(actor=request.user, commission=commission),
        _("L'ordre du jour est préparé : retirez ce que la séance n'examinera pas."),
    )


@require_POST
def line_remove(request, pk, line_id):
    commission = _get(request, pk)
    line = CommissionLine.objects.filter(pk=line_id, commission=commission).first()
    if line is None:
        raise Http404
    return _handle(
        request,
        pk,
        lambda: commissions.line_remove(actor=request.user, line=line),
        _("La ligne est retirée de l'ordre du jour."),
    )


@require_POST
def line_decide(request, pk, line_id):
    commission = _get(request, pk)
    line = (
        CommissionLine.objects.select_related("request__household", "vacancy__unit__facility")
        .filter(pk=line_id, commission=commission)
        .first()
    )
    if line is None:
        raise Http404
    form = LineDecisionForm(
        request.POST, line=line, requests=_proposable_requests(request.user), prefix=f"l{line.pk}"
    )
    if form.is_valid():
        try:
            commissions.line_decide(
                actor=request.user,
                line=line,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                request_for_vacancy=form.cleaned_data.get("request"),
            )
        except (commissions.CommissionConflict, TransitionConflict) as exc:
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("La décision est enregistrée."))
            return redirect(reverse("orientation:commission", args=[pk]) + f"#line-{line.pk}")
    return commission_detail(request, pk, bound={line.pk: form})


@require_POST
def commission_close(request, pk):
    commission = _get(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        commissions.commission_close(
            actor=request.user, commission=commission, version=form.cleaned_data["version"]
        )
    except StaleVersionError:
        messages.error(
            request, _("La séance a été modifiée entre-temps : relisez les décisions avant de la clore.")
        )
        return redirect("orientation:commission", pk=pk)
    except commissions.CommissionConflict as exc:
        errors.show(request, exc)
        return redirect("orientation:commission", pk=pk)
    messages.success(request, _("La séance est close ; les référents sont prévenus des décisions."))
    return redirect("orientation:minutes", pk=pk)


def commission_minutes(request, pk):
    commission = _get(request, pk)
    text = commission.minutes if commission.is_closed else commissions.minutes_text(commission)
    return render(
        request,
        "orientation/commission_minutes.html",
        {
            "commission": commission,
            "minutes": text,
            "crumbs": _crumbs(
                (str(commission), reverse("orientation:commission", args=[pk])), (_("Compte rendu"), None)
            ),
        },
    )
