"""Home page panels of the household file (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.SOCIAL_WORKER, order=10)
def my_households(user, membership):
    from django.urls import reverse

    from parcours.households.models import Household
    from parcours.households.services import record_reads

    households = list(
        Household.objects.visible_to(user)
        .filter(referent=user)
        .prefetch_related("people")
        .order_by("-updated_at")[:8]
    )
    record_reads(actor=user, households=households, sections=["list"], purpose="home")
    rows = []
    for household in households:
        head = household.head
        rows.append(
            (
                _("Dossier n° %(n)s") % {"n": household.pk},
                f"{head.first_name} {head.last_name}" if head else "",
            )
        )
    return Panel(
        _("Mes ménages"),
        _("Les ménages dont vous êtes référent·e, les derniers modifiés en tête."),
        rows=rows,
        empty=_("Vous n'êtes référent·e d'aucun ménage pour le moment."),
        link_url=reverse("households:list"),
        link_label=_("Tous les ménages de mon organisation"),
    )
