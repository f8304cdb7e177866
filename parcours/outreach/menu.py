"""Outreach's entry in the main menu (registry: parcours.core.menu): team members and the SIAO.

It sits in the « Accompagnement » group (aller-vers is support that goes to the person): a link of its
own pushed the coordinator's English menu onto a second line at 1366 px. Who sees only this entry of
the group (a call handler) gets it as a plain link.

The menu is cached per user and access version (core.menu): joining or leaving a team, or a team
switched off or on, changes what its members see, so it bumps their access version (accounts.access)."""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.utils.translation import gettext_lazy as _

from parcours.accounts import access
from parcours.core import menu

from . import perms
from .models import OutreachTeam

GROUP = menu.group("support", _("Accompagnement"), order=50)

menu.register(_("Aller-vers"), "outreach:index", order=53, current_app="outreach", group=GROUP)(
    perms.can_use_outreach
)


def _members_changed(sender, instance, action, pk_set, **kwargs):
    """team.members.add/remove/set/clear, or membership.outreach_teams.… from the other side."""
    from parcours.accounts.models import Membership

    if action not in ("post_add", "post_remove", "pre_clear"):  # cleared: read the members before
        return
    if not isinstance(instance, OutreachTeam):
        access.bump([instance.user_id])
    elif action == "pre_clear":
        access.bump(instance.members.values_list("user_id", flat=True))
    else:
        access.bump(Membership.objects.filter(pk__in=pk_set or ()).values_list("user_id", flat=True))


def _team_changed(sender, instance, **kwargs):
    access.bump(instance.members.values_list("user_id", flat=True))


m2m_changed.connect(
    _members_changed, sender=OutreachTeam.members.through, dispatch_uid="outreach_menu_members"
)
post_save.connect(_team_changed, sender=OutreachTeam, dispatch_uid="outreach_menu_team")
# Before the deletion: the team's member rows go with it.
pre_delete.connect(_team_changed, sender=OutreachTeam, dispatch_uid="outreach_menu_team_deleted")
