"""The person's pages ("Mon espace"): sign-in by SMS code or printed code, their space, consents,
their view of the co-evaluation, « votre avis », who read their file, their copy of the file."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core import audit
from parcours.core.errors import DomainError, NotFound, add_to_form, show

from . import codes, reads, sections, services
from .audit_actions import PortalAction
from .auth import current_access, person_required, sign_in, sign_out
from .export import person_export
from .forms import FeedbackForm, PhoneForm, PrintedCodeForm, SmsCodeForm

PHONE_KEY = "portal_pending_phone"


def _person_page(request, template, context=None, status=200):
    context = {"access": getattr(request, "portal_access", None), **(context or {})}
    return render(request, template, context, status=status)


@person_required
def home(request):
    return _person_page(
        request, "portal/home.html", {"sections": sections.render_data(request.portal_access)}
    )


# -- Sign-in ------------------------------------------------------------------------------------------


@login_not_required
def sign_in_phone(request):
    if current_access(request) is not None:
        return redirect("portal:home")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_sms_code(phone=form.cleaned_data["phone"], ip=codes.client_ip(request))
        except DomainError as exc:
            add_to_form(form, exc)
            return _person_page(request, "portal/sign_in_phone.html", {"form": form}, status=_status(exc))
        request.session[PHONE_KEY] = codes.normalize_phone(form.cleaned_data["phone"])
        return redirect("portal:sign_in_code")
    return _person_page(request, "portal/sign_in_phone.html", {"form": form})


def _status(exc: DomainError) -> int:
    return 429 if exc.http_status == 429 else 400


@login_not_required
def sign_in_code(request):
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("portal:sign_in")
    form = SmsCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.sign_in_with_sms(
                phone=phone, code=form.cleaned_data["code"], ip=codes.client_ip(request)
            )
        except DomainError as exc:
            add_to_form(form, exc)
            return _person_page(
                request,
                "portal/sign_in_code.html",
                {"form": form, "masked": _masked(phone)},
                status=_status(exc),
            )
        sign_in(request, access)
        return redirect("portal:home")
    return _person_page(request, "portal/sign_in_code.html", {"form": form, "masked": _masked(phone)})


def _masked(phone: str) -> str:
    return "•• •• •• " + phone[-4:-2] + " " + phone[-2:] if len(phone) >= 4 else ""


@login_not_required
def sign_in_printed(request):
    form = PrintedCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.sign_in_with_printed_code(
                code=form.cleaned_data["code"], ip=codes.client_ip(request)
            )
        except DomainError as exc:
            add_to_form(form, exc)
            return _person_page(request, "portal/sign_in_printed.html", {"form": form}, status=_status(exc))
        sign_in(request, access)
        return redirect("portal:home")
    return _person_page(request, "portal/sign_in_printed.html", {"form": form})


@login_not_required
@require_POST
def sign_out_view(request):
    access = current_access(request)
    if access is not None:
        services.record_sign_out(access)
    sign_out(request)
    return redirect("portal:sign_in")


# -- The person's pages -------------------------------------------------------------------------------


def _offers(access) -> list:
    """The consents offered to the person, each with what it is for in their words."""
    offers = list(services.open_offers(access))
    for offer in offers:
        offer.purpose_label = reads.purpose_words(offer)
    return offers


@person_required
def consents(request):
    access = request.portal_access
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                services.consent_withdraw(access=access, consent_id=_int(request.POST.get("withdraw")))
                messages.success(
                    request, _("Votre accord est retiré. L'organisation ne voit plus votre dossier.")
                )
            elif "offer" in request.POST:
                services.consent_give(
                    access=access,
                    offer_id=_int(request.POST.get("offer")),
                    months=_int(request.POST.get("months")),
                )
                messages.success(request, _("Merci. Votre accord est enregistré."))
        except NotFound:
            raise
        except DomainError as exc:
            show(request, exc)
        return redirect("portal:consents")
    return _person_page(
        request,
        "portal/consents.html",
        {"consents": reads.consents(access), "offers": _offers(access), "durations": (3, 6, 12)},
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@person_required
def access_log(request):
    return _person_page(request, "portal/access_log.html", {"rows": reads.access_log(request.portal_access)})


@person_required
def feedback(request):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                access=request.portal_access,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                anonymous=form.cleaned_data["anonymous"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Merci. Votre message est envoyé au groupe des personnes accompagnées du réseau.")
            )
            return redirect("portal:home")
    return _person_page(request, "portal/feedback.html", {"form": form})


@person_required
def export(request):
    data = person_export(request.portal_access)
    audit.record_write(actor=None, action=PortalAction.EXPORT, obj=request.portal_access, fields=["export"])
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="mon-dossier.json"'
    return response
