"""The observatory's entry in the main menu (registry: parcours.core.menu)."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(
    _("Observatoire"),
    "observatory:dashboard",
    order=70,
    current_app="observatory",
    group=menu.group("network", _("Réseau"), order=90),
)(perms.can_view_observatory)
