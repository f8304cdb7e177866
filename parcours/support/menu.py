"""The support's entries in the main menu (registry: parcours.core.menu): the measures, or for those
who see alerts but no measure, the prevention alerts."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(_("Accompagnement"), "support:measures", order=50, current_app="support")(
    perms.can_list_measures
)


@menu.register(_("Alertes de prévention"), "support:alerts", order=51, current_app="support")
def alerts_without_measures(user) -> bool:
    """The alerts' own entry, only when the user has no measures' entry (which leads to them too)."""
    return perms.can_list_alerts(user) and not perms.can_list_measures(user)
