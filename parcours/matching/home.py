"""Home page panel of the orientation engine (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.SIAO_COORDINATOR, order=25)
def candidates_to_review(user, membership):
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from .loaders import open_vacancies

    vacancies = (
        open_vacancies()
        .filter(unit__facility__territory_id=membership.organization.territory_id)
        .select_related("unit__facility")[:5]
    )
    return Panel(
        _("Candidats aux vacances"),
        _("Pour chaque vacance, les demandes classées critère par critère et les exclusions expliquées."),
        rows=[
            (
                format_html(
                    '<a href="{}">{} — {}</a>',
                    reverse("matching:candidates", args=[v.pk]),
                    v.unit.facility.name,
                    v.unit.label,
                ),
                _("libre le %(d)s") % {"d": date_format(v.available_from, "SHORT_DATE_FORMAT")},
            )
            for v in vacancies
        ],
        empty=_("Aucune vacance à pourvoir sur le département."),
        link_url=reverse("matching:vacancies"),
        link_label=_("Toutes les vacances, l'affectation optimale et la simulation"),
    )


@register(Role.NETWORK_ADMIN, order=60)
def ranking_simulation(user, membership):
    from django.urls import reverse

    return Panel(
        _("Réglages du moteur d'orientation"),
        _("Simuler l'effet d'un poids ou d'un paramètre de règle sur le classement des vacances actuelles."),
        empty=_("Rien n'est enregistré par la simulation."),
        link_url=reverse("matching:simulation"),
        link_label=_("Simuler le classement"),
    )
