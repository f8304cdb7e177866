"""The 115's entry in the main menu (registry: parcours.core.menu)."""

from parcours.core import menu

from . import perms

menu.register("115", "emergency:board", order=10, current_app="emergency")(perms.can_use_115)
