"""Home panel of the network administrators: the opinions (« votre avis ») of the people accompanied,
for the network's participation body to read and answer in its meetings."""

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core.home import MAX_ROWS, Panel, Row, day, register

from .models import Feedback


@register(Role.NETWORK_ADMIN, order=60)
def feedback_panel(user, membership):
    waiting = Feedback.objects.filter(handled_at__isnull=True).order_by("created_at")
    total = waiting.count()
    rows = [
        Row(
            url=reverse("portal:feedback_detail", args=[f.pk]),
            label=f"{f.get_kind_display()} — {day(f.created_at)}",
            reason=_("anonyme") if f.access_id is None else _("signé"),
        )
        for f in waiting[:MAX_ROWS]
    ]
    return Panel(
        title=_("Avis des personnes accompagnées"),
        description=_("Idées et réclamations envoyées depuis Mon espace, pour l'instance de participation."),
        rows=rows,
        empty=_("Aucun avis en attente."),
        total=total,
        link_url=reverse("portal:feedback_list"),
        link_label=_("Tous les avis"),
    )
