"""Outreach's entry in the main menu (registry: parcours.core.menu): team members and the SIAO.

It sits in the « Accompagnement » group (aller-vers is support that goes to the person): a link of its
own pushed the coordinator's English menu onto a second line at 1366 px. Who sees only this entry of
the group (a call handler) gets it as a plain link."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from . import perms

GROUP = menu.group("support", _("Accompagnement"), order=50)

menu.register(_("Aller-vers"), "outreach:index", order=53, current_app="outreach", group=GROUP)(
    perms.can_use_outreach
)
