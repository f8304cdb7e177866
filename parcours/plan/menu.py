"""The plan's entry in the main menu (registry: parcours.core.menu)."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

menu.register(_("Plan"), "plan:overview", order=80, current_app="plan")(perms.can_view_plan)
