"""Account pages: login and logout, second factor, membership switch, API tokens."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from parcours.core import audit

from . import perms, services
from .audit_actions import AccountAction
from .decorators import two_factor_exempt
from .forms import LoginForm, MembershipSwitchForm, OtpForm, OutboxPasswordResetForm, TokenCreateForm
from .middleware import SESSION_KEY
from .models import ApiToken

# The authenticator being set up belongs to the session that showed its secret.
PENDING_DEVICE_SESSION_KEY = "parcours_pending_totp_device"


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = two_factor_exempt(LoginView.as_view())


class LogoutView(auth_views.LogoutView):
    """Logging out also wipes what this browser keeps of Parcours: the service worker's copies of the
    pages (the 115 board, the user's name), its registration and the offline records (IndexedDB), so
    that the next person at a shared computer finds nothing (docs/continuite.md)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


logout_view = two_factor_exempt(LogoutView.as_view())

password_reset = two_factor_exempt(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset_form.html",
        form_class=OutboxPasswordResetForm,
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = two_factor_exempt(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = two_factor_exempt(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = two_factor_exempt(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


def _to_verify(request, next_url=""):
    target = reverse("accounts:two_factor_verify")
    return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)


@two_factor_exempt
def two_factor_setup(request):
    # The password alone never replaces a second factor: prove the current one (or spend a recovery
    # code) first. Someone with none yet is on their first login and enrols here.
    if not perms.can_enrol_second_factor(request.user):
        return _to_verify(request, request.POST.get("next") or request.GET.get("next", ""))
    replacing = perms.has_second_factor(request.user)
    device = services.two_factor_pending_device(
        user=request.user, device_id=request.session.get(PENDING_DEVICE_SESSION_KEY)
    )
    request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_confirm(actor=request.user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
            otp_login(request, device)
            request.session["recovery_codes"] = codes
            request.session["after_recovery_codes"] = _safe_next(request)
            return redirect("accounts:recovery_codes")
        form.add_error(
            "code", _("Ce code n'est pas valide. Vérifiez l'heure de votre téléphone et réessayez.")
        )
    import segno

    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff", title=_("QR code de configuration")),
            "secret": _b32(device.bin_key),
            "next": request.GET.get("next", ""),
            "replacing": replacing,
        },
    )


def _b32(key: bytes) -> str:
    from base64 import b32encode

    raw = b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@two_factor_exempt
def two_factor_verify(request):
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit.record_auth(actor=request.user, action=AccountAction.TWO_FACTOR_VERIFY)
            return redirect(_safe_next(request))
        form.add_error("code", _("Ce code n'est pas valide ou a déjà servi."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@two_factor_exempt
def recovery_codes(request):
    codes = request.session.pop("recovery_codes", None)
    if not codes:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": request.session.pop("after_recovery_codes", reverse("core:home"))},
    )


@require_POST
def recovery_codes_regenerate(request):
    if not perms.can_renew_recovery_codes(request.user):
        return _to_verify(request, reverse("accounts:account"))
    request.session["recovery_codes"] = services.recovery_codes_regenerate(actor=request.user)
    request.session["after_recovery_codes"] = reverse("accounts:account")
    return redirect("accounts:recovery_codes")


@require_POST
def switch_membership(request):
    # Not exempt from the second factor: a password-only session switches to nothing.
    form = MembershipSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = next((m for m in request.memberships if m.pk == form.cleaned_data["membership"]), None)
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.pk
    request.user.active_membership = membership
    audit.record_auth(actor=request.user, action=AccountAction.MEMBERSHIP_SWITCH)
    messages.success(request, _("Vous travaillez maintenant pour %(m)s.") % {"m": membership})
    return redirect("core:home")


def account(request):
    tokens = ApiToken.objects.filter(membership__user=request.user).select_related("membership__organization")
    form = TokenCreateForm(memberships=request.memberships)
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": tokens,
            "token_form": form,
            "has_totp": request.user.totpdevice_set.filter(confirmed=True).exists(),
            "new_token": request.session.pop("new_token", None),
            "crumbs": [(_("Mon compte"), None)],
        },
    )


@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST, memberships=request.memberships)
    if not form.is_valid():
        tokens = ApiToken.objects.filter(membership__user=request.user).select_related(
            "membership__organization"
        )
        return render(
            request,
            "accounts/account.html",
            {
                "tokens": tokens,
                "token_form": form,
                "has_totp": request.user.totpdevice_set.filter(confirmed=True).exists(),
                "new_token": None,  # nosec B105 # no secret: there is no new token to show
                "crumbs": [(_("Mon compte"), None)],
            },
            status=400,
        )
    membership = next(m for m in request.memberships if m.pk == form.cleaned_data["membership"])
    _token, key = services.token_create(
        actor=request.user,
        membership=membership,
        name=form.cleaned_data["name"],
        days=form.cleaned_data["days"],
    )
    request.session["new_token"] = key
    return redirect("accounts:account")


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, membership__user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("accounts:account")
