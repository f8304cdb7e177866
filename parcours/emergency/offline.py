"""What the 115 needs without network (core.offline registry, docs/continuite.md): its scripts, the
offline page every 115 page falls back to, and the snapshot of tonight's places."""

from parcours.core import offline

offline.register(
    static=["js/emergency.js", "js/offline/emergency.js"],
    pages=[("/115/", "emergency:offline")],
    snapshots=["emergency:offline_snapshot"],
)
