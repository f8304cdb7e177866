"""The offer's entry in the main menu (registry: parcours.core.menu)."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(_("Offre"), "offers:list", order=30, current_app="offers")(perms.can_list_facilities)
