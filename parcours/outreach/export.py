"""Outreach's part of the right-of-access export (registry: parcours.households.export): the encounters
linked to the household. Where they took place is whereabouts (rule 6)."""

from parcours.households.export import register, rows

from .models import Encounter


@register("outreach", covers=(Encounter,))
def outreach(household, ctx):
    encounters = (
        Encounter.objects.filter(household=household)
        .select_related("team", "commune")
        .order_by("met_at", "pk")
    )
    return {
        "encounters": [
            {
                **rows(
                    [e],
                    ("met_at", "team", "persons", "children", "needs", "given", "orientation", "follow_up"),
                )[0],
                "commune": ctx.place(e.commune.name),
                "place": ctx.place(e.place),
                "note": ctx.place(e.note),
                "emergency_request": e.emergency_request_id,
            }
            for e in encounters
        ]
    }
