"""Home page panel of the observatory: for observers (and the network's administration), the
themes of indicators, aggregated, each linked to its page."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.OBSERVER, Role.NETWORK_ADMIN, order=10)
def indicators(user, membership):
    from django.urls import reverse
    from django.utils.html import format_html

    from .catalogue import by_domain
    from .themes import THEMES

    domains = by_domain()
    return Panel(
        _("Indicateurs"),
        _("Les chiffres agrégés de l'observatoire, sans aucune donnée nominative."),
        rows=[
            (
                format_html(
                    '<a href="{}">{}</a>', reverse("observatory:theme", args=[theme.slug]), theme.label
                ),
                _("%(n)s indicateurs") % {"n": len(domains[theme.domain])},
            )
            for theme in THEMES
            if domains.get(theme.domain)
        ],
        empty=_("Aucun indicateur n'est encore défini."),
        link_url=reverse("observatory:dashboard"),
        link_label=_("Ouvrir l'observatoire"),
    )
