"""What the outreach needs without network (core.offline registry, docs/continuite.md): its script,
and the encounter form every outreach page falls back to (kept from its last load online)."""

from parcours.core import offline

offline.register(static=["js/offline/outreach.js"], pages=[("/aller-vers/", "outreach:encounter_new")])
