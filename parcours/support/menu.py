"""The support's entries in the main menu (registry: parcours.core.menu): the measures, or for those
who see alerts but no measure, the prevention alerts."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

GROUP = menu.group("support", _("Accompagnement"), order=50)

menu.register(
    _("Mesures d'accompagnement"), "support:measures", order=50, current_view="support:measure*", group=GROUP
)(perms.can_list_measures)
menu.register(
    _("Alertes de prévention"), "support:alerts", order=51, current_view="support:alert*", group=GROUP
)(perms.can_list_alerts)
menu.register(
    _("Ateliers collectifs"), "support:workshops", order=52, current_view="support:workshop*", group=GROUP
)(perms.can_view_workshops)
