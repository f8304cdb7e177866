"""Home page panel of the observatory: for observers (and the network's administration), the
indicators by domain, aggregated, with their links."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.OBSERVER, Role.NETWORK_ADMIN, order=10)
def indicators(user, membership):
    from django.urls import reverse
    from django.utils.html import format_html

    from .catalogue import by_domain
    from .views import DOMAIN_LABELS

    return Panel(
        _("Indicateurs"),
        _("Les chiffres agrégés de l'observatoire, sans aucune donnée nominative."),
        rows=[
            (
                format_html(
                    '<a href="{}#h-domain-{}">{}</a>',
                    reverse("observatory:dashboard"),
                    domain,
                    DOMAIN_LABELS.get(domain, domain),
                ),
                _("%(n)s indicateurs") % {"n": len(indicators)},
            )
            for domain, indicators in by_domain().items()
        ],
        empty=_("Aucun indicateur n'est encore défini."),
        link_url=reverse("observatory:dashboard"),
        link_label=_("Ouvrir l'observatoire"),
    )
