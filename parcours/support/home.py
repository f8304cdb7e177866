"""Home page panels of support and prevention (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


def _link(url_name, pk, text):
    from django.urls import reverse
    from django.utils.html import format_html

    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def _date(value):
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


@register(Role.LANDLORD, order=10)
def prevention_alerts(user, membership):
    from django.urls import reverse

    from .models import PreventionAlert

    alerts = (
        PreventionAlert.objects.visible_to(user).exclude(status="closed").order_by("-created_at", "-pk")[:8]
    )
    return Panel(
        _("Alertes de prévention"),
        _("Les alertes que vous avez levées (impayés, troubles de voisinage…) et leur suivi."),
        rows=[
            (
                _link("support:alert", a.pk, f"{a} — {a.get_kind_display()}"),
                _("%(status)s, levée le %(d)s")
                % {"status": a.get_status_display(), "d": _date(a.created_at)},
            )
            for a in alerts
        ],
        empty=_("Aucune alerte en cours."),
        link_url=reverse("support:alert_new"),
        link_label=_("Lever une alerte de prévention"),
    )


@register(Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR, order=15)
def alerts_to_treat(user, membership):
    from django.urls import reverse

    from .models import PreventionAlert

    alerts = PreventionAlert.objects.visible_to(user).pending().order_by("due_on", "created_at", "pk")[:8]
    return Panel(
        _("Alertes de prévention à traiter"),
        _("Les signaux des bailleurs sur les ménages de votre périmètre, à prendre en charge rapidement."),
        rows=[
            (
                _link("support:alert", a.pk, f"{a} — {a.get_kind_display()}"),
                (
                    _("%(status)s, à traiter avant le %(d)s")
                    % {"status": a.get_status_display(), "d": _date(a.due_on)}
                    if a.due_on
                    else _("%(status)s, levée le %(d)s")
                    % {"status": a.get_status_display(), "d": _date(a.created_at)}
                ),
            )
            for a in alerts
        ],
        empty=_("Aucune alerte en attente."),
        link_url=reverse("support:alerts") + "?status=pending",
        link_label=_("Toutes les alertes à traiter"),
    )


@register(Role.SOCIAL_WORKER, order=12)
def overdue_reviews(user, membership):
    from django.urls import reverse

    from .models import SupportMeasure

    measures = (
        SupportMeasure.objects.worked_on_by(user)
        .filter(organization_id=membership.organization_id)
        .review_overdue()
        .select_related("kind")
        .order_by("next_review_on", "pk")[:8]
    )
    return Panel(
        _("Points d'étape en retard"),
        _("Les mesures d'accompagnement de votre organisation dont le point d'étape prévu est dépassé."),
        rows=[
            (
                _link("support:measure", m.pk, f"{m} — {m.kind.label}"),
                _("prévu le %(d)s") % {"d": _date(m.next_review_on)},
            )
            for m in measures
        ],
        empty=_("Aucun point d'étape en retard."),
        link_url=reverse("support:measures") + "?overdue=on",
        link_label=_("Toutes les mesures d'accompagnement"),
    )
