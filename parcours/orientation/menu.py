"""The orientation's entries in the main menu (registry: parcours.core.menu)."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

GROUP = menu.group("orientation", _("Orientation"), order=40)

menu.register(
    _("Demandes d'insertion"), "orientation:list", order=40, current_view="orientation:list", group=GROUP
)(perms.can_list_requests)
menu.register(
    _("Propositions"), "orientation:proposals", order=60, current_view="orientation:proposals", group=GROUP
)(perms.can_list_proposals)
menu.register(
    _("Commissions"), "orientation:commissions", order=90, current_view="orientation:commissions", group=GROUP
)(perms.can_manage_commissions)
