"""Proposal pages: the list, a proposal with its answer, admission, exit and partner link, proposing a
household for a vacancy, and the page a partner without an account reaches through a signed link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.decorators import two_factor_exempt
from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.assessments.views import LIAISON_SECTIONS, liaison_data
from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.households import perms as household_perms
from parcours.households import visibility
from parcours.households.display import household_label, trace_named
from parcours.households.querysets import label_prefetch
from parcours.households.services import record_read
from parcours.offers.models import Vacancy

from . import perms, proposals
from .choices import OPEN_PROPOSAL_STATUSES, ProposalStatus, RefusalSide, RequestStatus
from .forms import (
    AdmitForm,
    DecisionForm,
    ExitForm,
    PartnerLinkForm,
    ProposalFilterForm,
    ProposeForm,
    WithdrawForm,
)
from .models import InsertionRequest, Proposal
from .services import TransitionConflict

PAGE_SIZE = 25


def proposal_title(user, proposal) -> str:
    """« Proposition — Awa D. · F + 2 enfants », the household as this user may read it."""
    return _("Proposition — %(household)s") % {
        "household": household_label(user, proposal.request.household).text
    }


def _crumbs(*more):
    return [(_("Propositions"), reverse("orientation:proposals")), *more]


def _get(request, pk) -> Proposal:
    found = (
        Proposal.objects.select_related("request__household", "vacancy__unit__facility", "refusal_reason")
        .filter(pk=pk)
        .first()
    )
    if found is None or not perms.can_view_proposal(request.user, found):
        raise Http404
    return found


def with_places(user, proposals) -> list[Proposal]:
    """The proposals, each marked with whether the user may read its facility and unit (a protected
    household's place is masked: perms.can_see_proposed_place)."""
    proposals = list(proposals)
    for proposal in proposals:
        proposal.place_shown = perms.can_see_proposed_place(user, proposal)
    return proposals


def proposal_list(request):
    if not perms.can_list_proposals(request.user):
        raise Http404
    form = ProposalFilterForm(request.GET or None)
    qs = Proposal.objects.visible_to(request.user)
    if form.is_valid() and form.cleaned_data["status"]:
        qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(
        qs.select_related("vacancy__unit__facility", "request__household")
        .prefetch_related(*label_prefetch("request__household__"))
        .order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    page.object_list = with_places(request.user, page.object_list)
    trace_named(
        request.user, [p.request.household for p in page.object_list], purpose="list", request=request
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orientation/proposal_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "crumbs": [(_("Propositions"), None)]},
    )


def _answer_sides(user, proposal) -> list[str]:
    return [side for side in RefusalSide.values if perms.can_answer(user, proposal, side)]


def _links(proposal) -> list:
    """The links sent for the proposal, each marked with whether it still opens anything."""
    links = list(proposal.partner_links.all())
    for link in links:
        link.usable = link.is_usable()
    return links


def proposal_detail(request, pk, forms=None):
    proposal = _get(request, pk)
    user = request.user
    forms = forms or {}
    open_ = proposal.status in OPEN_PROPOSAL_STATUSES
    sides = _answer_sides(user, proposal) if open_ else []
    household = proposal.request.household
    can_see_household = household_perms.can_view_household(user, household)
    context = {
        "proposal": proposal,
        "events": proposal.events.select_related("actor").order_by("at", "pk"),
        "facility": proposal.vacancy.unit.facility,
        "unit": proposal.vacancy.unit,
        "place_hidden": not perms.can_see_proposed_place(user, proposal, proposal_screen=True),
        "hidden_place": household_perms.HIDDEN_PLACE,
        "can_see_household": can_see_household,
        "can_see_liaison": can_see_household
        and visibility.may_read(user, "household", "assessment", household),
        "facility_side": perms.is_facility_side(user, proposal),
        "proposal_fields": visibility.readable_fields(user, "proposal"),
        "decision_form": forms.get("decision") or (DecisionForm(sides=sides) if sides else None),
        "admit_form": forms.get("admit")
        or (
            AdmitForm()
            if proposal.status == ProposalStatus.ACCEPTED and perms.can_record_stay(user, proposal)
            else None
        ),
        "exit_form": forms.get("exit")
        or (
            ExitForm()
            if proposal.status == ProposalStatus.ADMITTED and perms.can_record_stay(user, proposal)
            else None
        ),
        "withdraw_form": forms.get("withdraw")
        or (WithdrawForm() if open_ and perms.can_withdraw_proposal(user, proposal) else None),
        "link_form": forms.get("link")
        or (
            PartnerLinkForm()
            if proposal.status == ProposalStatus.PENDING and perms.can_send_partner_link(user, proposal)
            else None
        ),
        "links": _links(proposal) if perms.can_send_partner_link(user, proposal) else [],
        "crumbs": _crumbs((proposal_title(request.user, proposal), None)),
    }
    record_read(
        actor=user,
        household=household,
        sections=["proposal", "identity"] if can_see_household else ["proposal"],
        purpose="proposal",
    )
    return render(request, "orientation/proposal_detail.html", context, status=400 if forms else 200)


def _act(request, pk, form_class, key, run, form_kwargs=None):
    """Validate `form_class`, run the service; on a refusal show the page again with the error."""
    proposal = _get(request, pk)
    form = form_class(request.POST, **(form_kwargs(proposal) if form_kwargs else {}))
    if form.is_valid():
        try:
            run(proposal, form.cleaned_data)
        except TransitionConflict as exc:
            errors.show(request, exc)
            return redirect("orientation:proposal", pk=pk)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            return redirect("orientation:proposal", pk=pk)
    return proposal_detail(request, pk, forms={key: form})


@require_POST
def proposal_decide(request, pk):
    def run(proposal, data):
        proposals.proposal_decide(
            actor=request.user,
            proposal=proposal,
            decision=data["decision"],
            side=data["side"],
            reason=data["reason"],
            note=data["note"],
        )
        messages.success(request, _("La réponse est enregistrée."))

    return _act(
        request, pk, DecisionForm, "decision", run, lambda p: {"sides": _answer_sides(request.user, p)}
    )


@require_POST
def proposal_admit(request, pk):
    def run(proposal, data):
        proposals.proposal_admit(actor=request.user, proposal=proposal, entered_on=data["entered_on"])
        messages.success(request, _("L'entrée du ménage est enregistrée ; la vacance est pourvue."))

    return _act(request, pk, AdmitForm, "admit", run)


@require_POST
def proposal_exit(request, pk):
    def run(proposal, data):
        proposals.proposal_exit(
            actor=request.user,
            proposal=proposal,
            exited_on=data["exited_on"],
            destination=data["destination"],
        )
        messages.success(request, _("La sortie du ménage est enregistrée."))

    return _act(request, pk, ExitForm, "exit", run)


@require_POST
def proposal_withdraw(request, pk):
    def run(proposal, data):
        proposals.proposal_withdraw(actor=request.user, proposal=proposal, reason=data["reason"])
        messages.success(request, _("La proposition est retirée ; la demande revient au vivier."))

    return _act(request, pk, WithdrawForm, "withdraw", run)


@require_POST
def partner_link_send(request, pk):
    def run(proposal, data):
        proposals.partner_link_create(actor=request.user, proposal=proposal, recipient=data["recipient"])
        messages.success(request, _("Le lien a été envoyé au partenaire."))

    return _act(request, pk, PartnerLinkForm, "link", run)


def _proposable_requests(user):
    """Validated requests of the coordinator's département, oldest seniority first."""
    membership = active_membership(user)
    return (
        InsertionRequest.objects.visible_to(user)
        .filter(status=RequestStatus.VALIDATED, household__territory_id=membership.organization.territory_id)
        .select_related("household")
        .prefetch_related(*label_prefetch("household__"))
        .order_by("seniority_date", "pk")
    )


def propose(request, vacancy_id):
    """Propose a household for an open vacancy (SIAO coordinator)."""
    membership = active_membership(request.user)
    if membership is None or membership.role != Role.SIAO_COORDINATOR:
        raise Http404
    vacancy = get_object_or_404(Vacancy.objects.open().select_related("unit__facility"), pk=vacancy_id)
    # A vacancy has one proposal in progress at most: while it waits, « Proposer » is not offered.
    if Proposal.objects.linking().filter(vacancy=vacancy).exists():
        if request.method == "POST":
            messages.error(request, _("Cette vacance fait déjà l'objet d'une proposition en cours."))
        return render(
            request,
            "orientation/propose.html",
            {"vacancy": vacancy, "in_progress": True, "crumbs": _crumbs((_("Proposer un ménage"), None))},
            status=409 if request.method == "POST" else 200,
        )
    requests = _proposable_requests(request.user)
    form = ProposeForm(request.POST or None, requests=requests, user=request.user)
    if request.method != "POST":  # the select names every proposable household
        trace_named(request.user, [r.household for r in requests], purpose="propose")
    if request.method == "POST" and form.is_valid():
        try:
            created = proposals.proposal_create(
                actor=request.user, insertion_request=form.cleaned_data["request"], vacancy=vacancy
            )
        except TransitionConflict as exc:
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("La proposition est faite ; la structure est prévenue."))
            return redirect("orientation:proposal", pk=created.pk)
    return render(
        request,
        "orientation/propose.html",
        {"form": form, "vacancy": vacancy, "crumbs": _crumbs((_("Proposer un ménage"), None))},
        status=400 if form.errors else 200,
    )


# The partner's page, reached without an account ----------------------------------------------


def _partner_context(link) -> dict:
    proposal = link.proposal
    return {
        **liaison_data(proposal.request.household),
        "link": link,
        "proposal": proposal,
        "facility": proposal.vacancy.unit.facility,
        "unit": proposal.vacancy.unit,
        "is_open": proposal.status in OPEN_PROPOSAL_STATUSES,
    }


@login_not_required
@two_factor_exempt
def partner_page(request, token):
    link = proposals.partner_link_resolve(token)
    if link is None:
        return render(request, "orientation/partner_expired.html", status=404)
    form = DecisionForm(request.POST or None, sides=[RefusalSide.FACILITY])
    if request.method == "POST" and form.is_valid():
        try:
            proposals.proposal_decide(
                actor=None,
                proposal=link.proposal,
                decision=form.cleaned_data["decision"],
                side=form.cleaned_data["side"] or RefusalSide.FACILITY,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                via_link=link,
            )
        except PermissionDenied:
            # The link was spent or its consent withdrawn between the page and the answer.
            return render(request, "orientation/partner_expired.html", status=404)
        except (TransitionConflict, ValidationError) as exc:
            errors.add_to_form(form, exc)
        else:
            # The answer spends the link: a confirmation, nothing of the household, and the link no
            # longer opens anything afterwards.
            return render(request, "orientation/partner_done.html")
    proposals.partner_link_record_read(link, sections=LIAISON_SECTIONS)
    context = _partner_context(link)
    context["form"] = form
    return render(request, "orientation/partner.html", context, status=400 if form.errors else 200)
