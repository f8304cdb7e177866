"""The network's directory in the main menu (registry: parcours.core.menu), in the « Réseau » group
with the observatory and the plan: every member of an organization may read it."""

from django.utils.translation import gettext_lazy as _

from parcours.core import menu

from .perms import active_membership


@menu.register(
    _("Organisations"),
    "network:organization_list",
    order=91,
    current_view="network:organization*",
    group=menu.group("network", _("Réseau"), order=90),
)
def has_a_membership(user) -> bool:
    return active_membership(user) is not None
