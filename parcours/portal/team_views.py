"""The professionals' pages of "Mon espace": open a person's access after checking their identity,
print a one-time code, end an access, protect a member from the others, propose organisations for
consent; and, for the network's participation body, the opinions the people sent."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Organization
from parcours.core.errors import DomainError, add_to_form, show
from parcours.core.lookup import get_visible_or_404
from parcours.households.display import household_label
from parcours.households.models import Consent, Household, Person
from parcours.households.services import record_read

from . import perms, services
from .forms import ConsentOfferForm, InviteForm
from .models import CoMemberProtection, ConsentOffer, Feedback, PortalAccess


def _household(request, household_id) -> Household:
    household = get_visible_or_404(
        Household.objects.prefetch_related(
            Prefetch("people", queryset=Person.objects.order_by("pk")),
            Prefetch("consents", queryset=Consent.objects.select_related("organization")),
        ),
        household_id,
        request.user,
    )
    if not perms.can_invite(request.user, household):
        raise Http404
    return household


def _adults(household):
    return [p for p in household.members if p.age is None or p.age >= services.ADULT_AGE]


def household_accesses(request, household_id):
    household = _household(request, household_id)
    adults = _adults(household)
    invite_form = InviteForm(people=adults, prefix="invite")
    organizations = (
        Organization.objects.filter(active=True)
        .exclude(pk=household.referent_organization_id)
        .order_by("name")
    )
    offer_form = ConsentOfferForm(organizations=organizations, prefix="offer")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                invite_form = InviteForm(request.POST, people=adults, prefix="invite")
                if invite_form.is_valid():
                    person = next(p for p in adults if p.pk == invite_form.cleaned_data["person"])
                    access, printed, expires = services.invite(
                        actor=request.user,
                        household=household,
                        person=person,
                        phone=invite_form.cleaned_data["phone"],
                    )
                    if printed:
                        return _printed_sheet(request, access, printed, expires)
                    messages.success(request, _("Accès ouvert. Un code a été envoyé par SMS à la personne."))
                    return redirect("portal:team_household", household.pk)
            elif action in ("protect", "unprotect"):
                person = get_object_or_404(Person, pk=request.POST.get("person"), household=household)
                services.set_protection(actor=request.user, person=person, protected=action == "protect")
                messages.success(request, _("Enregistré."))
                return redirect("portal:team_household", household.pk)
            elif action == "offer":
                offer_form = ConsentOfferForm(request.POST, organizations=organizations, prefix="offer")
                if offer_form.is_valid():
                    services.consent_offer(
                        actor=request.user,
                        household=household,
                        organization=organizations.get(pk=offer_form.cleaned_data["organization"]),
                        purpose=offer_form.cleaned_data["purpose"],
                    )
                    messages.success(
                        request,
                        _("Organisation proposée : la personne peut donner son accord dans Mon espace."),
                    )
                    return redirect("portal:team_household", household.pk)
        except DomainError as exc:
            add_to_form(invite_form if action == "invite" else offer_form, exc)
    record_read(
        actor=request.user, household=household, sections=["identity", "composition"], purpose="portal"
    )
    protected = set(
        CoMemberProtection.objects.filter(person__household=household).values_list("person_id", flat=True)
    )
    accesses = {
        a.person_id: a for a in PortalAccess.objects.filter(household=household, revoked_at__isnull=True)
    }
    return render(
        request,
        "portal/team/household.html",
        {
            "household": household,
            "people": [
                {
                    "person": p,
                    "access": accesses.get(p.pk),
                    "protected": p.pk in protected,
                    "adult": p in adults,
                }
                for p in household.members
            ],
            "invite_form": invite_form,
            "offer_form": offer_form,
            "offers": ConsentOffer.objects.filter(
                household=household, withdrawn_at__isnull=True
            ).select_related("organization"),
            "crumbs": _crumbs(request, household, _("Mon espace de la personne")),
        },
    )


def _crumbs(request, household, label):
    return [
        (_("Ménages"), reverse("households:list")),
        (household_label(request.user, household).text, reverse("households:detail", args=[household.pk])),
        (label, None),
    ]


def _printed_sheet(request, access, code, expires):
    return render(
        request,
        "portal/team/printed_code.html",
        {"access": access, "code": code, "expires": expires, "household": access.household},
    )


@require_POST
def printed_code(request, access_id):
    access = get_object_or_404(PortalAccess.objects.usable(), pk=access_id)
    _household(request, access.household_id)
    code, sign_in_code = services.printed_code(actor=request.user, access=access)
    return _printed_sheet(request, access, code, sign_in_code.expires_at)


@require_POST
def revoke(request, access_id):
    access = get_object_or_404(PortalAccess, pk=access_id, revoked_at__isnull=True)
    _household(request, access.household_id)
    try:
        services.revoke(actor=request.user, access=access)
    except DomainError as exc:
        show(request, exc)
    else:
        messages.success(request, _("L'accès est fermé. La personne ne peut plus se connecter."))
    return redirect("portal:team_household", access.household_id)


def feedback_list(request):
    if not perms.can_handle_feedback(request.user):
        raise Http404
    rows = Feedback.objects.select_related("territory").order_by("handled_at", "-created_at")[:200]
    return render(
        request,
        "portal/team/feedback_list.html",
        {"rows": rows, "crumbs": [(_("Avis des personnes accompagnées"), None)]},
    )


def feedback_detail(request, pk):
    if not perms.can_handle_feedback(request.user):
        raise Http404
    feedback = get_object_or_404(Feedback, pk=pk)
    if request.method == "POST":
        services.feedback_handle(actor=request.user, feedback=feedback)
        messages.success(request, _("Avis marqué comme traité."))
        return redirect("portal:feedback_list")
    return render(
        request,
        "portal/team/feedback_detail.html",
        {
            "feedback": feedback,
            "crumbs": [
                (_("Avis des personnes accompagnées"), reverse("portal:feedback_list")),
                (_("Avis"), None),
            ],
        },
    )
