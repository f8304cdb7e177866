"""Home page panels of the network administration (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.NETWORK_ADMIN, order=10)
def network(user, membership):
    from django.db.models import Count
    from django.urls import reverse

    from parcours.accounts.models import Organization

    counts = {t: 0 for t, _label in Organization._meta.get_field("type").choices}
    for row in Organization.objects.active().values("type").order_by().annotate(n=Count("id")):
        counts[row["type"]] = row["n"]
    labels = dict(Organization._meta.get_field("type").choices)
    return Panel(
        _("Le réseau"),
        _("Les organisations membres actives, par type."),
        rows=[(labels[t], n) for t, n in counts.items()],
        link_url=reverse("network:organization_list"),
        link_label=_("Voir l'annuaire des organisations"),
    )
