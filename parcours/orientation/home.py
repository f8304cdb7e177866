"""Home page panels of the insertion requests (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.SIAO_COORDINATOR, order=10)
def requests_to_check(user, membership):
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from parcours.orientation.models import InsertionRequest

    requests = (
        InsertionRequest.objects.visible_to(user)
        .filter(status="submitted", household__territory_id=membership.organization.territory_id)
        .order_by("submitted_at", "pk")[:8]
    )
    return Panel(
        _("Demandes à instruire"),
        _("Les demandes d'insertion transmises par les prescripteurs, à valider ou à compléter."),
        rows=[
            (
                format_html('<a href="{}">{}</a>', reverse("orientation:detail", args=[r.pk]), str(r)),
                _("transmise le %(d)s") % {"d": date_format(r.submitted_at, "SHORT_DATE_FORMAT")},
            )
            for r in requests
        ],
        empty=_("Aucune demande en attente d'instruction."),
        link_url=reverse("orientation:list") + "?status=submitted",
        link_label=_("Toutes les demandes à instruire"),
    )
