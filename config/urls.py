"""URL map of the whole project: pages by domain, the API under /api/v1/, and the health check."""

from django.urls import include, path

from parcours.api.api import urls as api_urls
from parcours.core import views as core_views
from parcours.outreach import views as outreach_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("compte/", include("parcours.accounts.urls")),
    path("reseau/", include("parcours.accounts.network_urls")),
    path("menages/", include("parcours.households.urls")),
    path("api/v1/", api_urls),
    path("menages/<int:household_id>/evaluations/", include("parcours.assessments.urls")),
    path("offre/", include("parcours.offers.urls")),
    path("orientation/", include("parcours.orientation.urls")),
    path("115/", include("parcours.emergency.urls")),
    path("mon-espace/", include("parcours.portal.urls")),
    path("observatoire/", include("parcours.observatory.urls")),
    path("plan/", include("parcours.plan.urls")),
    path("accompagnement/", include("parcours.support.urls")),
    path("orientation/moteur/", include("parcours.matching.urls")),
    path("aller-vers/", include("parcours.outreach.urls")),
    path("signaler/", outreach_views.report_public, name="report_public"),
    path("", include("parcours.core.urls")),
]

handler400 = "parcours.core.views.bad_request"
handler403 = "parcours.core.views.permission_denied"
handler404 = "parcours.core.views.page_not_found"
handler500 = "parcours.core.views.server_error"
