"""The households' entry in the main menu (registry: parcours.core.menu)."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(_("Ménages"), "households:list", order=20, current_app="households")(perms.can_list_households)
