"""The network's directory, and its administration: organizations, members, accounts, second factors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core.forms import add_validation_errors
from parcours.core.versioning import StaleVersionError

from . import perms, services
from .forms import AttachExistingForm, InviteForm, OrganizationCreateForm, OrganizationEditForm
from .models import Membership, MembershipApproval, Organization, User


def _directory_crumbs(*more):
    return [(_("Organisations"), reverse("network:organization_list")), *more]


def _back(request):
    target = request.POST.get("back", "")
    # A path of this site only: redirect() would take anything else for a view name to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("network:organization_list")


def _admin_or_404(request):
    if not perms.can_manage_accounts(request.user):
        raise Http404


def organization_list(request):
    if request.membership is None:
        raise Http404
    organizations = Organization.objects.visible_to(request.user).select_related("territory")
    pending = None
    if perms.can_manage_accounts(request.user):
        pending = Membership.objects.filter(approval=MembershipApproval.PENDING).select_related(
            "user", "organization", "requested_by"
        )
    return render(
        request,
        "network/organization_list.html",
        {
            "organizations": organizations,
            "pending": pending,
            "can_manage": perms.can_manage_organization(request.user),
            "crumbs": [(_("Organisations"), None)],
        },
    )


def organization_detail(request, pk):
    organization = (
        Organization.objects.visible_to(request.user).select_related("territory").filter(pk=pk).first()
    )
    if organization is None or not perms.can_view_organization(request.user, organization):
        raise Http404
    members = None
    can_manage = perms.can_manage_accounts(request.user)
    if perms.can_view_organization_members(request.user, organization):
        members = organization.memberships.select_related("user").order_by("-active", "user__last_name")
        if not can_manage:
            members = members.filter(active=True)
        else:
            members = list(
                members.select_related("requested_by").prefetch_related(
                    Prefetch("user__totpdevice_set", to_attr="prefetched_devices")
                )
            )
            for m in members:
                m.can_decide = perms.can_decide_membership(request.user, m)
    return render(
        request,
        "network/organization_detail.html",
        {
            "organization": organization,
            "members": members,
            "can_manage": can_manage,
            "crumbs": _directory_crumbs((organization.name, None)),
        },
    )


def organization_create(request):
    _admin_or_404(request)
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.organization_create(
                actor=request.user,
                name=data["name"],
                type=data["type"],
                territory=data["territory"].code,
                siret=data["siret"],
                finess=data["finess"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request, _("L'organisation « %(name)s » est créée.") % {"name": organization.name}
            )
            return redirect("network:organization_detail", pk=organization.pk)
    return render(
        request,
        "network/organization_form.html",
        {
            "form": form,
            "title": _("Nouvelle organisation"),
            "crumbs": _directory_crumbs((_("Nouvelle"), None)),
        },
        status=400 if form.errors else 200,
    )


def organization_edit(request, pk):
    _admin_or_404(request)
    organization = get_object_or_404(Organization, pk=pk)
    initial = {f: getattr(organization, f) for f in ("version", "name", "siret", "finess", "active")}
    form = OrganizationEditForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            f: data[f] for f in ("name", "siret", "finess", "active") if data[f] != getattr(organization, f)
        }
        try:
            services.organization_update(
                actor=request.user, organization=organization, version=data["version"], **changes
            )
        except StaleVersionError:
            conflict = True
            form.add_error(
                None,
                _(
                    "Quelqu'un a modifié cette organisation pendant que vous la modifiiez. "
                    "Vos changements ne sont pas enregistrés : rechargez la page pour repartir "
                    "de la version actuelle."
                ),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect("network:organization_detail", pk=organization.pk)
    crumbs = _directory_crumbs(
        (organization.name, reverse("network:organization_detail", args=[organization.pk])),
        (_("Modifier"), None),
    )
    return render(
        request,
        "network/organization_form.html",
        {"form": form, "title": _("Modifier « %(name)s »") % {"name": organization.name}, "crumbs": crumbs},
        status=409 if conflict else (400 if form.errors else 200),
    )


def member_add(request, pk):
    _admin_or_404(request)
    organization = get_object_or_404(Organization, pk=pk, active=True)
    action = request.POST.get("action")
    invite = InviteForm(
        request.POST if action == "invite" else None, organization=organization, prefix="invite"
    )
    attach = AttachExistingForm(
        request.POST if action == "attach" else None, organization=organization, prefix="attach"
    )
    form = invite if action == "invite" else attach
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "invite":
                user = services.user_invite(
                    actor=request.user,
                    organization=organization,
                    role=data["role"],
                    username=data["username"],
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                services.send_invitation(request=request, user=user)
                messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
                membership = user.memberships.get(organization=organization, role=data["role"])
            else:
                membership = services.membership_grant(
                    actor=request.user, user=data["username"], organization=organization, role=data["role"]
                )
            if membership.approval == MembershipApproval.PENDING:
                messages.warning(
                    request,
                    _(
                        "Ce rôle donne accès à des données nominatives (ou permet d'en accorder) : le "
                        "rattachement reste en attente jusqu'à ce qu'un·e autre administrateur·rice du "
                        "réseau l'approuve. Les autres administrateur·rices en sont prévenu·es par courriel."
                    ),
                )
            elif action != "invite":
                messages.success(request, _("Le compte est rattaché à l'organisation."))
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("network:organization_detail", pk=organization.pk)
    crumbs = _directory_crumbs(
        (organization.name, reverse("network:organization_detail", args=[organization.pk])),
        (_("Ajouter un membre"), None),
    )
    return render(
        request,
        "network/member_add.html",
        {"organization": organization, "invite": invite, "attach": attach, "crumbs": crumbs},
        status=400 if form.errors else 200,
    )


@require_POST
def membership_revoke(request, pk):
    _admin_or_404(request)
    membership = get_object_or_404(Membership.objects.select_related("user", "organization"), pk=pk)
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(
        request,
        _("%(user)s n'est plus %(role)s.") % {"user": membership.user, "role": membership.get_role_display()},
    )
    return redirect("network:organization_detail", pk=membership.organization_id)


def _decide(request, pk, decide, done_message):
    _admin_or_404(request)
    membership = get_object_or_404(Membership.objects.select_related("user", "organization"), pk=pk)
    try:
        decide(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            done_message % {"user": membership.user.get_full_name(), "role": membership.get_role_display()},
        )
    return redirect("network:organization_detail", pk=membership.organization_id)


@require_POST
def membership_approve(request, pk):
    return _decide(
        request, pk, services.membership_approve, _("Le rattachement de %(user)s (%(role)s) est approuvé.")
    )


@require_POST
def membership_refuse(request, pk):
    return _decide(
        request, pk, services.membership_refuse, _("Le rattachement de %(user)s (%(role)s) est refusé.")
    )


@require_POST
def user_set_active(request, pk):
    _admin_or_404(request)
    user = get_object_or_404(User, pk=pk)
    try:
        services.user_set_active(actor=request.user, user=user, active=request.POST.get("active") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Le compte de %(user)s est mis à jour.") % {"user": user.get_full_name()})
        if user.held_for_approval:
            messages.warning(
                request,
                _(
                    "Ses rattachements qui donnent accès aux données nominatives ou à l'administration "
                    "du réseau (%(roles)s) attendent l'approbation d'un·e autre administrateur·rice "
                    "du réseau."
                )
                % {"roles": ", ".join(str(m) for m in user.held_for_approval)},
            )
    return _back(request)


@require_POST
def two_factor_reset(request, pk):
    _admin_or_404(request)
    user = get_object_or_404(User, pk=pk)
    services.two_factor_reset(actor=request.user, user=user)
    messages.success(
        request,
        _(
            "La double authentification de %(user)s est réinitialisée : "
            "elle lui sera redemandée à la connexion."
        )
        % {"user": user.get_full_name()},
    )
    return _back(request)
