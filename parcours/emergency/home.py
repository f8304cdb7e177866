"""Home page panels of the 115 (registered in the core registry when the app is ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.CALL_HANDLER, order=10)
def tonight_requests(user, membership):
    """No name on the home page: the waiting requests by number, priority and size."""
    from django.urls import reverse
    from django.utils.html import format_html

    from .models import EmergencyRequest
    from .nights import current_night

    waiting = (
        EmergencyRequest.objects.visible_to(user)
        .filter(night=current_night(), status="open")
        .by_urgency()[:8]
    )
    return Panel(
        _("Demandes de cette nuit"),
        _("Les demandes 115 de la nuit en cours, les plus urgentes en tête."),
        rows=[
            (
                format_html('<a href="{}">{}</a>', reverse("emergency:request", args=[r.pk]), str(r)),
                _("%(p)s — %(n)s pers.") % {"p": r.priority, "n": r.persons},
            )
            for r in waiting
        ],
        empty=_("Aucune demande pour cette nuit."),
        link_url=reverse("emergency:call"),
        link_label=_("Prendre un nouvel appel"),
    )


@register(Role.CALL_HANDLER, order=20)
def free_places(user, membership):
    from django.urls import reverse

    from parcours.offers.choices import FacilityKind

    from .board import free_summary
    from .nights import current_night

    kinds = dict(FacilityKind.choices)
    summary = free_summary(night=current_night(), territory_id=membership.organization.territory_id)
    return Panel(
        _("Places libres ce soir"),
        _("Les places d'urgence disponibles cette nuit sur le département."),
        rows=[
            (
                kinds.get(row["kind"], row["kind"]),
                _("%(p)s places (%(u)s unités)") % {"p": row["places"], "u": row["units"]},
            )
            for row in summary
        ],
        empty=_("Aucune place déclarée libre pour cette nuit."),
        link_url=reverse("emergency:board"),
        link_label=_("Le tableau des places de la nuit"),
    )


@register(Role.FACILITY_MANAGER, order=30)
def emergency_places(user, membership):
    """The manager's emergency facilities and whether tonight's free places are declared."""
    from django.urls import reverse
    from django.utils.html import format_html

    from parcours.offers.choices import EMERGENCY_KINDS
    from parcours.offers.models import Facility

    from .models import PlacesDeclaration
    from .nights import current_night

    facilities = list(
        Facility.objects.manageable_by(user)
        .filter(kind__in=EMERGENCY_KINDS, active=True)
        .order_by("name")[:8]
    )
    declared = dict(
        PlacesDeclaration.objects.filter(facility__in=facilities, night=current_night())
        .annotate(n=models.Count("units"))
        .values_list("facility_id", "n")
    )
    rows = [
        (
            format_html('<a href="{}">{}</a>', reverse("emergency:declare", args=[f.pk]), f.name),
            _("%(n)s places déclarées libres") % {"n": declared[f.pk]}
            if f.pk in declared
            else _("non déclarée : toutes les places sont proposées au 115"),
        )
        for f in facilities
    ]
    return Panel(
        _("Places libres pour le 115 ce soir"),
        _("Déclarez chaque soir les places de vos structures d'urgence que le 115 peut attribuer."),
        rows=rows,
        empty=_("Vous ne gérez aucune structure d'urgence (CHU, hôtel, halte de nuit)."),
    )
