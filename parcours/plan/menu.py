"""The plan's entry in the main menu (registry: parcours.core.menu)."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(
    _("Plan départemental"),
    "plan:overview",
    order=80,
    current_app="plan",
    group=menu.group("network", _("Réseau"), order=90),
)(perms.can_view_plan)
