"""The home page of each role, the health check, the language switch and the error pages."""

import json

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache

from parcours.accounts.decorators import two_factor_exempt
from parcours.accounts.roles import Role

from . import offline
from .home import home_panels

# Choosing the language must work on the login page too.
set_language = login_not_required(two_factor_exempt(i18n_views.set_language))


@login_not_required
@two_factor_exempt
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001  (any database failure means "unhealthy", never a 500)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def home(request):
    membership = request.membership
    if membership is None:
        return render(request, "core/home_no_membership.html")
    return render(
        request,
        "core/home.html",
        {"role": membership.role, "panels": home_panels(request.user, membership), "Role": Role},
    )


def _api_error(request, status: int, code: str, message: str):
    """Under /api/, the errors Django answers itself (unknown URL, crash…) keep the API's JSON format."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


@login_not_required
@two_factor_exempt
def bad_request(request, exception=None):
    return _api_error(request, 400, "invalid", _("Requête invalide")) or render(
        request, "400.html", status=400
    )


@login_not_required
@two_factor_exempt
def permission_denied(request, exception=None):
    # A record one may not see answers 404 everywhere; this page is for CSRF and other refusals.
    return _api_error(request, 403, "forbidden", _("Action refusée")) or render(
        request, "403.html", status=403
    )


@login_not_required
@two_factor_exempt
def page_not_found(request, exception=None):
    return _api_error(request, 404, "not_found", _("Ressource introuvable.")) or render(
        request, "404.html", status=404
    )


@login_not_required
@two_factor_exempt
def server_error(request):
    message = _(
        "L'équipe d'exploitation est prévenue. Rien de ce qui était déjà enregistré n'est perdu. "
        "Réessayez dans quelques instants."
    )
    return _api_error(request, 500, "server_error", message) or render(request, "500.html", status=500)


DELIVERIES_PER_PAGE = 50


def deliveries(request):
    """The delivery log of e-mails and SMS (network admins): masked recipients, purpose, state,
    tries and the provider's last answer; never a message. Paged, newest first, filtered by state."""
    from django.core.paginator import Paginator
    from django.http import Http404

    from parcours.accounts.perms import can_view_delivery_log

    from .models import Delivery, DeliveryStatus

    if not can_view_delivery_log(request.user):
        raise Http404
    rows = Delivery.objects.defer("payload").order_by("-created_at", "-pk")
    status = request.GET.get("etat", "")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/deliveries.html",
        {
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "query": f"etat={status}" if status else "",
            "crumbs": [(_("Organisations"), reverse("network:organization_list")), (_("Envois"), None)],
        },
    )


@login_not_required
@two_factor_exempt
def service_worker(request):
    """The site's service worker, at the root so that its scope is the whole site (core/offline.py).
    It holds no data: lists of our own URLs only."""
    config = offline.worker_config()
    response = render(
        request,
        "core/sw.js",
        {"config_json": json.dumps(config), "keep_hours": offline.KEEP_HOURS},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@two_factor_exempt
def web_manifest(request):
    """The web app manifest: Parcours installed on a phone or a call handler's desktop."""
    body = {
        "name": "Parcours",
        "short_name": "Parcours",
        "lang": "fr",
        "start_url": reverse("core:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5c58",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(body), content_type="application/manifest+json")
