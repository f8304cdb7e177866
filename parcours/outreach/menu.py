"""Outreach's entry in the main menu (registry: parcours.core.menu): team members and the SIAO."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(_("Aller-vers"), "outreach:index", order=15, current_app="outreach")(perms.can_use_outreach)
